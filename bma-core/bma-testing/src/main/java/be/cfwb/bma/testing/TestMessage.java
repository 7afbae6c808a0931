package be.cfwb.bma.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * Builds the raw bytes of a test message (CRLF, RFC 5322), with or without Message-ID, with an
 * optional attachment of a given size filled with seeded random bytes, so tests can check
 * that exactly these bytes arrive.
 */
public final class TestMessage {

    private String from = "expediteur@example.be";
    private String to = "ec000001@adm.cfwb.be";
    private String subject = "Test";
    private String body = "Bonjour,\r\n\r\nCeci est un test.\r\n";
    private String messageId;
    private ZonedDateTime date = ZonedDateTime.of(2024, 9, 30, 10, 0, 0, 0, ZoneOffset.UTC);
    private int attachmentBytes = -1;
    private long seed = 1;

    private TestMessage() {
    }

    public static TestMessage builder() {
        return new TestMessage();
    }

    public TestMessage subject(String subject) {
        this.subject = Objects.requireNonNull(subject);
        return this;
    }

    public TestMessage from(String from) {
        this.from = from;
        return this;
    }

    public TestMessage to(String to) {
        this.to = to;
        return this;
    }

    public TestMessage body(String body) {
        this.body = body;
        return this;
    }

    /** Sets the Message-ID (without angle brackets); none by default. */
    public TestMessage messageId(String id) {
        this.messageId = id;
        return this;
    }

    public TestMessage date(ZonedDateTime date) {
        this.date = date;
        return this;
    }

    /** Adds an attachment of {@code bytes} random bytes (base64 in the message, so about 4/3 bigger). */
    public TestMessage attachment(int bytes, long seed) {
        this.attachmentBytes = bytes;
        this.seed = seed;
        return this;
    }

    public byte[] build() {
        StringBuilder h = new StringBuilder();
        h.append("From: ").append(from).append("\r\n");
        h.append("To: ").append(to).append("\r\n");
        h.append("Subject: ").append(subject).append("\r\n");
        h.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(date)).append("\r\n");
        if (messageId != null) {
            h.append("Message-ID: <").append(messageId).append(">\r\n");
        }
        h.append("MIME-Version: 1.0\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (attachmentBytes < 0) {
            h.append("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").append(body);
            out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }
        String boundary = "=_bma_" + seed;
        h.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
        h.append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=UTF-8\r\n")
                .append("Content-Transfer-Encoding: 8bit\r\n\r\n").append(body).append("\r\n");
        h.append("--").append(boundary).append("\r\nContent-Type: application/octet-stream; name=\"piece.bin\"\r\n")
                .append("Content-Disposition: attachment; filename=\"piece.bin\"\r\n")
                .append("Content-Transfer-Encoding: base64\r\n\r\n");
        out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        Random random = new Random(seed);
        byte[] chunk = new byte[57 * 1024];
        Base64.Encoder mime = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'});
        int left = attachmentBytes;
        while (left > 0) {
            int n = Math.min(left, chunk.length);
            byte[] part = n == chunk.length ? chunk : new byte[n];
            random.nextBytes(part);
            out.writeBytes(mime.encode(part));
            out.writeBytes(new byte[] {'\r', '\n'});
            left -= n;
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
