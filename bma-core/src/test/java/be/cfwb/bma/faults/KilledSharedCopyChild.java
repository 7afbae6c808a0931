package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.ForwardingTarget;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SpecialUse;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.nio.file.Path;
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
        TransferSettings settings = FaultHarness.settings(endpoint(args[0]), endpoint(args[1]), Path.of(args[3]))
                .parallelism(1).connectionsPerMailbox(2).furtherConnectionsFrom(Duration.ZERO).build();
        BmaAddress mailbox = BmaAddress.parse(args[4]);
        int stopAt = Integer.parseInt(args[5]);
        AtomicReference<String> firstInboxThread = new AtomicReference<>();
        AtomicInteger partAppends = new AtomicInteger();
        TransferSettings dying = settings.withConnectors(settings.source(), m -> new StoppingTarget(settings.target().open(m),
                firstInboxThread, partAppends, stopAt));
        try (Ledger ledger = Ledger.open(Path.of(args[2]), FaultHarness.CLOCK)) {
            FaultHarness.run(dying, ledger, Pass.PRESTAGE, mailbox);
        }
        System.out.println("FINISHED without reaching append");
    }

    private static ImapEndpoint endpoint(String port) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + port, "loopback");
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
