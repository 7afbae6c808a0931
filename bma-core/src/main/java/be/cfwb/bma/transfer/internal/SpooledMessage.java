package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.SourceKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A source message read once and kept for the target: in memory up to a threshold, beyond
 * it in a temporary file (deleted on close), so that a message's size never sets the heap
 * and a retried APPEND can read it again without going back to the source.
 */
public final class SpooledMessage implements MessageToCopy, AutoCloseable {

    private final SourceKey key;
    private final MessageFlags flags;
    private final Instant internalDate;
    private final byte[] memory;
    private final Path file;
    private final long size;

    private SpooledMessage(SourceKey key, MessageFlags flags, Instant internalDate, byte[] memory, Path file, long size) {
        this.key = key;
        this.flags = flags;
        this.internalDate = internalDate;
        this.memory = memory;
        this.file = file;
        this.size = size;
    }

    /**
     * Reads {@code in} to its end (and closes it), in memory while it stays within
     * {@code threshold} bytes, else in a file of {@code directory}.
     */
    public static SpooledMessage read(SourceKey key, MessageFlags flags, Instant internalDate, InputStream in,
                                      int threshold, Path directory) throws IOException {
        try (InputStream source = in) {
            ByteArrayOutputStream head = new ByteArrayOutputStream(Math.min(threshold, 64 * 1024));
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = source.read(buffer)) > 0) {
                if (head.size() + n > threshold) {
                    // a configured spool directory that does not exist yet must not fail every large message
                    Files.createDirectories(directory);
                    Path file = Files.createTempFile(directory, "bma-", ".eml");
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
                    return new SpooledMessage(key, flags, internalDate, null, file, size);
                }
                head.write(buffer, 0, n);
            }
            return new SpooledMessage(key, flags, internalDate, head.toByteArray(), null, head.size());
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
        return memory != null ? new ByteArrayInputStream(memory) : Files.newInputStream(file);
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
