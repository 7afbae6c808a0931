package be.cfwb.bma.notify;

import be.cfwb.bma.address.BmaAddress;

import java.io.OutputStream;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * One rendered notification, ready to leave: headers and both bodies (plain text and HTML,
 * sent as {@code multipart/alternative}). Immutable.
 *
 * <p>Mail 2's bodies hold the new password, so {@link #toString()} shows the headers only,
 * never a body.
 *
 * @param kind      which of the four mails
 * @param to        the recipient: the mailbox's (old) address
 * @param from      sender and reply-to
 * @param subject   the subject, plain Unicode (encoded per RFC 2047 on the wire)
 * @param text      the text/plain body
 * @param html      the text/html body, values already escaped
 * @param messageId the {@code Message-ID} without angle brackets, deterministic per mailbox,
 *                  mail and plan version
 * @param date      the {@code Date} header
 */
public record OutgoingMail(NotificationKind kind, BmaAddress to, SenderIdentity from, String subject, String text,
                           String html, String messageId, ZonedDateTime date) {

    public OutgoingMail {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(date, "date");
        if (messageId.contains("<") || messageId.contains(">") || !messageId.contains("@")) {
            throw new IllegalArgumentException("Message-ID '" + messageId + "' must be id@domain, without brackets");
        }
    }

    /** The mail as RFC 5322 bytes (CRLF line ends, UTF-8 bodies), as it goes on the wire. */
    public byte[] toMime() {
        return MimeWriter.toBytes(this);
    }

    /** Writes {@link #toMime()} to {@code out}; does not close it. */
    public void writeMime(OutputStream out) {
        MimeWriter.write(this, out);
    }

    @Override
    public String toString() {
        return "OutgoingMail[" + kind.templateName() + " to " + to + " from " + from.address() + ", Message-ID <"
                + messageId + ">]";
    }
}
