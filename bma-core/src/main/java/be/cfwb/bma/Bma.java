package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.PlanFiles;
import be.cfwb.bma.calendar.Planner;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
                    Clock clock, PlanningSettings planning) {
        Settings {
            Objects.requireNonNull(inventory);
            Objects.requireNonNull(ledgerDirectory);
            Objects.requireNonNull(outputDirectory);
            Objects.requireNonNull(clock);
            Objects.requireNonNull(planning);
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
     * Plans the whole inventory (capacity is shared, so part of it cannot be planned alone)
     * and writes {@code plan.csv}, {@code plan.json}, {@code plan.ics} and {@code plan.html}
     * to the output directory; the result lists the rows of {@code selection}. Dates
     * announced by mail 1 (the ledger) are kept; so are the days of the previous plan where
     * still possible (a copy kept beside the ledger, so {@code mvn clean} does not lose it),
     * and what moved is reported.
     *
     * @throws BmaException {@link BmaErrorCode#PLAN_INFEASIBLE} with the numbers, and no file
     *                      written, when the mailboxes do not fit; {@link BmaErrorCode#INVALID_ADDRESS}
     *                      if the selection names an address outside the inventory
     */
    public PlanResult plan(MailboxSelection selection) {
        settings.inventory().select(selection);
        Map<BmaAddress, LocalDate> previous = PlanFiles.previousDates(settings.ledgerDirectory(), settings.outputDirectory());
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            MigrationPlan plan = new Planner(settings.planning())
                    .plan(settings.inventory(), Planner.announcedDates(ledger), previous);
            List<Path> files = PlanFiles.write(plan, settings.outputDirectory());
            PlanFiles.keepPublished(files.get(1), ledger.directory());
            ledger.append(LedgerEntry.of(EventTypes.PLAN_PUBLISHED).with("mailboxes", plan.size())
                    .with("changes", plan.changes().size()).with("plan_csv_sha256", PlanFiles.sha256(files.get(0))));
            return new PlanResult(plan, plan.mailboxes().stream().filter(p -> selection.includes(p.address())).toList(),
                    files, ledger.recovery());
        }
    }

    @Override
    public String toString() {
        return "Bma[inventory=" + settings.inventoryDescription() + ", ledger=" + settings.ledgerDirectory() + "]";
    }
}
