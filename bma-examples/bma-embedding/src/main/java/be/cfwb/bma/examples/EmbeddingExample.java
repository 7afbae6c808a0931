package be.cfwb.bma.examples;

import be.cfwb.bma.Bma;
import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.StatusResult;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.MailboxSelection;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * How another FW-B system uses the toolkit: configure once, then ask it things. Run with a
 * ledger directory as argument; it prints where three mailboxes stand.
 */
public final class EmbeddingExample {

    private EmbeddingExample() {
    }

    public static void main(String[] args) {
        Path ledger = Path.of(args.length > 0 ? args[0] : "bma-ledger");
        run(ledger, "ec001394,ec095758,po000478", System.out);
    }

    static StatusResult run(Path ledger, String mailboxes, PrintStream out) {
        Bma bma = Bma.configure()
                .inventory(Inventory.bundledOpenData())
                .ledgerDirectory(ledger)
                .load();
        StatusResult status = bma.status(MailboxSelection.parse(mailboxes));
        for (MailboxStatus row : status.mailboxes()) {
            out.printf("%s  %-12s  %s%n", row.mailbox().address(), row.step().label(), row.mailbox().name());
        }
        return status;
    }
}
