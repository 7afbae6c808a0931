package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * What the child JVMs killed during an APPEND share: their arguments (old and new server ports
 * on loopback, ledger dir, spool dir, mailbox, then their own), one pre-stage of the mailbox with
 * every target session wrapped by the child (the wrapper freezes the APPEND the parent waits
 * for), and the line a run that never reached it prints.
 */
final class KilledAppendRun {

    private KilledAppendRun() {
    }

    /**
     * Runs the pre-stage; returns only if the parent did not kill this JVM first.
     *
     * @param settings the child's settings on top of the harness's, one mailbox at a time
     * @param dying    each target session as the child wants it
     */
    static void copyUntilKilled(String[] args, UnaryOperator<TransferSettings.Builder> settings,
                                UnaryOperator<MailboxTarget> dying) {
        TransferSettings tuned = settings.apply(FaultHarness.settings(loopback(args[0]), loopback(args[1]),
                Path.of(args[3])).parallelism(1)).build();
        TransferSettings wrapped = tuned.withConnectors(tuned.source(), m -> dying.apply(tuned.target().open(m)));
        try (Ledger ledger = Ledger.open(Path.of(args[2]), FaultHarness.CLOCK)) {
            FaultHarness.run(wrapped, ledger, Pass.PRESTAGE, BmaAddress.parse(args[4]));
        }
        System.out.println("FINISHED without reaching append");
    }

    private static ImapEndpoint loopback(String port) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + port, "loopback");
    }
}
