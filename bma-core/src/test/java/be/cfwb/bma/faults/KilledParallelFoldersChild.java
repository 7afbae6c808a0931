package be.cfwb.bma.faults;

import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.ForwardingTarget;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.TargetFolder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pre-stage over four connections per mailbox in a JVM of its own: the APPEND numbered
 * {@code stopAt} across all connections stops dead halfway through its literal and announces
 * {@code AT append}, while the other connections go on copying their folders until the parent
 * kills the JVM. Arguments: old and new server ports on loopback, ledger dir, spool dir, mailbox,
 * stopAt.
 */
public final class KilledParallelFoldersChild {

    private KilledParallelFoldersChild() {
    }

    public static void main(String[] args) {
        int stopAt = Integer.parseInt(args[5]);
        AtomicInteger appends = new AtomicInteger();
        KilledAppendRun.copyUntilKilled(args,
                b -> b.connectionsPerMailbox(4).furtherConnectionsFrom(Duration.ZERO).memoryThreshold(1024),
                target -> new StoppingTarget(target, appends, stopAt));
    }

    /** One connection's target; the APPENDs of all of them counted together. */
    private static final class StoppingTarget extends ForwardingTarget {
        private final AtomicInteger appends;
        private final int stopAt;

        StoppingTarget(MailboxTarget delegate, AtomicInteger appends, int stopAt) {
            super(delegate);
            this.appends = appends;
            this.stopAt = stopAt;
        }

        @Override
        public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
            if (appends.incrementAndGet() == stopAt) {
                return delegate.append(folder, KilledMigrationChild.halfThenFreeze(message, "append"));
            }
            return delegate.append(folder, message);
        }
    }
}
