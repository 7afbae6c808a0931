package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.internal.SpoolDirectory;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.SourceKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The spool keeps every byte, whatever the announced size says, and frees its file on close. */
class SpooledMessageTest {

    private static final SourceKey KEY = new SourceKey(BmaAddress.parse("ec009001@adm.cfwb.be"), FolderPath.inbox(), 7, 42);
    private static final Instant DATE = Instant.parse("2024-03-01T10:15:30Z");

    @TempDir
    Path dir;

    @Test
    void aBufferWithinTheThresholdIsKeptAsIsAndReadTwice() throws IOException {
        byte[] response = bytes(300, 1);
        // A slice in the middle of a larger response buffer, as ImapSource hands it over.
        ByteBuffer slice = ByteBuffer.wrap(response, 40, 200).slice();
        try (SpooledMessage m = SpooledMessage.of(KEY, MessageFlags.NONE, DATE, slice, 1024, dir)) {
            assertThat(m.inMemory()).isTrue();
            assertThat(m.size()).isEqualTo(200);
            assertThat(readAll(m)).isEqualTo(java.util.Arrays.copyOfRange(response, 40, 240));
            assertThat(readAll(m)).isEqualTo(java.util.Arrays.copyOfRange(response, 40, 240));
        }
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aBufferOverTheThresholdGoesToAFileDeletedOnClose() throws IOException {
        byte[] bytes = bytes(5000, 2);
        SpooledMessage m = SpooledMessage.of(KEY, MessageFlags.NONE, DATE, ByteBuffer.wrap(bytes), 1024, dir);
        assertThat(m.inMemory()).isFalse();
        assertThat(readAll(m)).isEqualTo(bytes);
        assertThat(spooled(dir)).hasSize(1);
        m.close();
        assertThat(spooled(dir)).isEmpty();
    }

    @Test
    void theAnnouncedSizeIsOnlyAHint() throws IOException {
        byte[] bytes = bytes(1000, 3);
        for (long announced : new long[] {-1, 0, 999, 1000, 1001, 4000, 1 << 20}) {
            try (SpooledMessage m = SpooledMessage.read(KEY, MessageFlags.NONE, DATE, new ByteArrayInputStream(bytes),
                    announced, 2048, dir)) {
                assertThat(m.size()).as("announced %d", announced).isEqualTo(1000);
                assertThat(m.inMemory()).as("announced %d", announced).isTrue();
                assertThat(readAll(m)).as("announced %d", announced).isEqualTo(bytes);
            }
        }
        byte[] large = bytes(10_000, 4);
        for (long announced : new long[] {100, 2048, 10_000}) {
            try (SpooledMessage m = SpooledMessage.read(KEY, MessageFlags.NONE, DATE, new ByteArrayInputStream(large),
                    announced, 2048, dir)) {
                assertThat(m.inMemory()).as("announced %d", announced).isFalse();
                assertThat(readAll(m)).as("announced %d", announced).isEqualTo(large);
            }
        }
        assertThat(spooled(dir)).isEmpty();
    }

    /** The spooled files under {@code dir} (they live in this process's {@link SpoolDirectory}). */
    private static java.util.List<java.nio.file.Path> spooled(java.nio.file.Path dir) throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".eml")).toList();
        }
    }

    private static byte[] readAll(SpooledMessage m) throws IOException {
        try (InputStream in = m.open()) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
