package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine migrating through a {@link FaultProxy} put between it and the OLD server or the
 * TARGET (both GreenMail): connections dropped mid-FETCH and mid-APPEND, reset on APPEND,
 * stalled, trickled, refused, cut. Under each the migration completes, the fault demonstrably
 * happened, and the Verifier (over direct connections) finds every message exactly once with
 * the original bytes.
 */
@Timeout(60)
class NetworkFaultsTest extends GreenMailPairTestBase {

    private static final FolderPath INBOX = FolderPath.inbox();
    private static final FolderPath ARCHIVES = FolderPath.of("INBOX", "Archives 2023");

    private static final int COUNT = 5;

    private FaultProxy toOld;
    private FaultProxy toNew;

    @BeforeEach
    void startProxies() throws Exception {
        toOld = FaultProxy.to(oldServer.imapPort());
        toNew = FaultProxy.to(newServer.imapPort());
    }

    @AfterEach
    void stopProxies() {
        toOld.close();
        toNew.close();
    }

    /** Four messages of about 27 kB in INBOX and one in a subfolder: enough bytes to break a FETCH or APPEND midway. */
    private BmaAddress seeded() {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < COUNT; i++) {
                s.append(i < 4 ? INBOX : ARCHIVES, TestMessage.builder().subject("Circulaire " + i)
                                .messageId("c" + i + "@cfwb.be").attachment(20_000, i).build(),
                        i % 2 == 0 ? flags("\\Seen") : flags("\\Flagged"), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        return a;
    }

    private TransferSettings throughProxies() {
        return FaultHarness.settings(FaultHarness.through(toOld), FaultHarness.through(toNew), temp).build();
    }

    /** Runs the pre-stage through the proxies, then asserts completion and the Verifier's exactly-once verdict. */
    private TransferReport migrateAndProve(BmaAddress a, FaultProxy faulty) {
        return migrateAndProve(a, () -> faulty.faultsInjected() > 0);
    }

    private TransferReport migrateAndProve(BmaAddress a, BooleanSupplier faultHappened) {
        TransferReport report = FaultHarness.run(throughProxies(), ledger, Pass.PRESTAGE, a);
        assertThat(faultHappened.getAsBoolean()).as("the fault really happened").isTrue();
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        // a message stored while its APPEND's answer was lost is found again, not copied twice
        assertThat(report.copied() + report.alreadyPresent()).as(report.summary()).isEqualTo(COUNT);
        // the Verifier also compares each copy's bytes with the trace header + the original's
        h.assertVerified(temp, a);
        return report;
    }

    @Test
    void oldServerConnectionDroppedMidFetch() {
        BmaAddress a = seeded();
        // each new connection to the old server dies after 30 kB from the server: mid-message
        toOld.set(FaultProxy.Faults.NONE.dropAfterServerBytes(30_000));
        FaultHarness.healAfter(toOld, 3);

        TransferReport report = migrateAndProve(a, toOld);

        assertThat(report.retries()).isPositive();
    }

    @Test
    void targetConnectionResetOnAppend() {
        BmaAddress a = seeded();
        toNew.set(FaultProxy.Faults.NONE.resetWhenClientSends(" APPEND "));
        FaultHarness.healAfter(toNew, 2);

        TransferReport report = migrateAndProve(a, toNew);

        assertThat(report.retries()).isPositive();
    }

    @Test
    void targetConnectionDroppedInTheMiddleOfAnAppendedLiteral() {
        BmaAddress a = seeded();
        // 45 kB from the client: past login and the first APPEND, inside the second one's literal
        toNew.set(FaultProxy.Faults.NONE.dropAfterClientBytes(45_000));
        FaultHarness.healAfter(toNew, 2);

        migrateAndProve(a, toNew);
    }

    @Test
    void targetAnswerLostAfterTheServerStoredTheMessage() {
        BmaAddress a = seeded();
        // the server's replies are cut after 1 kB: an APPEND may be stored while its OK never arrives,
        // the case where a naive retry duplicates
        toNew.set(FaultProxy.Faults.NONE.dropAfterServerBytes(1_000));
        FaultHarness.healAfter(toNew, 3);

        migrateAndProve(a, toNew);
    }

    @Test
    void oldServerStallsMidTransferLongerThanTheReadTimeout() {
        BmaAddress a = seeded();
        // Stall exactly when the engine asks for message bodies, however fast the copy runs.
        toOld.set(FaultProxy.Faults.NONE.stallWhenClientSends("BODY.PEEK[]"));
        AtomicBoolean stalled = new AtomicBoolean();
        whenThen(() -> toOld.faults().stall(), () -> {
            stalled.set(true);
            sleepThen(1_800, toOld::heal);
        });

        TransferReport report = migrateAndProve(a, stalled::get);

        assertThat(report.retries()).as("the stalled read timed out and was retried").isPositive();
    }

    @Test
    void targetStallsBriefly() {
        BmaAddress a = seeded();
        whenThen(() -> toNew.clientBytes() > 30_000, () -> toNew.set(FaultProxy.Faults.NONE.stalling()));
        AtomicBoolean stalled = new AtomicBoolean();
        whenThen(() -> toNew.faults().stall(), () -> {
            stalled.set(true);
            sleepThen(1_800, toNew::heal);
        });

        migrateAndProve(a, stalled::get);
    }

    @Test
    void targetTrickles() {
        BmaAddress a = seeded();
        toNew.set(FaultProxy.Faults.NONE.trickle(200_000));
        long t0 = System.nanoTime();

        TransferReport report = FaultHarness.run(throughProxies(), ledger, Pass.PRESTAGE, a);

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the trickle slowed the run").isGreaterThan(Duration.ofMillis(500));
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        h.assertVerified(temp, a);
    }

    @Test
    void oldServerRefusesConnectionsForAWhile() {
        BmaAddress a = seeded();
        toOld.set(FaultProxy.Faults.NONE.refusing());
        FaultHarness.healAfter(toOld, 2);

        migrateAndProve(a, toOld);
    }

    @Test
    void everyConnectionCutMidRun() {
        BmaAddress a = seeded();
        AtomicBoolean cut = new AtomicBoolean();
        whenThen(() -> toNew.clientBytes() > 50_000, () -> {
            cut.set(true);
            toOld.cutAll();
            toNew.cutAll();
            toNew.set(FaultProxy.Faults.NONE.refusing());
            sleepThen(300, toNew::heal);
        });

        migrateAndProve(a, cut::get);
    }

    @Test
    void aTargetThatNeverComesBackLeavesTheMailboxIncompleteWithAReasonAndARerunFinishes() {
        BmaAddress a = seeded();
        whenThen(() -> toNew.clientBytes() > 30_000, () -> {
            toNew.set(FaultProxy.Faults.NONE.refusing());
            toNew.cutAll();
        });

        // One connection: with several, a folder may finish before the cut, and the pre-stage
        // rerun would then rightly not count its messages again.
        TransferSettings fewRetries = FaultHarness.settings(FaultHarness.through(toOld), FaultHarness.through(toNew), temp)
                .retries(2, Duration.ofMillis(50)).connectionsPerMailbox(1).build();
        TransferReport broken = FaultHarness.run(fewRetries, ledger, Pass.PRESTAGE, a);

        assertThat(broken.isComplete()).isFalse();
        assertThat(broken.mailboxes().get(0).isComplete()).isFalse();
        assertThat(broken.mailboxes().get(0).problems()).as(broken.summary()).isNotEmpty()
                .allSatisfy(p -> assertThat(p).contains("Cannot connect").doesNotContain(FaultHarness.password(a)));
        toNew.heal();
        TransferReport rerun = FaultHarness.run(throughProxies(), ledger, Pass.PRESTAGE, a);
        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        assertThat(rerun.copied() + rerun.alreadyPresent()).isEqualTo(COUNT);
        h.assertVerified(temp, a);
    }

    /** Once {@code condition} holds (polled every 2 ms in a daemon thread), runs {@code action}. */
    private static void whenThen(BooleanSupplier condition, Runnable action) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    return;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
            action.run();
        }, "fault-trigger");
        t.setDaemon(true);
        t.start();
    }

    private static void sleepThen(long millis, Runnable action) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        action.run();
    }
}
