package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.ForwardingTarget;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SpecialUse;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjIntConsumer;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mailbox whose INBOX holds most of its bytes, copied over two connections (Dovecot to
 * Dovecot): the connection done with the small folder takes the upper part of the INBOX's copy
 * instead of waiting for it. Every message is still copied exactly once with its bytes, the
 * INBOX's mark is recorded only once both parts are done (a rerun copies nothing), and a part
 * that fails part-way makes the INBOX's attempt start again without copying anything twice.
 * The target answers each APPEND request 100 ms late, as a far server would, so that the INBOX's
 * copy is still under way when the other connection is free.
 */
@RequiresDovecot
class SharedFolderCopyTest extends TwoDovecotsTestBase {

    private static final int LARGE = 64;
    private static final int BODY = 200_000;
    private static final FolderPath SMALL = FolderPath.of("Petit");

    @Test
    void theLargestFolderIsCopiedOverBothConnectionsExactlyOnce() {
        BmaAddress a = seeded();
        Map<String, AtomicInteger> inboxCopiesByThread = new ConcurrentHashMap<>();
        TransferListener threads = new TransferListener() {
            @Override
            public void messageCopied(BmaAddress mailbox, FolderPath folder, long uid, long bytes) {
                if (folder.equals(FolderPath.inbox())) {
                    inboxCopiesByThread.computeIfAbsent(Thread.currentThread().getName(), t -> new AtomicInteger())
                            .incrementAndGet();
                }
            }
        };
        TransferReport first = new SyncEngine(slow(settings(), null), ledger, FaultHarness.CLOCK, threads)
                .run(List.of(a), Pass.PRESTAGE);
        TransferReport again = FaultHarness.run(settings(), ledger, Pass.PRESTAGE, a);
        TransferReport finalPass = FaultHarness.run(settings(), ledger, Pass.FINAL, a);

        assertThat(first.isComplete()).as(first.summary()).isTrue();
        assertThat(first.copied()).isEqualTo(LARGE + 1);
        assertThat(inboxCopiesByThread).as("the INBOX's copies, by the thread that appended them").hasSize(2);
        assertThat(inboxCopiesByThread.values()).allSatisfy(n -> assertThat(n.get()).isGreaterThan(LARGE / 8));
        FolderReport inbox = first.mailboxes().get(0).folders().stream()
                .filter(f -> f.source().equals(FolderPath.inbox())).findFirst().orElseThrow();
        assertThat(inbox.copied()).as("both parts counted in the INBOX's report").isEqualTo(LARGE);
        assertThat(inbox.copiedBytes()).isEqualTo(inbox.foundBytes());
        assertThat(h.assertCopiedByteForByte(a, FolderPath.inbox())).isEqualTo(LARGE);
        assertThat(h.assertCopiedByteForByte(a, SMALL)).isEqualTo(1);
        h.assertVerified(temp.resolve("spool"), a);
        assertThat(again.copied()).as("the INBOX's mark covers both parts: " + again.summary()).isZero();
        assertThat(finalPass.isComplete()).as(finalPass.summary()).isTrue();
        assertThat(finalPass.copied()).isZero();
        assertThat(finalPass.mailboxes().get(0).alreadyPresent()).isEqualTo(LARGE + 1);
    }

    @Test
    void aPartThatFailsAfterItsMessagesWereStoredLeavesNothingCopiedTwice() {
        BmaAddress a = seeded();
        AtomicInteger failed = new AtomicInteger();
        TransferReport first = FaultHarness.run(slow(settings(), failed), ledger, Pass.PRESTAGE, a);
        TransferReport again = FaultHarness.run(settings(), ledger, Pass.PRESTAGE, a);

        assertThat(failed.get()).as("the part's connection failed once, its batch stored").isEqualTo(1);
        assertThat(first.isComplete()).as(first.summary()).isTrue();
        assertThat(first.retries()).as("the INBOX's attempt started again").isPositive();
        assertThat(first.copied() + first.alreadyPresent()).isEqualTo(LARGE + 1);
        assertThat(h.assertCopiedByteForByte(a, FolderPath.inbox())).isEqualTo(LARGE);
        h.assertVerified(temp.resolve("spool"), a);
        assertThat(again.copied()).as(again.summary()).isZero();
    }

    private BmaAddress seeded() {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < LARGE; i++) {
                s.append(FolderPath.inbox(), TestMessage.builder().subject("m" + i).messageId("m" + i + "@x")
                        .attachment(BODY, i).build(), flags(i % 3 == 0 ? "\\Seen" : "\\Answered"),
                        Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
            s.append(SMALL, TestMessage.builder().subject("petit").messageId("petit@x").build(), flags("\\Seen"),
                    Instant.parse("2024-10-02T08:00:00Z"));
        }
        return a;
    }

    private TransferSettings settings() {
        return h.settings(temp.resolve("spool")).connectionsPerMailbox(2).furtherConnectionsFrom(Duration.ZERO).build();
    }

    /**
     * {@code settings} with a target that answers each APPEND request 100 ms late; with
     * {@code failing} not null, the first INBOX request from a second thread is stored whole, then
     * fails as a dropped connection would (its answers lost), counted in {@code failing}.
     */
    private static TransferSettings slow(TransferSettings settings, AtomicInteger failing) {
        AtomicReference<String> firstInboxThread = new AtomicReference<>();
        return settings.withConnectors(settings.source(), m -> new SlowTarget(settings.target().open(m), firstInboxThread, failing));
    }

    private static final class SlowTarget extends ForwardingTarget {
        private final AtomicReference<String> firstInboxThread;
        private final AtomicInteger failing;

        SlowTarget(MailboxTarget delegate, AtomicReference<String> firstInboxThread, AtomicInteger failing) {
            super(delegate);
            this.firstInboxThread = firstInboxThread;
            this.failing = failing;
        }

        @Override
        public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
            late();
            return delegate.append(folder, message);
        }

        @Override
        public void appendAll(TargetFolder folder, List<? extends MessageToCopy> messages,
                              ObjIntConsumer<AppendOutcome> done) {
            late();
            String thread = Thread.currentThread().getName();
            boolean inbox = folder.equals(TargetFolder.of(SpecialUse.INBOX));
            if (inbox && !firstInboxThread.compareAndSet(null, thread) && !firstInboxThread.get().equals(thread)
                    && failing != null && failing.compareAndSet(0, 1)) {
                delegate.appendAll(folder, messages, (outcome, i) -> { });
                throw TransferException.retryable("connection reset after the batch was stored (test)", null);
            }
            delegate.appendAll(folder, messages, done);
        }

        private static void late() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
