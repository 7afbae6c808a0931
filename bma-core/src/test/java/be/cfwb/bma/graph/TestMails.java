package be.cfwb.bma.graph;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.Random;

/** Source messages as an old IMAP server holds them, built with Jakarta Mail. */
final class TestMails {

    static final Instant DATE = Instant.parse("2024-09-30T07:45:12Z");

    private TestMails() {
    }

    static MimeMessage base(String subject) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("secretariat@ecole-exemple.be", "Secrétariat École", "UTF-8"));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("ec001394@adm.cfwb.be"));
        m.setRecipients(Message.RecipientType.CC, InternetAddress.parse("direction@ecole-exemple.be"));
        m.setSubject(subject, "UTF-8");
        m.setSentDate(Date.from(DATE));
        return m;
    }

    /** multipart/alternative text + HTML in ISO-8859-1, with Bcc, Reply-To, Importance, Message-ID. */
    static byte[] alternativeLatin1(String subject, String messageId) throws Exception {
        MimeMessage m = base(subject);
        m.setRecipients(Message.RecipientType.BCC, InternetAddress.parse("archives@cfwb.be"));
        m.setReplyTo(InternetAddress.parse("reponses@ecole-exemple.be"));
        m.setHeader("Importance", "high");
        MimeMultipart alt = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Élèves inscrits : 42 — été", "ISO-8859-1");
        MimeBodyPart html;
        // As mail tools write it: windows-1252 bytes (the en dash is 0x96) labelled ISO-8859-1.
        jakarta.mail.internet.InternetHeaders headers = new jakarta.mail.internet.InternetHeaders();
        headers.setHeader("Content-Type", "text/html; charset=ISO-8859-1");
        headers.setHeader("Content-Transfer-Encoding", "8bit");
        html = new MimeBodyPart(headers, "<p>&Eacute;l&egrave;ves inscrits : <b>42</b> – été</p>"
                .getBytes(java.nio.charset.Charset.forName("windows-1252")));
        alt.addBodyPart(text);
        alt.addBodyPart(html);
        m.setContent(alt);
        return bytes(m, messageId);
    }

    /** mixed: related (HTML + inline image) + a small PDF + a nested message + an attachment of {@code bigSize} bytes. */
    static byte[] withAttachments(String subject, int bigSize) throws Exception {
        MimeMessage m = base(subject);
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeMultipart related = new MimeMultipart("related");
        MimeBodyPart html = new MimeBodyPart();
        html.setText("<p>Voir le logo <img src=\"cid:logo@ecole\"></p>", "UTF-8", "html");
        MimeBodyPart logo = new MimeBodyPart();
        logo.setDataHandler(new DataHandler(new ByteArrayDataSource(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3},
                "image/png")));
        logo.setHeader("Content-ID", "<logo@ecole>");
        logo.setDisposition("inline");
        related.addBodyPart(html);
        related.addBodyPart(logo);
        MimeBodyPart relatedPart = new MimeBodyPart();
        relatedPart.setContent(related);
        mixed.addBodyPart(relatedPart);

        MimeBodyPart pdf = new MimeBodyPart();
        pdf.setDataHandler(new DataHandler(new ByteArrayDataSource(random(50_000, 1), "application/pdf")));
        pdf.setFileName("circulaire 9358.pdf");
        mixed.addBodyPart(pdf);

        MimeMessage nested = base("Message transféré");
        nested.setText("Le texte du message d'origine", "UTF-8");
        nested.saveChanges();
        MimeBodyPart forwarded = new MimeBodyPart();
        forwarded.setContent(nested, "message/rfc822");
        mixed.addBodyPart(forwarded);

        if (bigSize > 0) {
            MimeBodyPart big = new MimeBodyPart();
            big.setDataHandler(new DataHandler(new ByteArrayDataSource(random(bigSize, 2), "application/zip")));
            big.setFileName("archives.zip");
            mixed.addBodyPart(big);
        }
        m.setContent(mixed);
        return bytes(m, "<pj-" + subject.hashCode() + "@ecole-exemple.be>");
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] bytes(MimeMessage m, String messageId) throws Exception {
        m.saveChanges();
        if (messageId != null) {
            m.setHeader("Message-ID", messageId);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }
}
