package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.testing.net.LatencyRelay;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * APPENDs pipelined to an Exchange-like target (Dovecot announcing LITERAL+ without MULTIAPPEND)
 * over a link with a round trip: several are in flight at once, each carries its own
 * non-synchronising literal, and every message lands exactly once with its bytes. Skipped
 * without Dovecot.
 */
@RequiresDovecot
@Timeout(120)
class PipelinedAppendsTest extends TwoServerTestBase<MailServerFixture, MailServerFixture> {

    private static final Logger LOG = LoggerFactory.getLogger(PipelinedAppendsTest.class);
    private static final FolderPath INBOX = FolderPath.inbox();
    private static final Duration ROUND_TRIP = Duration.ofMillis(40);

    @Override
    protected MailServerFixture startOld() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Override
    protected MailServerFixture startNew() {
        return ExchangeLikeDovecot.start();
    }

    private BmaAddress seeded(int count) {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < count; i++) {
                s.append(INBOX, TestMessage.builder().subject("Pipeline " + i).messageId("p" + i + "." + a.localPart()
                        + "@cfwb.be").attachment(2_000 + 131 * i, i).build(), i % 3 == 0 ? flags("\\Seen") : flags(),
                        Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        return a;
    }

    @Test
    void severalAppendsAreInFlightOverALatentLinkAndEachMessageLandsOnce() throws Exception {
        int count = 40;
        BmaAddress a = seeded(count);
        int port = ((DovecotFixture) newServer).server().imapPort();
        try (LatencyRelay wan = LatencyRelay.start(port, ROUND_TRIP);
                CommandWatchingRelay watcher = CommandWatchingRelay.to(wan.port(), "APPEND")) {
            ImapEndpoint target = ImapEndpoint.parse("imap://127.0.0.1:" + watcher.port(), "Exchange-like over a WAN");
            long t0 = System.nanoTime();
            TransferReport report = FaultHarness.run(FaultHarness.settings(oldServer.imapEndpoint(), target, temp)
                    .parallelism(1).build(), ledger, Pass.PRESTAGE, a);
            LOG.info("{} messages over a {} ms round trip in {} ms, at most {} APPENDs in flight", count,
                    ROUND_TRIP.toMillis(), (System.nanoTime() - t0) / 1_000_000, watcher.maxInFlight());

            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).as(report.summary()).isEqualTo(count);
            assertThat(watcher.sent()).as("one APPEND per message, none repeated").isEqualTo(count);
            assertThat(watcher.nonSynchronising()).as("every literal sent without waiting (LITERAL+)").isEqualTo(count);
            assertThat(watcher.maxInFlight()).as("APPENDs sent before the earlier ones were answered")
                    .isGreaterThan(1).isLessThanOrEqualTo(16);
        }
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, INBOX)).isEqualTo(count);

        TransferReport rerun = FaultHarness.run(h.settings(temp).build(), ledger, Pass.PRESTAGE, a);
        assertThat(rerun.copied()).as("a rerun finds every copy by its trace").isZero();
        h.assertVerified(temp, a);
    }

    @Test
    void throttledAppendsInFlightAreCountedAndRepeatedAloneWhileTheOthersCount() throws Exception {
        int count = 30;
        BmaAddress a = seeded(count);
        try (ThrottlingImapProxy proxy = ThrottlingImapProxy.to(((DovecotFixture) newServer).server().imapPort())) {
            proxy.storm(ThrottlingImapProxy.Storm.of(4, Duration.ofMillis(40), "APPEND").every(3));
            ImapEndpoint target = ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "throttling Exchange-like");
            TransferReport report = FaultHarness.run(FaultHarness.settings(oldServer.imapEndpoint(), target, temp)
                    .parallelism(1).retries(8, Duration.ofMillis(20)).build(), ledger, Pass.PRESTAGE, a);

            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).as(report.summary()).isEqualTo(count);
            assertThat(report.alreadyPresent()).as("what was answered OK behind a throttled APPEND was counted then")
                    .isZero();
            assertThat(proxy.forwarded("APPEND")).as("each message reached the server once").isEqualTo(count);
            assertThat(report.mailboxes().get(0).throttled()).as("every throttled answer counted, also those that "
                    + "shared a wait").isEqualTo(proxy.throttled()).isEqualTo(4);
            assertThat(report.mailboxes().get(0).retries()).isBetween(1, 4);
        }
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, INBOX)).isEqualTo(count);
    }

    @Test
    void aFinalNoInTheWindowFailsOnlyItsMessage() throws Exception {
        int count = 20;
        BmaAddress a = seeded(count);
        try (MalformingImapProxy proxy = MalformingImapProxy.to(((DovecotFixture) newServer).server().imapPort())) {
            int rule = proxy.add(MalformingImapProxy.Rule.of("APPEND", "^\\S+ OK", MalformingImapProxy.Fault.NO)
                    .saying("Cannot store this message").times(1));
            ImapEndpoint target = ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "refusing Exchange-like");
            TransferReport report = FaultHarness.run(FaultHarness.settings(oldServer.imapEndpoint(), target, temp)
                    .parallelism(1).build(), ledger, Pass.PRESTAGE, a);

            assertThat(proxy.hits(rule)).isEqualTo(1);
            assertThat(report.mailboxes().get(0).skipped()).as(report.summary()).singleElement()
                    .satisfies(p -> assertThat(p.reason()).contains("Cannot store this message"));
            assertThat(report.copied()).as(report.summary()).isEqualTo(count - 1);
            assertThat(report.mailboxes().get(0).retries()).as("a final NO is not retried").isZero();
        }
    }

    /** Angus's folder.fetch took a refused FETCH for an empty answer: the listing missed copies, made again. */
    @Test
    void aThrottledListingFetchOnTheTargetIsRetriedAndCountedAndCopiesNothingTwice() throws Exception {
        int count = 12;
        BmaAddress a = seeded(count);
        TransferReport first = FaultHarness.run(h.settings(temp).build(), ledger, Pass.PRESTAGE, a);
        assertThat(first.copied()).as(first.summary()).isEqualTo(count);
        try (ThrottlingImapProxy proxy = ThrottlingImapProxy.to(((DovecotFixture) newServer).server().imapPort())) {
            proxy.storm(ThrottlingImapProxy.Storm.of(2, Duration.ofMillis(40), "FETCH"));
            ImapEndpoint target = ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "throttling Exchange-like");
            TransferReport report = FaultHarness.run(FaultHarness.settings(oldServer.imapEndpoint(), target, temp)
                    .parallelism(1).retries(8, Duration.ofMillis(20)).build(), ledger, Pass.FINAL, a);

            assertThat(proxy.throttled()).isEqualTo(2);
            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).as("every copy found despite the refused listing: " + report.summary()).isZero();
            assertThat(report.mailboxes().get(0).throttled()).as(report.summary()).isEqualTo(2);
            assertThat(proxy.forwarded("APPEND")).isZero();
        }
        h.assertVerified(temp, a);
    }
}
