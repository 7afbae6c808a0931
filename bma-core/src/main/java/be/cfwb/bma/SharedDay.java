package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.ledger.MailboxLeases;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.lifecycle.StageOutcome;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One runner's part of a day that several runners share through a database ledger: the plan
 * once, then the day's due mailboxes claimed a batch at a time through the session's
 * {@link MailboxLeases} and each batch taken through every stage of the day ({@link MigrationDay}),
 * until every due mailbox was worked by some runner, those of a runner that died taken over once
 * its leases expire; then the dashboard of the whole selection, from the shared ledger. The
 * result's stages and mailboxes are this runner's share. Everything goes through the one
 * {@link RunSession}: the ledger is opened once for the day, and the leases live on it.
 */
final class SharedDay {

    /** Mailboxes a runner claims at once: few, so that N runners share a day evenly. */
    static final int BATCH = 5;

    private static final Logger LOG = LoggerFactory.getLogger(SharedDay.class);

    private final RunSession session;
    private final MailboxLeases leases;
    private final MigrationDay stages;
    private final MailboxLeases.Waiter waiter;

    SharedDay(RunSession session, MailboxLeases leases, MigrationDay stages, MailboxLeases.Waiter waiter) {
        this.session = session;
        this.leases = leases;
        this.stages = stages;
        this.waiter = waiter;
    }

    RunResult run(LocalDate day, MailboxSelection selection) {
        List<StageOutcome> outcomes = new ArrayList<>();
        PlanResult plan = stages.plan(outcomes);
        // A mailbox is leased whatever the day has to do for it, so no two runners work it.
        List<BmaAddress> due = plan.plan().mailboxes().stream()
                .filter(p -> selection.includes(p.address()) && p.hasWorkOn(day))
                .map(PlannedMailbox::address).toList();
        List<MailboxStatus> mine = new ArrayList<>();
        Map<BmaAddress, RunResult.Waiting> waiting = new TreeMap<>();
        if (!due.isEmpty()) {
            String scope = scope(day, due);
            MailboxLeases.Heartbeat beats = leases.keepAlive(lost -> LOG.warn("Leases lost to another runner"
                    + " (not renewed in time): {}; the ledger's unique mails keep a mail from going twice", lost));
            try {
                leases.workAll(scope, due, BATCH, waiter, batch -> {
                    RunResult part = stages.work(day, plan, MailboxSelection.of(batch));
                    outcomes.addAll(part.stages());
                    mine.addAll(part.due());
                    waiting.putAll(part.waiting());
                });
            } finally {
                beats.close();
            }
        }
        Path report = stages.report(day, selection, outcomes);
        return new RunResult(day, outcomes, mine, Optional.of(report), session.refusedLogins(), waiting, false);
    }

    /**
     * The leases' scope of this run: the day's first round is the day itself, which runners started
     * together share; once every due mailbox was finished in it, a later run of the same day starts
     * the next round, so a rerun continues where things stand, as it does with one runner.
     */
    private String scope(LocalDate day, List<BmaAddress> due) {
        for (int round = 1; ; round++) {
            String scope = round == 1 ? day.toString() : day + "#" + round;
            if (leases.unfinished(scope, due) > 0) {
                return scope;
            }
        }
    }
}
