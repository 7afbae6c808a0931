package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;
import be.cfwb.bma.retry.VirtualSleeper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throttling storms: a {@link ThrottlingImapProxy} in front of the old server and of the target
 * answers SELECT, EXAMINE, FETCH and APPEND with Exchange's {@code NO [THROTTLED] ... Suggested
 * Backoff Time: N milliseconds} instead of forwarding them. The run slows down and completes,
 * every message lands exactly once (a throttled APPEND stored nothing), the report counts every
 * throttled answer and the time waited, and the wait is the server's suggestion (bounded by
 * maxBackoff), not our default. A storm that never ends gives one folder up with its reason;
 * the rest goes on.
 */
@Timeout(90)
abstract class ThrottlingStormSuite extends TwoServerTestBase<MailServerFixture, MailServerFixture> {

    private static final Logger LOG = LoggerFactory.getLogger(ThrottlingStormSuite.class);

    private static final FolderPath INBOX = FolderPath.inbox();
    protected static final Duration SUGGESTED = Duration.ofMillis(40);
    /** Our own first wait: far above the suggestion, so a wait of our default would show. */
    private static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(3);

    private ThrottlingImapProxy toOld;
    private ThrottlingImapProxy toNew;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    /** The engine's waits pass on virtual time: the suggested backoff is asserted, not slept. */
    private VirtualSleeper sleeper;

    /**
     * The storm on the target in the main test. Every 5th of these commands is throttled (the 1st,
     * 6th, ...) until 16 were: against GreenMail (one APPEND per message, each throttled answer
     * costing a reconnection of about 0.8 s) most of it is spent. Not every 4th: that hits the same
     * APPEND in each resume cycle, which against GreenMail is 4 such commands long, and the folder
     * gives up (see docs/guarantees.md). Not EXAMINE: Angus sends it on the target only while
     * closing a folder (EXAMINE then CLOSE, so that nothing is expunged), where a refusal changes
     * nothing and is not counted.
     */
    protected ThrottlingImapProxy.Storm targetStorm() {
        return ThrottlingImapProxy.Storm.of(16, SUGGESTED, "APPEND", "SELECT", "FETCH", "UID FETCH").every(5);
    }

    /**
     * The storm on the old server in the main test. Not the plain FETCH: Angus ignores a refused
     * FETCH (RFC 2180), so such a refusal surfaces as an unreadable message, retried but not
     * counted as throttled (see aThrottledListingFetchLosesNoMessage).
     */
    protected ThrottlingImapProxy.Storm sourceStorm() {
        return ThrottlingImapProxy.Storm.of(4, SUGGESTED, "EXAMINE", "SELECT", "UID FETCH").every(5);
    }

    /** Throttled answers the main test's storms give at least. */
    protected int minThrottled() {
        return 14;
    }

    /** Checks particular to the server, after the main test. */
    protected void afterStorm(ThrottlingImapProxy toNew) {
    }

    /** A folder below INBOX, named with the OLD server's separator conventions. */
    protected FolderPath archives() {
        return FolderPath.of("INBOX", "Archives 2023");
    }

    @BeforeEach
    void startProxies() throws Exception {
        toOld = ThrottlingImapProxy.to(oldServer.imapEndpoint().port());
        toNew = ThrottlingImapProxy.to(newServer.imapEndpoint().port());
        waits.clear();
        sleeper = new VirtualSleeper();
    }

    @AfterEach
    void stopProxies() {
        toOld.close();
        toNew.close();
    }

    private BmaAddress seeded(int count, FolderPath... more) {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < count; i++) {
                FolderPath folder = i % 3 == 2 ? archives() : INBOX;
                s.append(folder, TestMessage.builder().subject("Circulaire " + i).messageId("t" + i + "." + a.localPart()
                                + "@cfwb.be").attachment(1_000 + 97 * i, i).build(),
                        i % 2 == 0 ? flags("\\Seen") : flags(), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
            for (FolderPath f : more) {
                s.append(f, TestMessage.builder().subject("Dans " + f).messageId("m." + a.localPart() + "@cfwb.be").build(),
                        flags(), Instant.parse("2024-10-02T08:00:00Z"));
            }
        }
        return a;
    }

    private TransferSettings.Builder throughProxies() {
        return FaultHarness.settings(endpoint(toOld), endpoint(toNew), temp)
                .retries(8, DEFAULT_BACKOFF)
                .maxBackoff(Duration.ofSeconds(5))
                .sleeper(sleeper);
    }

    private static ImapEndpoint endpoint(ThrottlingImapProxy proxy) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "throttling proxy");
    }

    private TransferReport run(TransferSettings settings, BmaAddress... mailboxes) {
        TransferListener listener = new TransferListener() {
            @Override
            public void retrying(BmaAddress mailbox, String reason, int attempt, Duration wait) {
                waits.add(wait);
            }
        };
        return new SyncEngine(settings, ledger, FaultHarness.CLOCK, listener).run(List.of(mailboxes), Pass.PRESTAGE);
    }

    @Test
    void aStormOfThrottledRepliesSlowsTheRunDownAndEveryMessageLandsOnce() {
        int count = 36;
        BmaAddress a = seeded(count);
        toNew.storm(targetStorm());
        toOld.storm(sourceStorm());

        long t0 = System.nanoTime();
        TransferReport report = run(throughProxies().build(), a);
        // The run's time: what it really took, and the waits passed on virtual time.
        Duration took = Duration.ofNanos(System.nanoTime() - t0).plus(sleeper.total());
        LOG.info("Storm outcome ({} s): {}", took.toMillis() / 1000.0, report.summary());

        int thrown = toOld.throttled() + toNew.throttled();
        // Most of the storm is spent (how much depends on how many commands the run needed).
        assertThat(thrown).as("throttled answers given: %s / %s", toOld.throttledByCommand(), toNew.throttledByCommand())
                .isBetween(minThrottled(), targetStorm().limit() + sourceStorm().limit());
        afterStorm(toNew);
        assertThat(toNew.throttledByCommand()).containsKey("APPEND");
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).as(report.summary()).isEqualTo(count);
        assertThat(report.alreadyPresent()).as("a throttled APPEND stored nothing to find again").isZero();
        assertThat(toNew.forwarded("APPEND")).as("each message APPENDed once, the throttled ones never reached the server")
                .isLessThanOrEqualTo(count);
        h.assertVerified(temp, a);
        h.assertCopiedByteForByte(a, INBOX);
        h.assertCopiedByteForByte(a, archives());

        MailboxReport m = report.mailboxes().get(0);
        // Every throttled answer counted, also one the reader met while the writer was already
        // waiting out its own: that one wait covered both.
        assertThat(m.throttled()).as(report.summary()).isEqualTo(thrown);
        assertThat(m.retries()).isGreaterThanOrEqualTo(waits.size());
        assertThat(waits).as("each wait is the server's suggestion, not our default").isNotEmpty()
                .allSatisfy(w -> assertThat(w).isEqualTo(SUGGESTED));
        assertThat(m.waited()).as("time waited").isGreaterThanOrEqualTo(SUGGESTED.multipliedBy(waits.size()))
                .isLessThan(took);
        assertThat(report.retryStats()).isEqualTo(m.retryStats());

        assertThat(report.toJson()).contains("\"throttled\" : " + thrown).contains("\"waitedMillis\" : " + m.waited().toMillis());
        assertThat(report.toCsv().lines().skip(1))
                .allSatisfy(row -> assertThat(row).endsWith(";" + m.retries() + ";" + thrown + ";" + m.waited().toMillis()));
        assertThat(report.summary()).contains(thrown + " throttled");
    }

    @Test
    void aThrottledListingFetchLosesNoMessage() {
        BmaAddress a = seeded(6);
        // The small folder's listing with its bodies (a UID FETCH sent with its EXAMINE), then its
        // listing alone, then Angus's message-by-message fallback: all refused.
        toOld.storm(ThrottlingImapProxy.Storm.of(3, SUGGESTED, "FETCH", "UID FETCH"));

        TransferReport report = run(throughProxies().retries(8, Duration.ofMillis(20)).build(), a);

        assertThat(toOld.throttled()).isEqualTo(3);
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.found()).as("no message left out of the listing").isEqualTo(6);
        assertThat(report.copied()).isEqualTo(6);
        assertThat(report.retries()).isPositive();
        h.assertVerified(temp, a);
    }

    @Test
    void aLongSuggestedBackoffIsCutToMaxBackoff() {
        BmaAddress a = seeded(6);
        toNew.storm(ThrottlingImapProxy.Storm.of(3, Duration.ofMillis(300_000), "APPEND"));

        long t0 = System.nanoTime();
        TransferReport report = run(throughProxies().maxBackoff(Duration.ofMillis(60)).build(), a);

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(6);
        assertThat(toNew.throttled()).isEqualTo(3);
        assertThat(report.mailboxes().get(0).throttled()).isEqualTo(3);
        // Pipelined APPENDs (LITERAL+ without MULTIAPPEND) throttled in one window share one wait.
        assertThat(waits).hasSizeBetween(1, 3).allSatisfy(w -> assertThat(w).isEqualTo(Duration.ofMillis(60)));
        assertThat(report.mailboxes().get(0).waited()).isGreaterThanOrEqualTo(Duration.ofMillis(60).multipliedBy(waits.size()));
        h.assertVerified(temp, a);
    }

    @Test
    void aStormThatNeverEndsGivesTheFolderUpWithItsReasonAndTheRestGoesOn() {
        FolderPath blocked = FolderPath.of("Bloque");
        BmaAddress stuck = seeded(4, blocked);
        BmaAddress other = seeded(4);
        // Every SELECT, EXAMINE or APPEND of that one folder on the target, for ever (a folder
        // the pass has just created is not selected: its first attempt meets the APPEND).
        toNew.storm(ThrottlingImapProxy.Storm.of(1, SUGGESTED, "SELECT", "EXAMINE", "APPEND").forever()
                .matching("Bloque"));

        TransferReport report = run(throughProxies().retries(4, DEFAULT_BACKOFF).build(), stuck, other);

        MailboxReport s = report.mailboxes().stream().filter(m -> m.mailbox().equals(stuck)).findFirst().orElseThrow();
        MailboxReport o = report.mailboxes().stream().filter(m -> m.mailbox().equals(other)).findFirst().orElseThrow();
        FolderReport failed = s.folders().stream().filter(f -> f.source().equals(blocked)).findFirst().orElseThrow();
        assertThat(failed.error()).as(report.summary()).get().asString()
                .contains("Bloque").contains("THROTTLED").contains("gave up after 4 retries");
        assertThat(s.isComplete()).isFalse();
        assertThat(s.problems()).anyMatch(p -> p.startsWith("Bloque: ") && p.contains("gave up"));
        assertThat(s.folders().stream().filter(f -> !f.source().equals(blocked)))
                .allSatisfy(f -> assertThat(f.isComplete()).as(f.source().toString()).isTrue());
        assertThat(s.copied()).isEqualTo(4);
        assertThat(s.throttled()).isEqualTo(5).isEqualTo(toNew.throttled());
        assertThat(o.isComplete()).as(report.summary()).isTrue();
        assertThat(o.copied()).isEqualTo(4);
        assertThat(o.throttled()).isZero();
        assertThat(report.summary()).contains("INCOMPLETE").contains("gave up after 4 retries");
        h.assertVerified(temp, other);
    }
}
