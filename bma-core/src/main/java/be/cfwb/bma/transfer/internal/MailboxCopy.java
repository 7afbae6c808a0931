package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.LoginTurnedAwayException;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceFolder;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.SyncedFlags;
import be.cfwb.bma.transfer.TargetFolder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One pass over one mailbox: the engine's worker. Not thread-safe; one per mailbox and run.
 * Its parts: {@link Reconnecting} (retry and reconnect), {@link MailboxHistory} (what earlier
 * passes recorded), {@link FolderWorkers} (folders over several connections at once),
 * {@link FolderSync} (one folder's comparison) and {@link CopyPipeline} (reading and appending
 * the missing messages). What the workers of a mailbox share is thread-safe: the history, the
 * synced flags, the stale copies' knowledge and the listener (called one at a time).
 */
public final class MailboxCopy {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxCopy.class);

    private final TransferSettings settings;
    private final Ledger ledger;
    private final Clock clock;
    private final TransferListener listener;
    private final BmaAddress mailbox;
    private final Pass pass;
    private final boolean dryRun;
    private final Reconnecting connections;
    private final MailboxHistory history;
    private final SyncedFlags synced;
    private final StaleCopies stale;
    private final FolderWorkers workers;
    private final SharedCopies shared = new SharedCopies();
    /** The target's reserved name character, once asked (recorded for the next pass's shortcut). */
    private Optional<Character> reserved;
    /** The old server's personal namespace as this pass knows it; null until known. */
    private Optional<FolderPath> namespace;

    public MailboxCopy(TransferSettings settings, Ledger ledger, Clock clock, TransferListener listener,
                       BmaAddress mailbox, Pass pass, boolean dryRun) {
        this.settings = settings;
        this.ledger = ledger;
        this.clock = clock;
        this.listener = new SerializedListener(listener);
        this.mailbox = mailbox;
        this.pass = pass;
        this.dryRun = dryRun;
        this.connections = new Reconnecting(settings, this.listener, mailbox);
        this.history = new MailboxHistory(ledger, mailbox);
        this.synced = SyncedFlags.load(ledger, mailbox);
        this.stale = new StaleCopies(connections, mailbox, pass);
        this.workers = new FolderWorkers(settings.connectionsPerMailbox(), settings.furtherConnectionsFrom(), connections,
                () -> new Reconnecting(settings, this.listener, mailbox, connections), mailbox, shared);
    }

    /** One worker's copies: its own connections, the mailbox's shared records. */
    private FolderWorkers.FolderCopy folderCopy(Reconnecting worker) {
        CopyPipeline pipeline = new CopyPipeline(worker, new MessageReader(settings, worker, mailbox),
                new MessageWriter(settings, worker, listener, mailbox, ledger, dryRun), mailbox, shared);
        StaleCopies view = worker == connections ? stale : stale.forWorker(worker);
        FolderSync sync = new FolderSync(ledger, listener, mailbox, pass, dryRun, worker, history, pipeline, view, synced);
        return new FolderWorkers.FolderCopy() {
            @Override
            public void sync(FolderMapping mapping, FolderWorkers.NextFolder next, Consumer<FolderReport> report) {
                syncFolder(worker, sync, mapping, next, report);
            }

            @Override
            public void help(SharedCopies.Part part) {
                pipeline.copyPart(part);
            }
        };
    }

    public MailboxReport run() {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        listener.mailboxStarted(mailbox, pass);
        List<FolderReport> folders = new ArrayList<>();
        Optional<String> error = Optional.empty();
        try {
            Optional<Optional<Character>> knownReserved = pass == Pass.PRESTAGE && !dryRun
                    ? history.recordedReserved() : Optional.empty();
            List<SourceFolder> sourceFolders = knownReserved.isPresent() ? sourceFirst() : bothAtOnce();
            if (knownReserved.isPresent() && connections.retrying(() -> nothingNew(sourceFolders))) {
                // A pre-stage rerun with nothing new anywhere: the target is not even logged in to,
                // and the namespace (which only names the folders in the report) is the one recorded.
                // Both go into this pass's record, which replaces the earlier one: the next rerun needs them.
                reserved = knownReserved.get();
                namespace = history.recordedNamespace()
                        .orElseGet(() -> connections.retrying(() -> connections.source().personalNamespace()));
                for (FolderMapping mapping : settings.folderMapper().map(sourceFolders, reserved, namespace)) {
                    FolderTally tally = new FolderTally();
                    if (mapping.source().holdsMessages()) {
                        tally.uidValidity = history.highWater(mapping.source().path()).orElseThrow().uidValidity();
                    }
                    folders.add(tally.report(mapping));
                }
            } else {
                connections.retryingRun(connections::connect);
                reserved = connections.retrying(() -> connections.target().reservedNameCharacter());
                namespace = connections.retrying(() -> connections.source().personalNamespace());
                List<FolderMapping> mappings = settings.folderMapper().map(sourceFolders, reserved, namespace);
                if (pass == Pass.FINAL) {
                    stale.searchAlso(targetFolders(sourceFolders, mappings));
                }
                workers.run(mappings, this::size, this::light, () -> makeTargetFolders(mappings), this::folderCopy, folders);
            }
        } catch (TransferException e) {
            error = Optional.of(e.getMessage());
            if (e instanceof LoginRefusedException r && !r.wasAttempted()) {
                LOG.debug("{}: {}", mailbox, e.getMessage()); // the refusal that stopped the run was logged once
            } else {
                LOG.warn("{}: {}", mailbox, e.getMessage());
            }
        } catch (RuntimeException e) {
            error = Optional.of("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.error("{}: transfer stopped by an unexpected failure", mailbox, e);
        } finally {
            connections.disconnect();
        }
        MailboxReport report = new MailboxReport(mailbox, pass, started, Duration.ofNanos(System.nanoTime() - t0),
                connections.stats().plus(workers.moreStats()), folders, error);
        if (dryRun) {
            listener.mailboxFinished(report);
            return report;
        }
        Event.PassDone done = new Event.PassDone(pass.label(), report.isComplete(), OptionalLong.of(report.found()),
                report.copied(), report.copiedBytes(), report.alreadyPresent(), report.skipped().size(),
                report.failed().size(), report.retries(), report.throttled(), report.waited().toMillis(),
                reserved == null ? Optional.empty() : Optional.of(reserved.map(String::valueOf).orElse("")),
                namespace == null ? Optional.empty() : Optional.of(namespace.map(FolderPath::encoded).orElse("")));
        // A rerun that found nothing to do adds no event: the ledger grows with the work, not the reruns.
        boolean repeat = history.passes().stream().filter(p -> p.pass().equals(done.pass())).reduce((x, y) -> y)
                .filter(done::repeats).isPresent();
        if (!repeat) {
            ledger.append(LedgerEntry.of(done).mailbox(mailbox));
        }
        listener.mailboxFinished(report);
        return report;
    }

    /** The target folders this pass copies into, made in one go on the mailbox's own connection. */
    private void makeTargetFolders(List<FolderMapping> mappings) {
        if (dryRun) {
            return;
        }
        List<TargetFolder> made = mappings.stream()
                .filter(m -> FolderSync.ensuresTargetFolder(pass, FolderSync.highWater(history, m)))
                .map(FolderMapping::target).toList();
        connections.retryingRun(() -> connections.target().prepareFolders(made));
    }

    /** The source's folders, the target not logged in to: a pre-stage rerun may not need it. */
    private List<SourceFolder> sourceFirst() {
        connections.retryingRun(connections::connectSource);
        return connections.retrying(() -> connections.source().folders());
    }

    /**
     * The source's folders, the target logged in to and its folders listed at the same time:
     * a pass that needs the target pays its login and listing beside the source's.
     */
    private List<SourceFolder> bothAtOnce() {
        AtomicReference<List<SourceFolder>> listed = new AtomicReference<>();
        connections.retryingRun(() -> {
            connections.connect();
            connections.atOnce(() -> listed.set(connections.source().foldersAndNamespace()),
                    () -> connections.target().reservedNameCharacter());
        });
        return listed.get();
    }

    /**
     * Where copies of this mailbox may be on the target: the target folders of the current folders,
     * and of the folders an earlier pass copied that the old server no longer has (renamed or deleted).
     */
    private List<TargetFolder> targetFolders(List<SourceFolder> sourceFolders, List<FolderMapping> mappings) {
        Set<FolderPath> current = new HashSet<>();
        sourceFolders.forEach(f -> current.add(f.path()));
        List<SourceFolder> gone = history.recordedFolders().stream().filter(p -> !current.contains(p))
                .map(SourceFolder::of).toList();
        Set<TargetFolder> targets = new LinkedHashSet<>();
        for (FolderMapping m : mappings) {
            if (m.source().holdsMessages()) {
                targets.add(m.target());
            }
        }
        if (!gone.isEmpty()) {
            settings.folderMapper().map(gone, reserved, namespace).forEach(m -> targets.add(m.target()));
        }
        return List.copyOf(targets);
    }

    /** True if every folder holding messages was done before and has nothing new (one STATUS each). */
    private boolean nothingNew(List<SourceFolder> folders) {
        for (SourceFolder f : folders) {
            if (!f.holdsMessages()) {
                continue;
            }
            Optional<MailboxHistory.HighWater> hw = history.highWater(f.path());
            if (hw.isEmpty() || !connections.source().nothingAbove(f.path(), hw.get().uidValidity(), hw.get().highestUid())) {
                return false;
            }
        }
        return true;
    }

    /**
     * True for a folder that takes no connection of its own: one holding no messages, or, on a
     * pre-stage, one whose status from the listing says it is empty (done for the first time) or
     * that nothing is new (done before); no round trip: the statuses came with the folder list.
     */
    private boolean light(FolderMapping mapping) {
        if (!mapping.source().holdsMessages()) {
            return true;
        }
        Optional<MailboxHistory.HighWater> hw = history.highWater(mapping.source().path());
        if (pass == Pass.PRESTAGE && hw.isEmpty()) {
            return connections.retrying(() -> connections.source().knownEmpty(mapping.source().path()).isPresent());
        }
        return pass == Pass.PRESTAGE && connections.retrying(() -> connections.source()
                .nothingAbove(mapping.source().path(), hw.get().uidValidity(), hw.get().highestUid()));
    }

    /**
     * How much a folder holds, as far as known before it is listed: the highest UID an earlier pass
     * did, else its message count by the pass's folder listing (a first pass), else unknown, which
     * may be the largest; one holding no messages is the smallest.
     */
    private long size(FolderMapping mapping) {
        if (!mapping.source().holdsMessages()) {
            return -1;
        }
        FolderPath path = mapping.source().path();
        Optional<MailboxHistory.HighWater> hw = history.highWater(path);
        if (hw.isPresent()) {
            return hw.get().highestUid();
        }
        return connections.retrying(() -> connections.source().knownMessageCount(path)).orElse(Long.MAX_VALUE);
    }

    /** Copies one folder over {@code worker} and hands over its report, also when a refused login stops the mailbox. */
    private void syncFolder(Reconnecting worker, FolderSync sync, FolderMapping mapping, FolderWorkers.NextFolder next,
                            Consumer<FolderReport> report) {
        FolderTally tally = new FolderTally();
        try {
            worker.retryingRun(() -> {
                if (!worker.isConnected()) {
                    worker.connect();
                }
                sync.syncOnce(mapping, next, tally);
            });
        } catch (LoginTurnedAwayException e) {
            if (worker != connections) {
                throw e; // a further connection the server no longer admits: the folder goes back to the others
            }
            tally.error = e.getMessage();
            LOG.warn("{}: folder {} failed: {}", mailbox, mapping.source().path(), e.getMessage());
        } catch (LoginRefusedException e) {
            // Every other folder would meet the same refusal: the mailbox stops here, with the reason.
            tally.error = e.getMessage();
            report.accept(tally.report(mapping));
            throw e;
        } catch (TransferException e) {
            tally.error = e.getMessage();
            LOG.warn("{}: folder {} failed: {}", mailbox, mapping.source().path(), e.getMessage());
        }
        report.accept(tally.report(mapping));
    }
}
