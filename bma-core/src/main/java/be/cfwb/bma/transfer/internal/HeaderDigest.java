package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.TransferException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * SHA-256 of a message's header block (up to the first empty line), without a leading trace
 * header line ({@value SourceKey#HEADER}) where the copy carries one: the same for a message and
 * its copy, and, unlike INTERNALDATE and UIDs, kept when the old server renumbers or re-dates a
 * folder. The header holds the Received lines, Date, From, Message-ID: two different messages
 * practically never share it. Only the header is read (the stream is closed after it).
 */
public final class HeaderDigest {

    /** A header this long is cut: a digest of its first part is enough to tell messages apart. */
    private static final int MAX_HEADER = 256 * 1024;
    private static final byte[] TRACE = (SourceKey.HEADER + ":").getBytes(StandardCharsets.US_ASCII);

    private HeaderDigest() {
    }

    /** The digest of the header of the message {@code in} streams; closes it. */
    public static byte[] of(InputStream in) {
        try (InputStream s = new BufferedInputStream(in)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean first = true;
            long read = 0;
            int c;
            while (read++ < MAX_HEADER && (c = s.read()) >= 0) {
                if (c == '\r') {
                    continue; // CRLF and bare LF alike
                }
                if (c != '\n') {
                    line.write(c);
                    continue;
                }
                if (line.size() == 0) {
                    break; // the empty line: end of the header
                }
                byte[] l = line.toByteArray();
                line.reset();
                boolean trace = first && startsWith(l, TRACE);
                first = false;
                if (!trace) { // our trace line, prepended to the copy, is not the message's
                    md.update(l);
                    md.update((byte) '\n');
                }
            }
            md.update(line.toByteArray());
            return md.digest();
        } catch (IOException e) {
            throw TransferException.retryable("Reading a message's header to compare it failed: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
