package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.net.LatencyRelay;
import be.cfwb.bma.transfer.FolderListing;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.TransferException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A message's blocks, read through {@link ImapSource#open} on the server {@link #startServer()}
 * gives: whole at any size, asked ahead, or gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BodyStreamSuite {

    private static final AtomicInteger NEXT = new AtomicInteger(900);
    private static final FolderPath INBOX = FolderPath.inbox();
    protected MailServerFixture server;

    protected abstract MailServerFixture startServer();

    @BeforeAll
    void start() {
        server = startServer();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void everySizeAroundTheBlockArrivesWhole() throws Exception {
        BmaAddress a = newMailbox();
        int block = BodyStream.BLOCK;
        int[] sizes = {100, block - 1, block, block + 1, 2 * block, 9 * block + 17, 20 * block};
        List<byte[]> raws = new ArrayList<>();
        try (MailboxSeeder s = server.seeder(a, password(a))) {
            for (int size : sizes) {
                byte[] raw = message(size);
                raws.add(raw);
                s.append(INBOX, raw, flags(), Instant.parse("2024-10-01T00:00:00Z"));
            }
        }
        try (MailboxSource source = ImapSource.connector(server.imapEndpoint(), passwords(), Clock.systemUTC()).open(a)) {
            FolderListing listing = source.list(INBOX, 0);
            for (int i = 0; i < sizes.length; i++) {
                try (InputStream in = source.open(INBOX, listing.uidValidity(), listing.messages().get(i).uid())) {
                    assertThat(in.readAllBytes()).as("message of %s bytes", sizes[i]).isEqualTo(raws.get(i));
                }
            }
            // Abandoned halfway: the blocks asked ahead are read off, the connection serves the next command.
            try (InputStream in = source.open(INBOX, listing.uidValidity(), listing.messages().get(6).uid())) {
                assertThat(in.readNBytes(block + 5)).hasSize(block + 5);
            }
            assertThat(source.list(INBOX, 0).messages()).hasSize(sizes.length);
            try (InputStream in = source.open(INBOX, listing.uidValidity(), listing.messages().get(0).uid())) {
                assertThat(in.readAllBytes()).isEqualTo(raws.get(0));
            }
        }
    }

    @Test
    void aWrongListedSizeOnlySizesTheFirstAsks() throws Exception {
        BmaAddress a = newMailbox();
        int size = 3 * BodyStream.BLOCK + 5;
        byte[] raw = message(size);
        try (MailboxSeeder s = server.seeder(a, password(a))) {
            s.append(INBOX, raw, flags(), Instant.parse("2024-10-01T00:00:00Z"));
        }
        try (MailboxSource source = ImapSource.connector(server.imapEndpoint(), passwords(), Clock.systemUTC()).open(a)) {
            long uv = source.list(INBOX, 0).uidValidity();
            // Too low (the rest is asked once the server gives the size), right, and too high
            // (blocks past the end come back empty and are read off).
            for (long listed : new long[] {0, 1, size / 3, size, size + 1, 3L * size, 100L * size}) {
                try (InputStream in = source.open(INBOX, uv, 1, listed)) {
                    assertThat(in.readAllBytes()).as("listed as %s bytes", listed).isEqualTo(raw);
                }
                assertThat(source.list(INBOX, 0).messages()).as("the connection serves the next command").hasSize(1);
            }
        }
    }

    @Test
    void aMessageDeletedSinceTheListingIsGoneForGood() {
        BmaAddress a = newMailbox();
        try (MailboxSeeder s = server.seeder(a, password(a))) {
            s.append(INBOX, message(5_000), flags(), Instant.parse("2024-10-01T00:00:00Z"));
            s.append(INBOX, message(5_000), flags(), Instant.parse("2024-10-01T00:00:00Z"));
        }
        long uv;
        try (MailboxSource lister = ImapSource.connector(server.imapEndpoint(), passwords(), Clock.systemUTC()).open(a)) {
            uv = lister.list(INBOX, 0).uidValidity();
        }
        try (MailboxSeeder s = server.seeder(a, password(a))) {
            s.delete(INBOX, 1);
        }
        // A session that saw the message may get NIL for it (RFC 2180, 4.1.3): a retryable failure,
        // and the retry's new session is this one.
        try (MailboxSource source = ImapSource.connector(server.imapEndpoint(), passwords(), Clock.systemUTC()).open(a)) {
            assertThatThrownBy(() -> source.open(INBOX, uv, 1))
                    .hasMessageContaining("UID 1").hasMessageContaining("gone from the source")
                    .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.isRetryable()).isFalse());
            assertThat(source.readAll(INBOX, uv, List.of(1L, 2L))).containsOnlyKeys(2L);
        }
    }

    /**
     * Run as a test only where the server answers fast enough for a round-trip count to show in
     * the time a read takes (Dovecot; GreenMail renders the whole message again for each block).
     */
    protected void blocksAreAskedAheadSoALargeMessageDoesNotWaitARoundTripPerBlock() throws Exception {
        BmaAddress a = newMailbox();
        int blocks = 24;
        byte[] raw = message(blocks * BodyStream.BLOCK - 1000);
        try (MailboxSeeder s = server.seeder(a, password(a))) {
            s.append(INBOX, raw, flags(), Instant.parse("2024-10-01T00:00:00Z"));
        }
        Duration rtt = Duration.ofMillis(100);
        Duration near = readThroughRelay(a, Duration.ZERO, raw);
        Duration far = readThroughRelay(a, rtt, raw);

        // One block per round trip would cost 24 more; the first block alone, then 8 in flight: about 4.
        assertThat(far.minus(near)).as("%s blocks at %s ms: %s, at 0 ms: %s", blocks, rtt.toMillis(), far, near)
                .isLessThan(rtt.multipliedBy(7));
    }

    /** The time {@code raw}, UID 1 of {@code a}'s INBOX, takes to read through a relay of round trip {@code rtt}. */
    private Duration readThroughRelay(BmaAddress a, Duration rtt, byte[] raw) throws Exception {
        try (LatencyRelay relay = LatencyRelay.start(server.imapEndpoint().port(), rtt);
             MailboxSource source = ImapSource.connector(ImapEndpoint.parse("imap://127.0.0.1:" + relay.port(), "far"),
                     passwords(), Clock.systemUTC()).open(a)) {
            long uv = source.list(INBOX, 0).uidValidity();
            long started = System.nanoTime();
            byte[] read;
            try (InputStream in = source.open(INBOX, uv, 1)) {
                read = in.readAllBytes();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(read).isEqualTo(raw);
            return took;
        }
    }

    private BmaAddress newMailbox() {
        return newMailbox(server, NEXT);
    }

    /** A new mailbox on {@code server}, numbered by {@code next}, whose password {@link #passwords} gives. */
    static BmaAddress newMailbox(MailServerFixture server, AtomicInteger next) {
        BmaAddress a = BmaAddress.of(BmaKind.EC, next.incrementAndGet());
        server.createUser(a, password(a));
        return a;
    }

    static String password(BmaAddress a) {
        return "pw-" + a.localPart();
    }

    static CredentialSource passwords() {
        return m -> new MailboxCredentials.Password(m.toString(), Secret.of(password(m)));
    }

    /** A message of exactly {@code size} bytes, CRLF lines, a different byte pattern per line. */
    static byte[] message(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        byte[] header = "Subject: taille\r\nMessage-ID: <t@x>\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(header);
        int line = 0;
        while (out.size() < size) {
            int left = size - out.size();
            if (left <= 2) {
                out.writeBytes("\r\n".substring(0, left).getBytes(StandardCharsets.US_ASCII));
                break;
            }
            int len = Math.min(76, left - 2);
            for (int i = 0; i < len; i++) {
                out.write('A' + (line + i) % 26);
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            line++;
        }
        return out.toByteArray();
    }
}
