package be.cfwb.bma.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * A large message made on the fly, never held whole: a short text body and one attachment of
 * pseudo-random bytes (seeded, so the test can compute what the target must hold), in base64
 * lines. Nothing of it is in git, and neither side needs it in memory.
 */
final class GeneratedMessage {

    private static final int LINE = 57; // raw bytes per base64 line of 76 characters
    private static final String BOUNDARY = "bma-generated-boundary";

    private final long attachmentBytes;
    private final long seed;
    private final byte[] head;
    private final byte[] tail;

    /** About {@code totalBytes} long; the attachment a multiple of 57 bytes. */
    GeneratedMessage(long totalBytes, long seed) {
        this.seed = seed;
        this.head = ("From: Direction <direction@ecole.example>\r\nTo: ecole@adm.cfwb.be\r\n"
                + "Subject: Archives 2023-2024\r\nDate: Tue, 1 Oct 2024 10:00:00 +0200\r\n"
                + "Message-ID: <generated-" + seed + "@bma.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"" + BOUNDARY + "\"\r\n\r\n"
                + "--" + BOUNDARY + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoir la pièce jointe.\r\n"
                + "--" + BOUNDARY + "\r\nContent-Type: application/octet-stream; name=\"archives.bin\"\r\n"
                + "Content-Disposition: attachment; filename=\"archives.bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        this.tail = ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        long lines = (totalBytes - head.length - tail.length) / (4 * LINE / 3 + 2);
        this.attachmentBytes = lines * LINE;
    }

    long attachmentBytes() {
        return attachmentBytes;
    }

    long size() {
        return head.length + attachmentBytes / LINE * (4 * LINE / 3 + 2) + tail.length;
    }

    /** The message's bytes, made as they are read. */
    InputStream open() {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private final Base64.Encoder base64 = Base64.getEncoder();
            private byte[] chunk = head;
            private int pos;
            private long linesLeft = attachmentBytes / LINE;
            private boolean tailSent;

            private boolean refill() {
                if (linesLeft > 0) {
                    byte[] raw = new byte[LINE];
                    random.nextBytes(raw);
                    byte[] encoded = base64.encode(raw);
                    chunk = new byte[encoded.length + 2];
                    System.arraycopy(encoded, 0, chunk, 0, encoded.length);
                    chunk[encoded.length] = '\r';
                    chunk[encoded.length + 1] = '\n';
                    linesLeft--;
                } else if (!tailSent) {
                    chunk = tail;
                    tailSent = true;
                } else {
                    return false;
                }
                pos = 0;
                return true;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int n = 0;
                while (n < len) {
                    if (pos == chunk.length && !refill()) {
                        break;
                    }
                    int k = Math.min(len - n, chunk.length - pos);
                    System.arraycopy(chunk, pos, b, off + n, k);
                    pos += k;
                    n += k;
                }
                return n == 0 ? -1 : n;
            }
        };
    }

    /** The SHA-256 of the attachment's bytes, as the target must hold them. */
    String attachmentSha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            SplittableRandom random = new SplittableRandom(seed);
            byte[] raw = new byte[LINE];
            for (long i = attachmentBytes / LINE; i > 0; i--) {
                random.nextBytes(raw);
                md.update(raw);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
