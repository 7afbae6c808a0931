package be.cfwb.bma.testing;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderPath;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Realistic, deterministic content for a school's administrative mailbox: circulars and
 * requests from the administration, replies in accented folders, PDF and spreadsheet
 * attachments, a mix of read, answered, flagged and forwarded mails spread over two school
 * years. The same address always gives the same bytes, so demos and tests are repeatable.
 */
public final class SampleMailboxes {

    /** The folders a school's mailbox typically has, as segments. */
    public static final List<List<String>> FOLDERS = List.of(
            List.of("INBOX"),
            List.of("Envoyés"),
            List.of("Éléments supprimés"),
            List.of("Brouillons"),
            List.of("Archives", "2023-2024"),
            List.of("Archives", "Comptage élèves"),
            List.of("Direction & secrétariat"));

    private static final String[] SENDERS = {
        "Service général du Numérique éducatif <sgne@cfwb.be>",
        "Direction générale de l'Enseignement obligatoire <dgeo@cfwb.be>",
        "Service des attributions <attributions@cfwb.be>",
        "DAccE - Dossier d'accompagnement <dacce@cfwb.be>",
        "ETNIC Service Desk <support@etnic.be>"};

    private static final String[] SUBJECTS = {
        "Circulaire n°%d – Organisation de l'année scolaire 2024-2025",
        "Comptage des élèves au 1er octobre : rappel de l'échéance",
        "Attributions des membres du personnel : documents à compléter",
        "DAccE : ouverture de la période d'encodage",
        "Accusé de réception de votre déclaration n°%d",
        "Réunion des directions – ordre du jour",
        "Subventions de fonctionnement : notification n°%d"};

    private static final DateTimeFormatter RFC_5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private SampleMailboxes() {
    }

    /**
     * About {@code count} messages for {@code address}, spread over {@link #FOLDERS}; every
     * tenth carries a PDF attachment of 50 to 400 KB, one in forty a spreadsheet of about 1 MB.
     */
    public static List<SampleMessage> messages(BmaAddress address, int count) {
        SplittableRandom random = new SplittableRandom(address.toString().hashCode() * 31L + count);
        List<SampleMessage> messages = new ArrayList<>(count);
        OffsetDateTime start = OffsetDateTime.of(2023, 9, 1, 8, 0, 0, 0, ZoneOffset.ofHours(2));
        for (int i = 0; i < count; i++) {
            List<String> folder = FOLDERS.get(folderIndex(random));
            boolean sent = folder.get(0).equals("Envoyés");
            boolean draft = folder.get(0).equals("Brouillons");
            OffsetDateTime date = start.plusMinutes((long) i * 60 * 24 * 400 / Math.max(1, count) + random.nextInt(600));
            String subject = String.format(Locale.ROOT, SUBJECTS[random.nextInt(SUBJECTS.length)], 9000 + random.nextInt(500));
            String from = sent || draft ? address.toString() : SENDERS[random.nextInt(SENDERS.length)];
            String to = sent || draft ? SENDERS[random.nextInt(SENDERS.length)] : address.toString();
            int attachmentKb = i % 40 == 39 ? 1024 : i % 10 == 9 ? 50 + random.nextInt(350) : 0;
            byte[] bytes = message(address, i, from, to, sent ? "RE: " + subject : subject, date, attachmentKb, random);
            messages.add(new SampleMessage(folder, bytes, flags(random, sent, draft), date));
        }
        return List.copyOf(messages);
    }

    /**
     * Creates the folders and appends {@code count} sample messages to {@code address}'s old
     * mailbox through {@code seeder}, with their flags and received dates.
     *
     * @return the messages appended
     */
    public static List<SampleMessage> seed(MailboxSeeder seeder, BmaAddress address, int count) {
        List<SampleMessage> messages = messages(address, count);
        for (List<String> folder : FOLDERS) {
            if (!folder.equals(List.of("INBOX"))) {
                seeder.folder(FolderPath.of(folder.toArray(String[]::new)));
            }
        }
        for (SampleMessage m : messages) {
            seeder.append(FolderPath.of(m.folder().toArray(String[]::new)), m.bytes(),
                    MailboxSeeder.flags(m.flags().toArray(String[]::new)), m.internalDate().toInstant());
        }
        return messages;
    }

    private static int folderIndex(SplittableRandom random) {
        int r = random.nextInt(100);
        if (r < 55) {
            return 0;
        }
        if (r < 70) {
            return 1;
        }
        if (r < 76) {
            return 2;
        }
        if (r < 78) {
            return 3;
        }
        return 4 + random.nextInt(FOLDERS.size() - 4);
    }

    private static Set<String> flags(SplittableRandom random, boolean sent, boolean draft) {
        Set<String> flags = new LinkedHashSet<>();
        if (draft) {
            flags.add("\\Draft");
            return flags;
        }
        if (sent || random.nextInt(100) < 85) {
            flags.add("\\Seen");
        }
        if (!sent && random.nextInt(100) < 20) {
            flags.add("\\Answered");
        }
        if (random.nextInt(100) < 8) {
            flags.add("\\Flagged");
        }
        if (!sent && random.nextInt(100) < 5) {
            flags.add("$Forwarded");
        }
        return flags;
    }

    private static byte[] message(BmaAddress address, int index, String from, String to, String subject,
                                  OffsetDateTime date, int attachmentKb, SplittableRandom random) {
        String boundary = "=_bma_" + address.localPart() + "_" + index;
        String text = "Madame, Monsieur,\r\n\r\nVeuillez trouver ci-dessous les informations relatives à : "
                + subject + ".\r\n\r\nNous vous prions d'agréer l'expression de nos salutations distinguées.\r\n";
        String html = "<html><body><p>Madame, Monsieur,</p><p>Veuillez trouver ci-dessous les informations relatives"
                + " à&nbsp;: <b>" + subject.replace("&", "&amp;").replace("<", "&lt;") + "</b>.</p></body></html>\r\n";
        StringBuilder sb = new StringBuilder();
        sb.append("Message-ID: <").append(address.localPart()).append('.').append(index).append("@demo.cfwb.be>\r\n");
        sb.append("Date: ").append(RFC_5322.format(date)).append("\r\n");
        sb.append("From: ").append(encodeDisplayName(from)).append("\r\n");
        sb.append("To: ").append(encodeDisplayName(to)).append("\r\n");
        sb.append("Subject: ").append(encodeWord(subject)).append("\r\n");
        sb.append("MIME-Version: 1.0\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (attachmentKb == 0) {
            sb.append("Content-Type: multipart/alternative; boundary=\"").append(boundary).append("\"\r\n\r\n");
            alternative(sb, boundary, text, html);
            out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }
        String alt = boundary + "_alt";
        sb.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
        sb.append("--").append(boundary).append("\r\n");
        sb.append("Content-Type: multipart/alternative; boundary=\"").append(alt).append("\"\r\n\r\n");
        alternative(sb, alt, text, html);
        boolean pdf = attachmentKb < 1024;
        String name = pdf ? "circulaire-" + (9000 + index) + ".pdf" : "comptage-élèves.xlsx";
        sb.append("--").append(boundary).append("\r\n");
        sb.append("Content-Type: ").append(pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .append("; name=\"").append(encodeWord(name)).append("\"\r\n");
        sb.append("Content-Transfer-Encoding: base64\r\n");
        sb.append("Content-Disposition: attachment; filename*=UTF-8''").append(percentEncode(name)).append("\r\n\r\n");
        byte[] payload = new byte[attachmentKb * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) random.nextInt(256);
        }
        if (pdf) {
            byte[] magic = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(magic, 0, payload, 0, magic.length);
        }
        sb.append(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(payload)).append("\r\n");
        sb.append("--").append(boundary).append("--\r\n");
        out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void alternative(StringBuilder sb, String boundary, String text, String html) {
        sb.append("--").append(boundary).append("\r\n");
        sb.append("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").append(text);
        sb.append("--").append(boundary).append("\r\n");
        sb.append("Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").append(html);
        sb.append("--").append(boundary).append("--\r\n");
    }

    private static String encodeDisplayName(String mailbox) {
        int lt = mailbox.indexOf('<');
        if (lt <= 0) {
            return mailbox;
        }
        return encodeWord(mailbox.substring(0, lt).strip()) + " " + mailbox.substring(lt);
    }

    /** RFC 2047 B-encoding when the text is not plain ASCII. */
    private static String encodeWord(String text) {
        if (text.chars().allMatch(c -> c >= 32 && c < 127)) {
            return text;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    private static String percentEncode(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((Character.isLetterOrDigit(c) && c < 128) || c == '.' || c == '-' || c == '_') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }
}
