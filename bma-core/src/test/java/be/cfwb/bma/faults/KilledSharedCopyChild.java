package be.cfwb.bma.faults;

import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.ForwardingTarget;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.SpecialUse;
import be.cfwb.bma.transfer.TargetFolder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pre-stage over two connections per mailbox in a JVM of its own, the target answering each
 * APPEND 20 ms late, so that the second connection, done with its small folder, takes a part of
 * the INBOX's copy. The APPEND numbered {@code stopAt} among the INBOX's on that second connection
 * stops dead halfway through its literal and announces {@code AT append}, while the first
 * connection copies on until the parent kills the JVM. Arguments: old and new server ports on
 * loopback, ledger dir, spool dir, mailbox, stopAt.
 */
public final class KilledSharedCopyChild {

    private KilledSharedCopyChild() {
    }

    public static void main(String[] args) {
        int stopAt = Integer.parseInt(args[5]);
        AtomicReference<String> firstInboxThread = new AtomicReference<>();
        AtomicInteger partAppends = new AtomicInteger();
        KilledAppendRun.copyUntilKilled(args, b -> b.connectionsPerMailbox(2).furtherConnectionsFrom(Duration.ZERO),
                target -> new StoppingTarget(target, firstInboxThread, partAppends, stopAt));
    }

    /** One connection's target, 20 ms late; the INBOX's APPENDs of a second thread counted. */
    private static final class StoppingTarget extends ForwardingTarget {
        private final AtomicReference<String> firstInboxThread;
        private final AtomicInteger partAppends;
        private final int stopAt;

        StoppingTarget(MailboxTarget delegate, AtomicReference<String> firstInboxThread, AtomicInteger partAppends,
                       int stopAt) {
            super(delegate);
            this.firstInboxThread = firstInboxThread;
            this.partAppends = partAppends;
            this.stopAt = stopAt;
        }

        @Override
        public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String thread = Thread.currentThread().getName();
            if (folder.equals(TargetFolder.of(SpecialUse.INBOX)) && !firstInboxThread.compareAndSet(null, thread)
                    && !firstInboxThread.get().equals(thread) && partAppends.incrementAndGet() == stopAt) {
                return delegate.append(folder, KilledMigrationChild.halfThenFreeze(message, "append"));
            }
            return delegate.append(folder, message);
        }
    }
}
