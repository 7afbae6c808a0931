package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Properties;

/** Builds the Jakarta Mail message of an {@link OutgoingMail}: the one place MIME is decided. */
final class MimeWriter {

    private static final Session SESSION = Session.getInstance(new Properties());

    private MimeWriter() {
    }

    /** The message, ready for a transport or for writing out. */
    static MimeMessage toMessage(OutgoingMail mail, Session session) {
        try {
            MimeMessage message = new FixedIdMessage(session, "<" + mail.messageId() + ">");
            message.setFrom(new InternetAddress(mail.from().address(), mail.from().displayName(),
                    StandardCharsets.UTF_8.name()));
            if (mail.from().replyTo().isPresent()) {
                message.setReplyTo(InternetAddress.parse(mail.from().replyTo().get()));
            }
            message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(mail.to().toString()));
            message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
            // setSentDate would write the JVM's zone; the schools read Brussels time.
            message.setHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(mail.date()));
            message.setHeader("Content-Language", "fr-BE");
            // Keeps out-of-office replies away from the sending mailbox (RFC 3834).
            message.setHeader("Auto-Submitted", "auto-generated");

            MimeBodyPart text = new MimeBodyPart();
            text.setText(mail.text(), StandardCharsets.UTF_8.name(), "plain");
            text.setHeader("Content-Transfer-Encoding", "quoted-printable");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
            html.setHeader("Content-Transfer-Encoding", "quoted-printable");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            message.setContent(alternative);
            message.saveChanges();
            return message;
        } catch (MessagingException | UnsupportedEncodingException e) {
            // The message text stays out: mail 2's bodies hold a password.
            throw new BmaException(BmaErrorCode.INTERNAL, "Cannot build " + mail + ": " + e.getClass().getSimpleName(), e);
        }
    }

    static byte[] toBytes(OutgoingMail mail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        write(mail, out);
        return out.toByteArray();
    }

    static void write(OutgoingMail mail, OutputStream out) {
        try {
            toMessage(mail, SESSION).writeTo(out);
        } catch (MessagingException | IOException e) {
            throw new BmaException(BmaErrorCode.INTERNAL, "Cannot write " + mail + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** Jakarta Mail makes up a Message-ID on saveChanges(); ours is deterministic. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String id;

        FixedIdMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }
}
