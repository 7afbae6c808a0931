package be.cfwb.bma.lifecycle;

import be.cfwb.bma.Bma;
import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.ledger.MailboxLeases;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A day's run by one of several runners sharing a database ledger: the runner claims the day's
 * due mailboxes a batch at a time ({@link MailboxLeases}), runs every stage of the day for its batch
 * ({@link MigrationDay}), and goes on until every due mailbox was worked by some runner, taking
 * over those of a runner that died once its leases expire. The result is this runner's share.
 */
public final class SharedDay {

    /** Mailboxes a runner claims at once: small, so N runners share a day evenly. */
    public static final int BATCH = 5;

    private static final Logger LOG = LoggerFactory.getLogger(SharedDay.class);

    private SharedDay() {
    }

    /**
     * Runs {@code day} with {@code runDay} (a {@link MigrationDay} for a selection): on a database
     * ledger, this runner's share of the due mailboxes, its leases renewed meanwhile; on a directory
     * (one writer), all of them at once.
     */
    public static RunResult run(LedgerLocation ledger, Clock clock, Bma bma, LocalDate day, MailboxSelection selection,
                                Function<MailboxSelection, RunResult> runDay) {
        if (!(ledger instanceof LedgerLocation.Database db)) {
            return runDay.apply(selection);
        }
        Ledger leasing = db.open(clock);
        MailboxLeases leases = leasing.leases().orElseThrow();
        AutoCloseable beats = leases.keepAlive(lost -> LOG.warn("Leases lost to another runner (this runner did not"
                + " renew them in time): {}; the unique mails keep a mail from going twice", lost));
        try {
            return run(bma, leases, day, selection, BATCH, MailboxLeases.SLEEP, runDay);
        } finally {
            try {
                beats.close();
            } catch (Exception e) {
                LOG.debug("Stopping the heartbeat failed", e);
            }
            leasing.close();
        }
    }

    /**
     * Runs {@code day} for the selected mailboxes with {@code runBatch} (a {@link MigrationDay} for a
     * selection), sharing the due ones with the other runners through {@code leases}.
     */
    public static RunResult run(Bma bma, MailboxLeases leases, LocalDate day, MailboxSelection selection, int batch,
                                MailboxLeases.Waiter waiter, Function<MailboxSelection, RunResult> runBatch) {
        // Due today: mail 1 (the first step) is due by the day; the day's stages decide the rest.
        List<BmaAddress> due = bma.plan(MailboxSelection.all()).plan().mailboxes().stream()
                .filter(p -> selection.includes(p.address()) && !p.mailDate(1).isAfter(day))
                .map(PlannedMailbox::address).toList();
        if (due.isEmpty()) {
            return runBatch.apply(MailboxSelection.of(List.of()));
        }
        List<RunResult> results = new ArrayList<>();
        leases.workAll(day.toString(), due, batch, waiter, mailboxes -> results.add(runBatch.apply(MailboxSelection.of(mailboxes))));
        List<StageOutcome> stages = new ArrayList<>();
        List<MailboxStatus> mine = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Map<BmaAddress, RunResult.Waiting> waiting = new HashMap<>();
        for (RunResult r : results) {
            stages.addAll(r.stages());
            mine.addAll(r.due());
            r.refusedLogins().stream().filter(l -> !refused.contains(l)).forEach(refused::add);
            waiting.putAll(r.waiting());
        }
        // The dashboard of the whole selection, from the shared ledger, once this runner is done.
        Optional<Path> report = Optional.of(bma.report(selection));
        return new RunResult(day, stages, mine, report, refused, waiting, false);
    }
}
