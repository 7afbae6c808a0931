package be.cfwb.bma;

import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.transfer.MailboxVerification;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.VerifyReport;
import be.cfwb.bma.transfer.Verifier;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The toolkit's entry point. Configure once, then call verbs, each with an explicit scope:
 *
 * <pre>{@code
 * Bma bma = Bma.configure()
 *         .inventory(Path.of("inventory.csv"))
 *         .ledgerDirectory(Path.of("/srv/bma/ledger"))
 *         .load();
 * StatusResult status = bma.status(MailboxSelection.parse("ec001394,po000478"));
 * }</pre>
 *
 * <p>A {@code Bma} is immutable and safe to share between threads. Each verb opens the
 * ledger for its own duration, so two verbs on one ledger never run at once, in this
 * process or another.
 */
public final class Bma {

    /** The loaded configuration, immutable. */
    record Settings(Inventory inventory, String inventoryDescription, Path ledgerDirectory, Path outputDirectory,
                    Clock clock, TransferSettings transfer) {
        Settings {
            Objects.requireNonNull(inventory);
            Objects.requireNonNull(ledgerDirectory);
            Objects.requireNonNull(outputDirectory);
            Objects.requireNonNull(clock);
        }
    }

    private final Settings settings;

    Bma(Settings settings) {
        this.settings = settings;
    }

    /** Starts a configuration with the defaults. */
    public static BmaConfiguration configure() {
        return new BmaConfiguration();
    }

    /** The inventory this instance works on. */
    public Inventory inventory() {
        return settings.inventory();
    }

    public Path ledgerDirectory() {
        return settings.ledgerDirectory();
    }

    public Path outputDirectory() {
        return settings.outputDirectory();
    }

    /**
     * Where each selected mailbox stands, as the ledger records it.
     *
     * @throws BmaException if the selection names an address outside the inventory, or the ledger
     *                      cannot be opened
     */
    public StatusResult status(MailboxSelection selection) {
        Inventory selected = settings.inventory().select(selection);
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            List<MailboxStatus> rows = new ArrayList<>(selected.size());
            for (Mailbox mailbox : selected.mailboxes()) {
                List<LedgerEvent> history = ledger.history(mailbox.address());
                rows.add(new MailboxStatus(mailbox, MailboxStep.of(history),
                        MailboxStep.lastStepEvent(history).map(LedgerEvent::at)));
            }
            return new StatusResult(rows, ledger.recovery());
        }
    }

    /**
     * Copies the selected mailboxes' server-side mail to the target ({@code bma:migrate}): each
     * message exactly once, the pass recorded in the ledger; writes {@code migrate-report.json}
     * and {@code .csv} in the output directory. A mailbox's failure is in the result.
     *
     * @throws BmaException if no transfer settings are configured, the selection names an
     *                      address outside the inventory, or the ledger cannot be opened
     */
    public MigrateResult migrate(MailboxSelection selection, Pass pass, boolean dryRun, TransferListener listener) {
        TransferSettings transfer = transferSettings();
        Inventory selected = settings.inventory().select(selection);
        List<BmaAddress> mailboxes = selected.mailboxes().stream().map(Mailbox::address).toList();
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            TransferReport report = new SyncEngine(transfer, ledger, settings.clock(), listener).run(mailboxes, pass, dryRun);
            Path file = settings.outputDirectory().resolve(dryRun ? "migrate-dry-run-report.json" : "migrate-report.json");
            report.write(file);
            return new MigrateResult(report, file);
        }
    }

    /** {@link #migrate(MailboxSelection, Pass, boolean, TransferListener)}, for real and without a listener. */
    public MigrateResult migrate(MailboxSelection selection, Pass pass) {
        return migrate(selection, pass, false, TransferListener.NONE);
    }

    /**
     * Checks that every source message of the selected mailboxes is on the target exactly once
     * with its flags, date and bytes ({@code bma:verify}); records {@code verify.passed} or
     * {@code verify.failed} per mailbox and writes {@code verify-report.json}.
     */
    public VerifyResult verify(MailboxSelection selection) {
        TransferSettings transfer = transferSettings();
        Inventory selected = settings.inventory().select(selection);
        List<BmaAddress> mailboxes = selected.mailboxes().stream().map(Mailbox::address).toList();
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            VerifyReport report = new Verifier(transfer, settings.clock()).verify(mailboxes);
            for (MailboxVerification m : report.mailboxes()) {
                ledger.append(LedgerEntry.of(m.isSuccess() ? EventTypes.VERIFY_PASSED : EventTypes.VERIFY_FAILED)
                        .mailbox(m.mailbox())
                        .with("source", m.source())
                        .with("present", m.present())
                        .with("missing", m.missing().size())
                        .with("duplicates", m.duplicated().size())
                        .with("mismatches", m.mismatched().size()));
            }
            Path file = settings.outputDirectory().resolve("verify-report.json");
            report.write(file);
            return new VerifyResult(report, file);
        }
    }

    private TransferSettings transferSettings() {
        if (settings.transfer() == null) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "No transfer configured: set "
                    + BmaProperties.SOURCE_URL + " and " + BmaProperties.TARGET_URL + " and their credentials");
        }
        return settings.transfer();
    }

    @Override
    public String toString() {
        return "Bma[inventory=" + settings.inventoryDescription() + ", ledger=" + settings.ledgerDirectory() + "]";
    }
}
