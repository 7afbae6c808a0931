package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.faults.MalformingImapProxy;
import be.cfwb.bma.faults.MalformingImapProxy.Rule;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderListing;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.SourceMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small folder read with its listing ({@link ImapSource#listWithBodies}): Dovecot offers
 * STATUS=SIZE, so the pass's status listing gives each folder's size, and a folder within the
 * limit is listed and read with its EXAMINE. What comes back is the folder's listing as the usual
 * one gives it, and bodies byte for byte as the server holds them; a folder over the limit, one
 * whose status is not known, or one that received mail since its status is listed without bodies.
 */
@RequiresDovecot
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DovecotListWithBodiesTest {

    private static final AtomicInteger NEXT = new AtomicInteger(700);
    private static final FolderPath INBOX = FolderPath.inbox();
    private static final int[] SIZES = {300, 5_000, 70_000, 200_000};
    private MailServerFixture server;

    @BeforeAll
    void start() {
        server = DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aSmallFolderComesWithEveryBodyByteForByte() {
        BmaAddress a = newMailbox();
        List<byte[]> raws = seed(a);
        try (MailboxSource source = open(a)) {
            source.folders(); // the pass's status listing
            FolderListing.WithBodies read = source.listWithBodies(INBOX, 2 * 1024 * 1024);

            assertThat(read.listing()).isEqualTo(usualListing(a));
            List<SourceMessage> listed = read.listing().messages();
            assertThat(read.bodies()).containsOnlyKeys(listed.stream().map(SourceMessage::uid).toList());
            for (int i = 0; i < raws.size(); i++) {
                assertThat(bytes(read.bodies().get(listed.get(i).uid()))).as("message of %s bytes", SIZES[i])
                        .isEqualTo(raws.get(i));
            }
        }
    }

    @Test
    void aFolderOverTheLimitIsListedWithoutBodies() {
        assertListedWithoutBodies(true, 200_000);
    }

    @Test
    void withoutTheStatusListingTheFolderIsListedWithoutBodies() {
        assertListedWithoutBodies(false, 2 * 1024 * 1024);
    }

    /** The seeded INBOX (275 kB) asked with its bodies up to {@code maxBytes}: listed whole, no body read. */
    private void assertListedWithoutBodies(boolean statusListed, long maxBytes) {
        BmaAddress a = newMailbox();
        seed(a);
        try (MailboxSource source = open(a)) {
            if (statusListed) {
                source.folders();
            }
            FolderListing.WithBodies read = source.listWithBodies(INBOX, maxBytes);

            assertThat(read.bodies()).isEmpty();
            assertThat(read.listing()).isEqualTo(usualListing(a));
        }
    }

    @Test
    void aMessageArrivedSinceTheStatusIsListedAndNoBodyBeyondTheStatusIsRead() {
        BmaAddress a = newMailbox();
        seed(a);
        try (MailboxSource source = open(a)) {
            source.folders();
            // 3 MB arrive after the status listing: what the status said was small no longer is.
            try (MailboxSeeder s = server.seeder(a, BodyStreamSuite.password(a))) {
                s.append(INBOX, BodyStreamSuite.message(3_000_000), flags(), Instant.parse("2024-10-02T00:00:00Z"));
            }
            FolderListing.WithBodies read = source.listWithBodies(INBOX, 2 * 1024 * 1024);

            assertThat(read.listing().messages()).hasSize(SIZES.length + 1);
            assertThat(read.listing()).isEqualTo(usualListing(a));
            long arrived = read.listing().messages().get(SIZES.length).uid();
            assertThat(read.bodies()).doesNotContainKey(arrived);
            assertThat(read.bodies().values().stream().mapToLong(ByteBuffer::remaining).sum())
                    .as("bytes read with the listing").isLessThan(2 * 1024 * 1024);
        }
    }

    @Test
    void aListingThatDoesNotAddUpToTheStatusSizeIsNotUsed() throws Exception {
        BmaAddress a = newMailbox();
        seed(a);
        // As a server that ran the FETCH against the mailbox open before would answer: the right
        // count, other sizes. Here one message's size is one off, the answer's length unchanged.
        try (MalformingImapProxy proxy = MalformingImapProxy.to(
                java.net.URI.create(server.imapEndpoint().toString()).getPort())) {
            int rule = proxy.add(Rule.rewriting("UID FETCH 1:\\d+ \\(UID FLAGS RFC822\\.SIZE INTERNALDATE BODY\\.PEEK",
                    "^\\* 1 FETCH", DovecotListWithBodiesTest::oneOff));
            try (MailboxSource source = ImapSource.connector(ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(),
                    "proxy"), BodyStreamSuite.passwords(), Clock.systemUTC()).open(a)) {
                source.folders();
                FolderListing.WithBodies read = source.listWithBodies(INBOX, 2 * 1024 * 1024);

                assertThat(proxy.hits(rule)).as("the listing with bodies was answered, one size off").isPositive();
                assertThat(read.bodies()).as("an answer not adding up to the status is set aside").isEmpty();
                assertThat(read.listing()).isEqualTo(usualListing(a));
            }
        }
    }

    /** The first RFC822.SIZE of a FETCH answer with its last digit changed: as long, one value off. */
    private static String oneOff(String answer) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("RFC822\\.SIZE \\d*(\\d)").matcher(answer);
        assertThat(m.find()).as("a size in %s", answer.substring(0, Math.min(80, answer.length()))).isTrue();
        char last = (char) ('0' + (answer.charAt(m.start(1)) - '0' + 1) % 10);
        return answer.substring(0, m.start(1)) + last + answer.substring(m.end(1));
    }

    @Test
    void aServerWithoutStatusSizeGetsNoListingSentWithItsExamine() throws Exception {
        // LIST-STATUS without STATUS=SIZE: the folder's count is known, its size is not, so an
        // answer sent behind the EXAMINE could not be checked against it.
        try (MailServerFixture noSize = DovecotFixture.of(DovecotServer.builder().hierarchy(HierarchyStyle.SLASH)
                .imapCapability("IMAP4rev1 SASL-IR ID ENABLE IDLE MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS"
                        + " LIST-EXTENDED LIST-STATUS LITERAL+ MOVE")
                .start());
             MalformingImapProxy proxy = MalformingImapProxy.to(
                     java.net.URI.create(noSize.imapEndpoint().toString()).getPort())) {
            BmaAddress a = BodyStreamSuite.newMailbox(noSize, NEXT);
            seed(noSize, a);
            int listing = proxy.add(Rule.rewriting(java.util.regex.Pattern.quote(ImapSource.LISTING_AHEAD), "FETCH", t -> t));
            int withBodies = proxy.add(Rule.rewriting("UID FETCH 1:\\d+ \\(UID FLAGS RFC822\\.SIZE INTERNALDATE BODY\\.PEEK",
                    "FETCH", t -> t));
            try (MailboxSource source = ImapSource.connector(ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(),
                    "proxy"), BodyStreamSuite.passwords(), Clock.systemUTC()).open(a)) {
                source.folders();
                assertThat(source.knownMessageCount(INBOX)).as("the status listing gave the count").hasValue(SIZES.length);

                FolderListing.WithBodies read = source.listWithBodies(INBOX, 2 * 1024 * 1024);

                assertThat(proxy.hits(listing) + proxy.hits(withBodies)).as("no listing sent with the EXAMINE").isZero();
                assertThat(read.bodies()).isEmpty();
                assertThat(read.listing()).isEqualTo(usualListing(noSize, a));
            }
        }
    }

    /** The folder's listing as another session lists it the usual way. */
    private FolderListing usualListing(BmaAddress a) {
        return usualListing(server, a);
    }

    private static FolderListing usualListing(MailServerFixture on, BmaAddress a) {
        try (MailboxSource other = open(on, a)) {
            return other.list(INBOX, 0, false);
        }
    }

    private List<byte[]> seed(BmaAddress a) {
        return seed(server, a);
    }

    private static List<byte[]> seed(MailServerFixture on, BmaAddress a) {
        List<byte[]> raws = new ArrayList<>();
        try (MailboxSeeder s = on.seeder(a, BodyStreamSuite.password(a))) {
            for (int i = 0; i < SIZES.length; i++) {
                byte[] raw = BodyStreamSuite.message(SIZES[i]);
                raws.add(raw);
                s.append(INBOX, raw, i % 2 == 0 ? flags("\\Seen") : flags("\\Flagged"),
                        Instant.parse("2024-10-01T00:00:00Z").plusSeconds(i));
            }
        }
        return raws;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private MailboxSource open(BmaAddress a) {
        return open(server, a);
    }

    private static MailboxSource open(MailServerFixture on, BmaAddress a) {
        return ImapSource.connector(on.imapEndpoint(), BodyStreamSuite.passwords(), Clock.systemUTC()).open(a);
    }

    private BmaAddress newMailbox() {
        return BodyStreamSuite.newMailbox(server, NEXT);
    }
}
