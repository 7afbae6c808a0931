package be.cfwb.bma.testing.dovecot.benchmark;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.testing.dovecot.DovecotServer;

import jakarta.mail.internet.MimeUtility;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates a realistic, reproducible corpus of school administrative mailboxes and writes it
 * straight into a {@link DovecotServer}'s Maildirs (much faster than APPEND; Dovecot indexes the
 * files on first access, and the benchmark warms that up before timing).
 *
 * <p>The mix, per message: 78 % short plain-text mails (1–8 KB, French, quoted-printable), 15 %
 * text+HTML alternatives (10–50 KB), 6 % with a PDF-like attachment (100–400 KB), 1 % large ones
 * (1–5 MB attachment). About 1 % have no Message-ID and 0.5 % are exact duplicates of the
 * previous message of their folder. Folders are nested and accented ({@code Éléments envoyés},
 * {@code Projets/Écoles 2024}, {@code Réunions & conseils}); flags include \Seen, \Answered,
 * \Flagged, \Draft and the keyword {@code $Forwarded}; INTERNALDATEs (file mtimes) spread over
 * 2019–2024. The same seed gives the same bytes.
 */
public final class CorpusGenerator {

    /** What kind of message; drives the size. */
    public enum Kind { TEXT, HTML, ATTACHMENT, LARGE }

    /** How big a corpus to make. */
    public record Spec(long seed, int mailboxes, int messagesPerMailbox) {
        public Spec {
            if (mailboxes < 1 || messagesPerMailbox < 1) {
                throw new IllegalArgumentException("a corpus needs at least one mailbox and one message each");
            }
        }

        /** The corpus: 20 mailboxes × 300 messages, about 20 MB each. */
        public static Spec standard() {
            return new Spec(9358L, 20, 300);
        }
    }

    /** What was generated. */
    public record Corpus(List<BmaAddress> mailboxes, int messages, long bytes, Map<Kind, Integer> count,
                         Map<Kind, Long> kindBytes, int folders, long largest, int withoutMessageId, int duplicates,
                         Duration generation) {

        public double megabytes() {
            return bytes / 1e6;
        }
    }

    private record FolderSpec(List<String> path, int weight) {
    }

    /**
     * The INBOX's weight among the folders' (of 100 with the default 40): {@code bma.benchmark.inboxWeight}
     * gives a school whose INBOX holds most of its mail, the long copy of a mailbox's day.
     */
    static final int INBOX_WEIGHT = Integer.getInteger("bma.benchmark.inboxWeight", 40);

    private static final List<FolderSpec> FOLDERS = List.of(
            new FolderSpec(List.of("INBOX"), INBOX_WEIGHT),
            new FolderSpec(List.of("Éléments envoyés"), 15),
            new FolderSpec(List.of("Brouillons"), 2),
            new FolderSpec(List.of("Corbeille"), 5),
            new FolderSpec(List.of("Archives", "2022"), 8),
            new FolderSpec(List.of("Archives", "2023"), 10),
            new FolderSpec(List.of("Projets", "Écoles 2024"), 8),
            new FolderSpec(List.of("Réunions & conseils"), 5),
            new FolderSpec(List.of("Administratif", "Circulaires"), 7));

    private static final String[] WORDS = ("école élèves enseignants direction circulaire réunion parents "
            + "inscription calendrier examen bulletin comptage subvention DAccE pouvoir organisateur "
            + "établissement administration Fédération Wallonie-Bruxelles rentrée septembre octobre "
            + "novembre décembre conseil classe formation absence dossier document annexe signature "
            + "urgent rappel information année scolaire personnel désignation attestation transport "
            + "cantine sécurité bâtiment travaux budget facture commande matériel projet pédagogique").split(" ");

    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z",
            Locale.ENGLISH);
    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
    private static final Instant FROM = Instant.parse("2019-01-01T00:00:00Z");
    private static final long SPAN_SECONDS = Duration.ofDays(6 * 365).toSeconds();

    private CorpusGenerator() {
    }

    /** The mailboxes of a spec, {@code ec000001@adm.cfwb.be} onward. */
    public static List<BmaAddress> mailboxes(Spec spec) {
        List<BmaAddress> result = new ArrayList<>();
        for (int i = 1; i <= spec.mailboxes(); i++) {
            result.add(BmaAddress.of(BmaKind.EC, 9000 + i));
        }
        return List.copyOf(result);
    }

    /**
     * Writes the corpus into the Maildirs of {@code server}, whose users must exist (see
     * {@link #mailboxes}), and hands the files to the mail uid.
     */
    public static Corpus writeMaildirs(DovecotServer server, Spec spec) {
        long start = System.nanoTime();
        Map<Kind, Integer> count = new EnumMap<>(Kind.class);
        Map<Kind, Long> kindBytes = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            count.put(k, 0);
            kindBytes.put(k, 0L);
        }
        long bytes = 0;
        long largest = 0;
        int messages = 0;
        int withoutId = 0;
        int duplicates = 0;
        int totalWeight = FOLDERS.stream().mapToInt(FolderSpec::weight).sum();
        List<BmaAddress> mailboxes = mailboxes(spec);
        try {
            for (int m = 0; m < mailboxes.size(); m++) {
                BmaAddress mailbox = mailboxes.get(m);
                SplittableRandom random = new SplittableRandom(spec.seed() * 1_000_003L + m);
                Path maildir = server.maildir(mailbox.toString());
                Map<FolderSpec, byte[]> previous = new HashMap<>();
                for (FolderSpec f : FOLDERS) {
                    prepareFolder(folderDir(maildir, f.path()));
                }
                for (int i = 0; i < spec.messagesPerMailbox(); i++) {
                    FolderSpec folder = pick(random, totalWeight);
                    Path dir = folderDir(maildir, folder.path());
                    byte[] raw;
                    Kind kind;
                    if (previous.containsKey(folder) && random.nextInt(200) == 0) {
                        raw = previous.get(folder);
                        kind = Kind.TEXT;
                        duplicates++;
                    } else {
                        int roll = random.nextInt(100);
                        kind = roll < 78 ? Kind.TEXT : roll < 93 ? Kind.HTML : roll < 99 ? Kind.ATTACHMENT : Kind.LARGE;
                        boolean noId = random.nextInt(100) == 0;
                        if (noId) {
                            withoutId++;
                        }
                        raw = message(random, mailbox, kind, m, i, noId);
                        if (kind == Kind.TEXT) {
                            previous.put(folder, raw);
                        }
                    }
                    Instant date = FROM.plusSeconds(random.nextLong(SPAN_SECONDS));
                    String flags = flags(random, folder);
                    String name = date.getEpochSecond() + ".M" + i + "P" + m + ".bma-corpus,S=" + raw.length
                            + ",W=" + raw.length + ":2," + flags;
                    Path file = dir.resolve("cur").resolve(name);
                    Files.write(file, raw);
                    Files.setLastModifiedTime(file, FileTime.from(date));
                    messages++;
                    bytes += raw.length;
                    largest = Math.max(largest, raw.length);
                    count.merge(kind, 1, Integer::sum);
                    kindBytes.merge(kind, (long) raw.length, Long::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the corpus", e);
        }
        server.fixMailOwnership();
        return new Corpus(mailboxes, messages, bytes, Map.copyOf(count), Map.copyOf(kindBytes), FOLDERS.size(),
                largest, withoutId, duplicates, Duration.ofNanos(System.nanoTime() - start));
    }

    /** The folder paths of every generated mailbox, root first. */
    public static List<List<String>> folderPaths() {
        return FOLDERS.stream().map(FolderSpec::path).toList();
    }

    private static FolderSpec pick(SplittableRandom random, int totalWeight) {
        int r = random.nextInt(totalWeight);
        for (FolderSpec f : FOLDERS) {
            r -= f.weight();
            if (r < 0) {
                return f;
            }
        }
        throw new IllegalStateException("weights");
    }

    private static Path folderDir(Path maildir, List<String> path) {
        if (path.size() == 1 && path.get(0).equals("INBOX")) {
            return maildir;
        }
        // Maildir++: ".A.B", each name in IMAP modified UTF-7 as Dovecot stores it.
        StringBuilder name = new StringBuilder();
        for (String segment : path) {
            name.append('.').append(BASE64MailboxEncoder.encode(segment));
        }
        return maildir.resolve(name.toString());
    }

    private static void prepareFolder(Path dir) throws IOException {
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        if (dir.getFileName().toString().startsWith(".") && !Files.exists(dir.resolve("maildirfolder"))) {
            Files.createFile(dir.resolve("maildirfolder"));
        }
        // Keyword letters of the Maildir file names: a = $Forwarded.
        Files.writeString(dir.resolve("dovecot-keywords"), "0 $Forwarded\n", StandardCharsets.US_ASCII);
    }

    private static String flags(SplittableRandom random, FolderSpec folder) {
        StringBuilder f = new StringBuilder();
        boolean drafts = folder.path().get(0).equals("Brouillons");
        if (drafts) {
            f.append('D');
        }
        if (!drafts && random.nextInt(100) < 5) {
            f.append('F');
        }
        if (!drafts && random.nextInt(100) < 10) {
            f.append('R');
        }
        if (drafts || random.nextInt(100) < 85) {
            f.append('S');
        }
        if (random.nextInt(100) < 4) {
            f.append('a');
        }
        return f.toString();
    }

    private static byte[] message(SplittableRandom random, BmaAddress mailbox, Kind kind, int m, int i,
                                  boolean noMessageId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(kind == Kind.LARGE ? 6 << 20 : 64 << 10);
        ZonedDateTime date = FROM.plusSeconds(random.nextLong(SPAN_SECONDS)).atZone(BRUSSELS);
        String subject = capitalize(words(random, 3 + random.nextInt(6)));
        header(out, "Return-Path", "<direction" + random.nextInt(5000) + "@ecoles.cfwb.be>");
        header(out, "Received", "from mx.cfwb.be (mx.cfwb.be [192.0.2." + random.nextInt(250) + "])\r\n\tby "
                + "imap.adm.cfwb.be with ESMTP id " + Long.toHexString(random.nextLong()) + ";\r\n\t"
                + RFC_5322.format(date));
        header(out, "From", "\"" + MimeUtility.encodeText("Direction " + capitalize(words(random, 1)), "UTF-8", "Q")
                + "\" <direction" + random.nextInt(5000) + "@ecoles.cfwb.be>");
        header(out, "To", mailbox.toString());
        header(out, "Subject", MimeUtility.encodeText(subject, "UTF-8", "Q"));
        header(out, "Date", RFC_5322.format(date));
        if (!noMessageId) {
            header(out, "Message-ID", "<" + m + "." + i + "." + Long.toHexString(random.nextLong()) + "@bma-corpus>");
        }
        header(out, "MIME-Version", "1.0");
        int textBytes = 1000 + random.nextInt(7000);
        switch (kind) {
            case TEXT -> {
                header(out, "Content-Type", "text/plain; charset=UTF-8");
                header(out, "Content-Transfer-Encoding", "quoted-printable");
                crlf(out);
                qp(out, paragraphs(random, textBytes));
            }
            case HTML -> {
                String boundary = "alt-" + Long.toHexString(random.nextLong());
                header(out, "Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
                crlf(out);
                String text = paragraphs(random, 2000 + random.nextInt(8000));
                part(out, boundary, "text/plain; charset=UTF-8", "quoted-printable");
                qp(out, text);
                part(out, boundary, "text/html; charset=UTF-8", "quoted-printable");
                qp(out, html(random, text, 8000 + random.nextInt(32000)));
                ascii(out, "--" + boundary + "--\r\n");
            }
            case ATTACHMENT, LARGE -> {
                String boundary = "mix-" + Long.toHexString(random.nextLong());
                header(out, "Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"");
                crlf(out);
                part(out, boundary, "text/plain; charset=UTF-8", "quoted-printable");
                qp(out, paragraphs(random, 500 + random.nextInt(2000)));
                int size = kind == Kind.LARGE ? (1 << 20) + random.nextInt(4 << 20) : 100_000 + random.nextInt(300_000);
                String file = "annexe-" + (i + 1) + ".pdf";
                ascii(out, "--" + boundary + "\r\nContent-Type: application/pdf; name=\"" + file + "\"\r\n"
                        + "Content-Disposition: attachment; filename=\"" + file + "\"\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\n");
                base64(out, random, size);
                ascii(out, "--" + boundary + "--\r\n");
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        return out.toByteArray();
    }

    private static void part(ByteArrayOutputStream out, String boundary, String type, String encoding) {
        ascii(out, "--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Transfer-Encoding: " + encoding
                + "\r\n\r\n");
    }

    private static void header(ByteArrayOutputStream out, String name, String value) {
        ascii(out, name + ": " + value + "\r\n");
    }

    private static void crlf(ByteArrayOutputStream out) {
        ascii(out, "\r\n");
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String words(SplittableRandom random, int n) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String paragraphs(SplittableRandom random, int approxBytes) {
        StringBuilder sb = new StringBuilder("Madame, Monsieur,\n\n");
        while (sb.length() < approxBytes) {
            sb.append(capitalize(words(random, 8 + random.nextInt(20)))).append(". ");
            if (random.nextInt(4) == 0) {
                sb.append("\n\n");
            }
        }
        return sb.append("\n\nCordialement,\nLa direction\n").toString();
    }

    private static String html(SplittableRandom random, String text, int approxBytes) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>"
                + "p{font-family:Calibri,sans-serif;font-size:11pt}</style></head><body>\n");
        for (String p : text.split("\n\n")) {
            sb.append("<p>").append(p.replace("&", "&amp;").replace("<", "&lt;")).append("</p>\n");
        }
        while (sb.length() < approxBytes) {
            sb.append("<table border=\"1\"><tr><td>").append(words(random, 3)).append("</td><td>")
                    .append(random.nextInt(10000)).append("</td></tr></table>\n");
        }
        return sb.append("</body></html>\n").toString();
    }

    /** Quoted-printable with CRLF line ends and soft breaks at 76 columns. */
    private static void qp(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        int column = 0;
        for (int k = 0; k < bytes.length; k++) {
            int b = bytes[k] & 0xff;
            if (b == '\r' && k + 1 < bytes.length && bytes[k + 1] == '\n') {
                out.write('\r');
                out.write('\n');
                k++;
                column = 0;
                continue;
            }
            boolean lineEnd = k + 1 == bytes.length || bytes[k + 1] == '\r';
            String token = (b >= 33 && b <= 126 && b != '=') || (b == ' ' && !lineEnd) ? String.valueOf((char) b)
                    : String.format(Locale.ROOT, "=%02X", b);
            if (column + token.length() > 75) {
                ascii(out, "=\r\n");
                column = 0;
            }
            ascii(out, token);
            column += token.length();
        }
        ascii(out, "\r\n");
    }

    private static void base64(ByteArrayOutputStream out, SplittableRandom random, int size) {
        byte[] data = new byte[size];
        for (int k = 0; k < size; k += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && k + j < size; j++) {
                data[k + j] = (byte) (v >>> (8 * j));
            }
        }
        out.writeBytes(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(data));
        ascii(out, "\r\n");
    }
}
