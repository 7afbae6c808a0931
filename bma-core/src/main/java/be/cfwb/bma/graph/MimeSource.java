package be.cfwb.bma.graph;

import be.cfwb.bma.internal.SpoolDirectory;
import jakarta.mail.util.SharedByteArrayInputStream;
import jakarta.mail.util.SharedFileInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A message's bytes as Jakarta Mail parses them without reading them into the heap: a
 * {@code SharedInputStream}, so that each MIME part is a window on it, read when decoded. A
 * small message is held in one array; a larger one is copied to a file of the spool directory
 * (deleted on close) — a source stream is read once, and parsing needs to go back.
 */
final class MimeSource implements AutoCloseable {

    /** Up to this size a message is parsed from memory: one array, no file. */
    static final long IN_MEMORY = 1L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(MimeSource.class);

    private final InputStream stream;
    private final Path file;

    private MimeSource(InputStream stream, Path file) {
        this.stream = stream;
        this.file = file;
    }

    /** Reads {@code in} (and closes it), {@code size} bytes announced, into memory or a file of {@code spool}. */
    static MimeSource of(InputStream in, long size, Path spool) throws IOException {
        try (InputStream source = in) {
            if (size <= IN_MEMORY) {
                return new MimeSource(new SharedByteArrayInputStream(source.readAllBytes()), null);
            }
            Path file = Files.createTempFile(SpoolDirectory.of(spool), "bma-graph-", ".eml");
            try {
                try (OutputStream out = Files.newOutputStream(file)) {
                    source.transferTo(out);
                }
                return new MimeSource(new SharedFileInputStream(file.toFile()), file);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        }
    }

    /** The bytes, for {@code new MimeMessage(session, stream())}. */
    InputStream stream() {
        return stream;
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.debug("Closing a parsed message: {}", e.getMessage());
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // The next run's sweep of the spool directory removes it.
                LOG.warn("Cannot delete spool file {}: {}", file, e.getMessage());
            }
        }
    }
}
