package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.internal.SpoolDirectory;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.SourceKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * A source message read once and kept for the target: in memory up to a threshold, beyond
 * it in a temporary file of this process's {@link SpoolDirectory} (deleted on close), so that a message's size never sets the heap
 * and a retried APPEND can read it again without going back to the source.
 */
public final class SpooledMessage implements MessageToCopy, AutoCloseable {

    private final SourceKey key;
    private final MessageFlags flags;
    private final Instant internalDate;
    private final byte[] memory;
    private final int offset;
    private final Path file;
    private final long size;

    private SpooledMessage(SourceKey key, MessageFlags flags, Instant internalDate, byte[] memory, int offset, Path file,
                           long size) {
        this.key = key;
        this.flags = flags;
        this.internalDate = internalDate;
        this.memory = memory;
        this.offset = offset;
        this.file = file;
        this.size = size;
    }

    /**
     * Keeps bytes already read (a heap buffer's remaining bytes, not copied: the buffer must not
     * change afterwards) while they stay within {@code threshold}, else writes them to a file
     * of {@code directory}.
     */
    public static SpooledMessage of(SourceKey key, MessageFlags flags, Instant internalDate, ByteBuffer bytes,
                                    int threshold, Path directory) throws IOException {
        if (!bytes.hasArray()) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            bytes = ByteBuffer.wrap(copy);
        }
        int start = bytes.arrayOffset() + bytes.position();
        if (bytes.remaining() <= threshold) {
            return new SpooledMessage(key, flags, internalDate, bytes.array(), start, null, bytes.remaining());
        }
        Path file = Files.createTempFile(SpoolDirectory.of(directory), "bma-", ".eml");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes.array(), start, bytes.remaining());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return new SpooledMessage(key, flags, internalDate, null, 0, file, bytes.remaining());
    }

    /**
     * Reads {@code in} to its end (and closes it), in memory while it stays within
     * {@code threshold} bytes, else in a file of {@code directory}.
     */
    public static SpooledMessage read(SourceKey key, MessageFlags flags, Instant internalDate, InputStream in,
                                      int threshold, Path directory) throws IOException {
        return read(key, flags, internalDate, in, -1, threshold, directory);
    }

    /**
     * As {@link #read(SourceKey, MessageFlags, Instant, InputStream, int, Path)}, with the size
     * the source announced ({@code expected}, negative if unknown): a message of that size
     * within the threshold is read straight into one array of its size. The announced size is
     * only a hint; the bytes read decide.
     */
    public static SpooledMessage read(SourceKey key, MessageFlags flags, Instant internalDate, InputStream in,
                                      long expected, int threshold, Path directory) throws IOException {
        try (InputStream source = in) {
            byte[] exact = null;
            int filled = 0;
            if (expected >= 0 && expected <= threshold) {
                exact = new byte[(int) expected];
                filled = source.readNBytes(exact, 0, exact.length);
                if (filled < exact.length) {
                    return new SpooledMessage(key, flags, internalDate, exact, 0, null, filled);
                }
                int next = source.read();
                if (next < 0) {
                    return new SpooledMessage(key, flags, internalDate, exact, 0, null, filled);
                }
                // Longer than announced: go on as for an unknown size.
                exact = Arrays.copyOf(exact, filled + 1);
                exact[filled++] = (byte) next;
            }
            ByteArrayOutputStream head = new ByteArrayOutputStream(Math.min(threshold, 64 * 1024));
            if (exact != null) {
                head.write(exact, 0, filled);
            }
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = source.read(buffer)) > 0) {
                if (head.size() + n > threshold) {
                    // this process's own directory in the configured one (made if missing), swept if it dies
                    Path file = Files.createTempFile(SpoolDirectory.of(directory), "bma-", ".eml");
                    long size = head.size();
                    try (OutputStream out = Files.newOutputStream(file)) {
                        head.writeTo(out);
                        head = null;
                        out.write(buffer, 0, n);
                        size += n;
                        while ((n = source.read(buffer)) > 0) {
                            out.write(buffer, 0, n);
                            size += n;
                        }
                    } catch (IOException | RuntimeException e) {
                        Files.deleteIfExists(file);
                        throw e;
                    }
                    return new SpooledMessage(key, flags, internalDate, null, 0, file, size);
                }
                head.write(buffer, 0, n);
            }
            return new SpooledMessage(key, flags, internalDate, head.toByteArray(), 0, null, head.size());
        }
    }

    public boolean inMemory() {
        return memory != null;
    }

    @Override
    public SourceKey key() {
        return key;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public MessageFlags flags() {
        return flags;
    }

    @Override
    public Instant internalDate() {
        return internalDate;
    }

    @Override
    public InputStream open() throws IOException {
        // A ByteArrayInputStream hands its array straight to transferTo(): no copy on the way out.
        return memory != null ? new ByteArrayInputStream(memory, offset, (int) size) : Files.newInputStream(file);
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    @Override
    public String toString() {
        return "SpooledMessage[" + key + ", " + size + " bytes" + (memory != null ? "" : ", on disk") + "]";
    }
}
