package be.cfwb.bma.graph;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.AccessToken;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.credentials.TokenSupplier;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.graph.GraphStandIn;
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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's Graph token refused mid-run (revoked, or expired before the time it announced), with
 * the Graph stand-in switching to another token partway through a migration and a
 * {@link TokenSupplier} that caches its tokens for an hour (only the refusal can make it ask
 * again): with a new token to be had, the refused request is sent once more with it and the
 * migration completes, every message once, the resend in the report; without one, one refused
 * request in all, one clear error naming the token, and no mailbox after it reaching Graph.
 */
@Timeout(60)
class GraphTokenRefusedTest extends GraphMigrationTestBase {

    private static final AtomicInteger NEXT = new AtomicInteger(8800);

    private BmaAddress seeded(int count) {
        return mailbox(NEXT.incrementAndGet(), (s, a) -> {
            for (int i = 0; i < count; i++) {
                s.append(FolderPath.inbox(), TestMessage.builder().subject("Circulaire " + i)
                                .messageId("t" + i + "." + a.localPart() + "@cfwb.be").build(),
                        flags("\\Seen"), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        });
    }

    private TransferSettings settings(GraphConnection graph, int parallelism) {
        return toGraph(graph)
                .parallelism(parallelism)
                .retries(3, Duration.ofMillis(20))
                .build();
    }

    /**
     * The stand-in taking {@code first} from now on, and a supplier caching for an hour (the
     * refusal alone makes it ask again) whatever token is {@link #current}, its calls counted.
     */
    private final class Tokens {
        final AtomicReference<String> current;
        final AtomicInteger issued = new AtomicInteger();
        final AtomicBoolean revoked = new AtomicBoolean();
        final TokenSupplier supplier;

        Tokens(String first) {
            standIn.token(first);
            current = new AtomicReference<>(first);
            supplier = TokenSupplier.refreshing(issuer(current, issued), Duration.ofMinutes(5), CLOCK);
        }
    }

    /** Whatever token is current, announced valid for an hour, the calls counted. */
    private static TokenSupplier issuer(AtomicReference<String> current, AtomicInteger issued) {
        return () -> {
            issued.incrementAndGet();
            return new AccessToken(Secret.of(current.get()), CLOCK.instant().plus(Duration.ofHours(1)));
        };
    }

    /** Runs {@code revoke} once {@code after} messages were copied, in all mailboxes together. */
    private static TransferListener after(int after, Runnable revoke, AtomicBoolean revoked) {
        AtomicInteger copied = new AtomicInteger();
        return new TransferListener() {
            @Override
            public void messageCopied(BmaAddress mailbox, FolderPath folder, long uid, long bytes) {
                if (copied.incrementAndGet() == after && revoked.compareAndSet(false, true)) {
                    revoke.run();
                }
            }
        };
    }

    private GraphConnection connection(TokenSupplier tokens) {
        return GraphConnection.open(GraphSettings.builder().credentials(GraphCredentials.tokens(tokens))
                .baseUrl(standIn.baseUrl()).build());
    }

    @Test
    void aTokenRevokedMidRunIsReplacedOnceAndTheMigrationCompletes() {
        List<BmaAddress> mailboxes = List.of(seeded(8), seeded(8));
        String first = "tok-first-" + NEXT.get();
        String second = "tok-second-" + NEXT.get();
        Tokens t = new Tokens(first);

        try (GraphConnection graph = connection(t.supplier)) {
            TransferReport report = new SyncEngine(settings(graph, 2), ledger, CLOCK,
                    after(5, () -> {
                        // Graph stops taking the first token; the issuer now hands out the second.
                        standIn.token(second);
                        t.current.set(second);
                    }, t.revoked)).run(mailboxes, Pass.PRESTAGE);

            assertThat(t.revoked).as("the token was revoked mid-run").isTrue();
            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).as(report.summary()).isEqualTo(16);
            assertThat(t.issued).as("one token at the start, one after the refusal").hasValue(2);
            // at most one refused request per mailbox at work when it happened (2 at once here)
            assertThat(standIn.countStatus(401)).isBetween(1L, 2L);
            assertThat(report.mailboxes().stream().mapToInt(MailboxReport::retries).sum())
                    .as("the resend with the fresh token is in the report: %s", report.summary())
                    .isEqualTo((int) standIn.countStatus(401));
            assertThat(report.toJson() + report.toCsv() + report.summary()).doesNotContain(first, second);
            for (BmaAddress a : mailboxes) {
                List<StoredMessage> stored = standIn.allMessages(a.toString());
                assertThat(stored).as(a.toString()).hasSize(8);
                assertThat(stored.stream().map(m -> m.extendedProperty(GraphTarget.SOURCE_KEY_PROPERTY).orElseThrow()))
                        .as("each source message once").doesNotHaveDuplicates();
            }
            VerifyReport verified = new Verifier(settings(graph, 2), CLOCK).verify(mailboxes);
            assertThat(verified.isSuccess()).as(verified.summary()).isTrue();
        }
    }

    @Test
    void aTokenThatCannotBeReplacedIsOneClearErrorNotARetryPerMessage() {
        List<BmaAddress> mailboxes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mailboxes.add(seeded(6));
        }
        String only = "tok-only-" + NEXT.get();
        Tokens t = new Tokens(only);

        try (GraphConnection graph = connection(t.supplier)) {
            TransferReport report = new SyncEngine(settings(graph, 1), ledger, CLOCK,
                    after(3, () -> standIn.token("tok-nobody-has"), t.revoked)).run(mailboxes, Pass.PRESTAGE);

            assertThat(t.revoked).isTrue();
            List<GraphStandIn.RecordedRequest> requests = standIn.requests();
            assertThat(standIn.countStatus(401)).as("one refused request in all").isEqualTo(1);
            assertThat(requests.get(requests.size() - 1).status()).as("nothing reached Graph after the refusal")
                    .isEqualTo(401);
            assertThat(t.issued).as("asked again once, after the refusal; it had no other token").hasValue(2);
            assertThat(report.copied()).isEqualTo(3);
            assertThat(report.mailboxes()).as(report.summary()).noneMatch(MailboxReport::isComplete);
            assertThat(report.mailboxes()).allSatisfy(m -> assertThat(m.failed()).as("no message failed one by one: %s",
                    m.problems()).isEmpty());
            List<String> problems = report.mailboxes().stream().map(m -> String.join(" | ", m.problems())).toList();
            assertThat(problems).allSatisfy(p -> assertThat(p).contains(standIn.baseUrl(), "check the credentials"));
            // the first mailbox met the refusal, the next two found no token to send (the login gate
            // gives a shared login that worked three refusals), the last two were not attempted
            assertThat(problems.subList(0, 3)).allSatisfy(p -> assertThat(p)
                    .contains("refused the app's access token (HTTP 401", "no other token was to be had"));
            assertThat(problems.subList(3, 5)).allSatisfy(p -> assertThat(p).startsWith("mailbox: Not attempted: "));
            assertThat(report.mailboxes().get(0).error()).as("the refusal stops the mailbox, not just its folder")
                    .hasValueSatisfying(e -> assertThat(e).contains("refused the app's access token (HTTP 401"));
            assertThat(report.toJson() + report.toCsv() + report.summary()).doesNotContain(only);
        }
    }

    @Test
    void aFreshTokenRefusedTooIsOneClearErrorAfterTwoRefusedRequests() {
        List<BmaAddress> mailboxes = List.of(seeded(6), seeded(6));
        String first = "tok-a-" + NEXT.get();
        Tokens t = new Tokens(first);

        try (GraphConnection graph = connection(t.supplier)) {
            // the app lost its permission: Graph takes no token any more, the issuer still hands out new ones
            TransferReport report = new SyncEngine(settings(graph, 1), ledger, CLOCK, after(2, () -> {
                standIn.token("tok-nobody-has");
                t.current.set("tok-b-" + NEXT.get());
            }, t.revoked)).run(mailboxes, Pass.PRESTAGE);

            assertThat(t.revoked).isTrue();
            assertThat(standIn.countStatus(401)).as("the token, then the fresh one; nothing after").isEqualTo(2);
            List<GraphStandIn.RecordedRequest> requests = standIn.requests();
            assertThat(requests.get(requests.size() - 1).status()).isEqualTo(401);
            assertThat(t.issued).hasValue(2);
            assertThat(report.mailboxes()).noneMatch(MailboxReport::isComplete)
                    .allSatisfy(m -> assertThat(m.failed()).isEmpty());
            assertThat(String.join(" | ", report.mailboxes().get(0).problems()))
                    .contains("refused the app's access token (HTTP 401", "and a fresh one too", "check the credentials");
            assertThat(report.toJson() + report.toCsv() + report.summary()).doesNotContain(first, t.current.get());
        }
    }
}
