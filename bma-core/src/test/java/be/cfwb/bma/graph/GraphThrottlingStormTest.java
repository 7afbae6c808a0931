package be.cfwb.bma.graph;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.graph.StoredMessage;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.Verifier;
import be.cfwb.bma.transfer.VerifyReport;
import be.cfwb.bma.retry.VirtualSleeper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of 429 with Retry-After from the Graph stand-in during a migration to the Graph target:
 * the SDK waits most of them out itself, the engine the ones the SDK gives up on. The run
 * completes, every message is there once, and the report counts every 429 and the time waited
 * (what the SDK waited, reported by the target, plus the engine's backoff).
 */
@Timeout(60)
class GraphThrottlingStormTest extends GraphMigrationTestBase {

    private static final Logger LOG = LoggerFactory.getLogger(GraphThrottlingStormTest.class);

    private static final AtomicInteger NEXT = new AtomicInteger(800);
    private static final Duration RETRY_AFTER = Duration.ofMillis(50);

    private BmaAddress seeded(int count) {
        return mailbox(NEXT.incrementAndGet(), (s, a) -> {
            for (int i = 0; i < count; i++) {
                s.append(i % 4 == 3 ? FolderPath.of("INBOX", "Archives") : FolderPath.inbox(),
                        TestMessage.builder().subject("Circulaire " + i).messageId("g" + i + "@cfwb.be").build(),
                        i % 2 == 0 ? flags("\\Seen") : flags(), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        });
    }

    /** Graph's Retry-After and the engine's backoff pass on virtual time. */
    private final VirtualSleeper sleeper = new VirtualSleeper();

    private TransferSettings settings(GraphConnection graph) {
        return toGraph(graph)
                .parallelism(1)
                .retries(12, Duration.ofSeconds(3))
                .sleeper(sleeper)
                .build();
    }

    @Test
    void aFloodOf429IsWaitedOutAndReported() {
        int count = 24;
        BmaAddress a = seeded(count);
        int flood = 40;
        // 40 429s in a row on message requests (listing and creation alike); the SDK retries each
        // request 3 times, so it gives up 10 times and the engine waits those out (Retry-After,
        // not its own 3 s), 10 times in a row without progress: within the 12 retries allowed.
        standIn.throttleNext(flood, RETRY_AFTER, "/messages");
        List<Duration> engineWaits = new CopyOnWriteArrayList<>();
        TransferListener listener = new TransferListener() {
            @Override
            public void retrying(BmaAddress mailbox, String reason, int attempt, Duration wait) {
                engineWaits.add(wait);
            }
        };
        try (GraphConnection graph = GraphConnection.open(GraphSettings.builder()
                .credentials(GraphCredentials.staticToken(standIn.token())).baseUrl(standIn.baseUrl())
                .maxRetries(3).sleeper(sleeper).build())) {
            long t0 = System.nanoTime();
            TransferReport report = new SyncEngine(settings(graph), ledger, CLOCK, listener).run(List.of(a), Pass.PRESTAGE);
            // The run's time: what it really took, and the waits passed on virtual time.
            Duration took = Duration.ofNanos(System.nanoTime() - t0).plus(sleeper.total());
            LOG.info("Storm outcome ({} s): {}", took.toMillis() / 1000.0, report.summary());

            assertThat(graph.stats().throttled()).as("every 429 was met").isEqualTo(flood);
            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).isEqualTo(count);
            List<StoredMessage> stored = standIn.allMessages(a.toString());
            assertThat(stored).hasSize(count);
            assertThat(stored.stream().map(m -> m.extendedProperty(GraphTarget.SOURCE_KEY_PROPERTY).orElseThrow()))
                    .as("each source message once").doesNotHaveDuplicates();

            MailboxReport m = report.mailboxes().get(0);
            assertThat(m.throttled()).as(report.summary()).isEqualTo(flood);
            assertThat(engineWaits).as("the engine waited out what the SDK gave up on, as Graph asked").isNotEmpty()
                    .allSatisfy(w -> assertThat(w).isEqualTo(RETRY_AFTER));
            assertThat(m.retries()).isGreaterThanOrEqualTo(flood);
            assertThat(m.waited()).isGreaterThanOrEqualTo(RETRY_AFTER.multipliedBy(flood)).isLessThan(took);
            assertThat(report.toJson()).contains("\"throttled\" : " + flood);
            assertThat(report.summary()).contains(flood + " throttled");
        }
        try (GraphConnection graph = GraphConnection.open(GraphSettings.builder()
                .credentials(GraphCredentials.staticToken(standIn.token())).baseUrl(standIn.baseUrl()).build())) {
            VerifyReport verified = new Verifier(settings(graph), CLOCK).verify(List.of(a));
            assertThat(verified.isSuccess()).as(verified.summary()).isTrue();
        }
    }

    @Test
    void waitsOfOurOwnBudgetAreReportedAsWaitsNotThrottling() {
        BmaAddress a = seeded(4);
        // 6 requests a second for the mailbox: the copy's requests queue on our side, Graph never says 429.
        try (GraphConnection graph = GraphConnection.open(GraphSettings.builder()
                .credentials(GraphCredentials.staticToken(standIn.token())).baseUrl(standIn.baseUrl())
                .requestBudget(6, Duration.ofSeconds(1)).build())) {
            TransferReport report = new SyncEngine(settings(graph), ledger, CLOCK, TransferListener.NONE)
                    .run(List.of(a), Pass.PRESTAGE);

            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).isEqualTo(4);
            MailboxReport m = report.mailboxes().get(0);
            assertThat(graph.stats().throttled()).isZero();
            assertThat(graph.stats().budgetWaits()).isPositive();
            assertThat(m.throttled()).isZero();
            assertThat(m.retries()).isZero();
            assertThat(m.waited()).as(report.summary()).isGreaterThan(Duration.ofMillis(500));
        }
    }
}
