package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.FolderListing;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.MessageWaivers;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.RetryStats;
import be.cfwb.bma.transfer.SourceFolder;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TargetMessage;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** One pass over one mailbox: the engine's worker. Not thread-safe; one per mailbox and run. */
public final class MailboxCopy {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxCopy.class);
    /** Retryable failures one message may cause before it is given up and reported. */
    private static final int MESSAGE_ATTEMPTS = 3;
    /**
     * Listed bytes the reader may have read ahead of the APPENDs, at most (one message over it
     * still passes alone): bounds memory and disk per mailbox and sets the APPEND batches.
     */
    private static final long READ_AHEAD_BYTES = 4L * 1024 * 1024;
    /** Messages one APPEND request (MULTIAPPEND where the target has it) carries at most. */
    private static final int APPEND_COUNT = 100;
    /** Messages listed at most this large are read several at a time (one request for the set). */
    private static final long BATCH_MESSAGE = 256 * 1024;
    /** Listed bytes one such request may bring into memory at most. */
    private static final long BATCH_BUDGET = 2 * 1024 * 1024;
    private static final int BATCH_COUNT = 250;

    private final TransferSettings settings;
    private final Ledger ledger;
    private final Clock clock;
    private final TransferListener listener;
    private final BmaAddress mailbox;
    private final Pass pass;
    private final boolean dryRun;
    private MailboxSource source;
    private MailboxTarget target;
    /** The target's reserved name character, once asked (recorded for the next pass's shortcut). */
    private Optional<Character> reserved;
    /** The old server's personal namespace as this pass knows it; null until known. */
    private Optional<FolderPath> namespace;
    private int retries;
    /** Batched reads that failed and were redone message by message, on the reader thread. */
    private final java.util.concurrent.atomic.AtomicInteger readRetries = new java.util.concurrent.atomic.AtomicInteger();
    /** Throttling answers met, waits before retrying, and what the adapters waited out themselves. */
    private final java.util.concurrent.atomic.AtomicReference<RetryStats> waits =
            new java.util.concurrent.atomic.AtomicReference<>(RetryStats.NONE);
    private long progress;

    public MailboxCopy(TransferSettings settings, Ledger ledger, Clock clock, TransferListener listener,
                       BmaAddress mailbox, Pass pass, boolean dryRun) {
        this.settings = settings;
        this.ledger = ledger;
        this.clock = clock;
        this.listener = listener;
        this.mailbox = mailbox;
        this.pass = pass;
        this.dryRun = dryRun;
    }

    public MailboxReport run() {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        listener.mailboxStarted(mailbox, pass);
        List<FolderReport> folders = new ArrayList<>();
        Optional<String> error = Optional.empty();
        try {
            retrying(() -> {
                connectSource();
                return null;
            });
            List<SourceFolder> sourceFolders = retrying(() -> source.folders());
            Optional<Optional<Character>> knownReserved = pass == Pass.PRESTAGE && !dryRun
                    ? recordedReserved() : Optional.empty();
            if (knownReserved.isPresent() && retrying(() -> nothingNew(sourceFolders))) {
                // A pre-stage rerun with nothing new anywhere: the target is not even logged in to,
                // and the namespace (which only names the folders in the report) is the one recorded.
                namespace = recordedNamespace().orElseGet(() -> retrying(() -> source.personalNamespace()));
                for (FolderMapping mapping : settings.folderMapper().map(sourceFolders, knownReserved.get(), namespace)) {
                    FolderTally tally = new FolderTally();
                    if (mapping.source().holdsMessages()) {
                        tally.uidValidity = highWater(mapping.source().path()).orElseThrow().uidValidity();
                    }
                    folders.add(tally.report(mapping));
                }
            } else {
                retrying(() -> {
                    connect();
                    return null;
                });
                reserved = retrying(() -> target.reservedNameCharacter());
                namespace = retrying(() -> source.personalNamespace());
                List<FolderMapping> mappings = settings.folderMapper().map(sourceFolders, reserved, namespace);
                for (FolderMapping mapping : mappings) {
                    syncFolder(mapping, folders);
                }
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
            disconnect();
        }
        MailboxReport report = new MailboxReport(mailbox, pass, started, Duration.ofNanos(System.nanoTime() - t0),
                RetryStats.retries(retries + readRetries.get()).plus(waits.get()), folders, error);
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
        boolean repeat = passes().stream().filter(p -> p.pass().equals(done.pass())).reduce((x, y) -> y)
                .filter(done::repeats).isPresent();
        if (!repeat) {
            ledger.append(LedgerEntry.of(done).mailbox(mailbox));
        }
        listener.mailboxFinished(report);
        return report;
    }

    /** The passes of this mailbox the ledger recorded, oldest first (the last of each pass and outcome). */
    private List<Event.PassDone> passes() {
        return ledger.lastOfEachKind(mailbox).stream().map(LedgerEvent::event)
                .filter(Event.PassDone.class::isInstance).map(Event.PassDone.class::cast).toList();
    }

    /** The target's reserved name character as the last pass of this mailbox recorded it, if one did. */
    private Optional<Optional<Character>> recordedReserved() {
        Optional<Optional<Character>> found = Optional.empty();
        for (Event.PassDone e : passes()) {
            Optional<String> r = e.targetReserved();
            if (r.isPresent()) {
                found = Optional.of(r.get().isEmpty() ? Optional.empty() : Optional.of(r.get().charAt(0)));
            }
        }
        return found;
    }

    /** The old server's personal namespace as the last pass of this mailbox recorded it, if one did. */
    private Optional<Optional<FolderPath>> recordedNamespace() {
        Optional<Optional<FolderPath>> found = Optional.empty();
        for (Event.PassDone e : passes()) {
            Optional<String> n = e.sourceNamespace();
            if (n.isPresent()) {
                found = Optional.of(n.get().isEmpty() ? Optional.empty() : Optional.of(FolderPath.decode(n.get())));
            }
        }
        return found;
    }

    /** True if every folder holding messages was done before and has nothing new (one STATUS each). */
    private boolean nothingNew(List<SourceFolder> folders) {
        for (SourceFolder f : folders) {
            if (!f.holdsMessages()) {
                continue;
            }
            Optional<HighWater> hw = highWater(f.path());
            if (hw.isEmpty() || !source.nothingAbove(f.path(), hw.get().uidValidity(), hw.get().highestUid())) {
                return false;
            }
        }
        return true;
    }

    private void connectSource() {
        if (source == null) {
            source = settings.source().open(mailbox);
        }
    }

    private void connect() {
        if (source == null) {
            source = settings.source().open(mailbox);
        }
        if (target == null) {
            target = settings.target().open(mailbox);
        }
    }

    private void disconnect() {
        if (source != null) {
            adapterWaits(source::retryStats);
            closeQuietly(source);
            source = null;
        }
        if (target != null) {
            adapterWaits(target::retryStats);
            closeQuietly(target);
            target = null;
        }
    }

    /** Adds what a source or target waited out itself, before it is closed; a broken adapter costs no report. */
    private void adapterWaits(Supplier<RetryStats> stats) {
        try {
            RetryStats s = stats.get();
            waits.accumulateAndGet(s, RetryStats::plus);
        } catch (RuntimeException e) {
            LOG.debug("{}: the adapter's retry statistics are unavailable", mailbox, e);
        }
    }

    /** Waits before trying again and counts the wait; false if interrupted. */
    private boolean backOff(Duration wait, boolean throttled) {
        long t0 = System.nanoTime();
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waits.accumulateAndGet(new RetryStats(0, throttled ? 1 : 0, Duration.ofNanos(System.nanoTime() - t0)),
                    RetryStats::plus);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("Closing {} failed", c, e);
        }
    }

    /**
     * Runs {@code op}, and after a retryable failure waits, reconnects and runs it again: up to
     * {@code maxRetries} times in a row without progress (a copied or given-up message resets the count).
     */
    private <T> T retrying(Supplier<T> op) {
        int attempts = 0;
        long progressAtFailure = progress;
        while (true) {
            try {
                return op.get();
            } catch (TransferException e) {
                if (!e.isRetryable()) {
                    throw e;
                }
                if (progress > progressAtFailure) {
                    attempts = 0;
                }
                progressAtFailure = progress;
                if (attempts >= settings.maxRetries()) {
                    if (e.isThrottled()) {
                        waits.accumulateAndGet(new RetryStats(0, 1, Duration.ZERO), RetryStats::plus);
                    }
                    throw TransferException.permanent(e.getMessage() + " (gave up after " + attempts + " retries)", e);
                }
                attempts++;
                retries++;
                Duration wait = boundedBackoff(e, attempts);
                listener.retrying(mailbox, e.getMessage(), attempts, wait);
                LOG.info("{}: {}; retry {} in {} ms", mailbox, e.getMessage(), attempts, wait.toMillis());
                disconnect();
                if (!backOff(wait, e.isThrottled())) {
                    throw TransferException.permanent("Interrupted while waiting to retry", e);
                }
                try {
                    connect();
                } catch (TransferException ce) {
                    if (!ce.isRetryable()) {
                        throw ce;
                    }
                    // the next attempt fails fast and is counted
                }
            }
        }
    }

    /** The server's suggested wait if it gave one, else ours doubled with each attempt; at most maxBackoff. */
    private Duration boundedBackoff(TransferException e, int attempt) {
        long factor = 1L << Math.min(attempt - 1, 10);
        Duration wait = e.backoff().orElseGet(() -> settings.retryBackoff().multipliedBy(factor));
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    /** Copies one folder and adds its report to {@code folders}, also when a refused login stops the mailbox. */
    private void syncFolder(FolderMapping mapping, List<FolderReport> folders) {
        FolderTally tally = new FolderTally();
        try {
            retrying(() -> {
                if (source == null || target == null) {
                    connect();
                }
                syncFolderOnce(mapping, tally);
                return null;
            });
        } catch (LoginRefusedException e) {
            // Every other folder would meet the same refusal: the mailbox stops here, with the reason.
            tally.error = e.getMessage();
            folders.add(tally.report(mapping));
            throw e;
        } catch (TransferException e) {
            tally.error = e.getMessage();
            LOG.warn("{}: folder {} failed: {}", mailbox, mapping.source().path(), e.getMessage());
        }
        folders.add(tally.report(mapping));
    }

    private record HighWater(long uidValidity, long highestUid) {
    }

    private Map<String, HighWater> highWaters;

    /** The last recorded UIDVALIDITY and highest UID done of a folder; the ledger is scanned once per mailbox. */
    private Optional<HighWater> highWater(FolderPath folder) {
        if (highWaters == null) {
            highWaters = new HashMap<>();
            // The ledger keeps the last synced event of each folder in memory: no scan.
            for (LedgerEvent e : ledger.lastOfEachKind(mailbox)) {
                if (e.event() instanceof Event.FolderSynced synced) {
                    highWaters.put(synced.folder(), new HighWater(synced.uidValidity(), synced.highestUid()));
                }
            }
        }
        return Optional.ofNullable(highWaters.get(folder.encoded()));
    }

    private void syncFolderOnce(FolderMapping mapping, FolderTally tally) {
        FolderPath path = mapping.source().path();
        Optional<HighWater> hw = mapping.source().holdsMessages() ? highWater(path) : Optional.empty();
        if (!dryRun && (hw.isEmpty() || pass == Pass.FINAL)) {
            target.ensureFolder(mapping.target());
        }
        if (!mapping.source().holdsMessages()) {
            return;
        }
        long after = pass == Pass.PRESTAGE && hw.isPresent() ? hw.get().highestUid() : 0;
        if (after > 0 && source.nothingAbove(path, hw.get().uidValidity(), after)) {
            // A pre-stage rerun with nothing new: one STATUS instead of EXAMINE and FETCH, and the
            // target is not read (the final pass compares everything).
            tally.uidValidity = hw.get().uidValidity();
            return;
        }
        FolderListing listing = source.list(path, after, false);
        if (hw.isPresent() && hw.get().uidValidity() != listing.uidValidity()) {
            tally.notes.add("UIDVALIDITY changed from " + hw.get().uidValidity() + " to " + listing.uidValidity()
                    + ": earlier copies recognised by content");
            if (after > 0) {
                after = 0;
                listing = source.list(path, 0, false);
            }
        }
        long uv = listing.uidValidity();
        tally.uidValidity = uv;
        tally.found = listing.messages().size();
        tally.foundBytes = listing.messages().stream().mapToLong(SourceMessage::size).sum();
        if (after > 0 && listing.messages().isEmpty()) {
            // A pre-stage rerun with nothing above the last UID done: nothing to copy, so the
            // target need not be read (the final pass compares everything).
            return;
        }
        if (!dryRun && hw.isPresent() && pass == Pass.PRESTAGE) {
            target.ensureFolder(mapping.target());
        }

        Map<SourceKey, TargetMessage> byKey = new HashMap<>();
        List<TargetMessage> stale = new ArrayList<>();
        int duplicates = 0;
        for (TargetMessage t : target.messages(mapping.target())) {
            SourceKey k = t.key();
            if (!k.sameFolder(mailbox, path)) {
                continue;
            }
            if (k.uidValidity() != uv) {
                stale.add(t);
            } else if (byKey.putIfAbsent(k, t) != null) {
                duplicates++;
            }
        }
        if (duplicates > 0) {
            tally.notes.add(duplicates + " message(s) are on the target more than once (not by this run); see bma:verify");
        }
        ContentMatcher matcher = new ContentMatcher(stale);
        if (!matcher.isEmpty()) {
            // Copies made under an earlier UIDVALIDITY are recognised by Message-ID: read them now.
            FolderListing withIds = source.list(path, after, true);
            if (withIds.uidValidity() != uv) {
                throw TransferException.retryable("UIDVALIDITY of " + path + " changed again during the pass", null);
            }
            listing = withIds;
            tally.found = listing.messages().size();
            tally.foundBytes = listing.messages().stream().mapToLong(SourceMessage::size).sum();
        }

        List<SourceMessage> toCopy = new ArrayList<>();
        Set<Long> waived = MessageWaivers.waived(ledger, mailbox, path, uv);
        int present = 0;
        for (SourceMessage m : listing.messages()) {
            SourceKey key = new SourceKey(mailbox, path, uv, m.uid());
            TargetMessage t = byKey.get(key);
            if (t == null && !matcher.isEmpty()) {
                t = matcher.take(m);
            }
            if (t != null) {
                if (!tally.copiedUids.contains(m.uid())) {
                    present++;
                }
                if (!dryRun && !t.flags().equals(m.flags()) && tally.flagsUpdated.add(m.uid())) {
                    target.updateFlags(mapping.target(), t, m.flags());
                }
            } else if (waived.contains(m.uid())) {
                tally.waived.add(m.uid()); // ops gave it up (bma:waive): never copied, never a problem again
            } else if (!tally.problems.containsKey(m.uid())) {
                toCopy.add(m);
            }
        }
        tally.alreadyPresent = present;
        listener.folderStarted(mailbox, mapping, listing.messages().size(), toCopy.size());
        if (dryRun) {
            // What would be copied, by the sizes the source reports; nothing is written anywhere.
            tally.copied = toCopy.size();
            tally.copiedBytes = toCopy.stream().mapToLong(SourceMessage::size).sum();
            return;
        }
        copyAll(mapping, path, uv, toCopy, tally);
        long highest = after;
        for (SourceMessage m : listing.messages()) {
            // A message refused for good (over quota, too large) stays below the mark too: once
            // the quota is raised, the next pre-stage tries it again instead of calling the
            // mailbox complete without it.
            if (tally.problems.containsKey(m.uid())) {
                break;
            }
            highest = m.uid();
        }
        if (hw.isPresent() && hw.get().uidValidity() == uv && hw.get().highestUid() == highest) {
            return; // nothing new to remember; spares an fsync per folder on no-op reruns
        }
        ledger.append(LedgerEntry.of(new Event.FolderSynced(path.encoded(), uv, highest, pass.label())).mailbox(mailbox));
    }

    /** A message read from the source by the reader thread, or why it could not be. */
    private record Fetched(SourceMessage message, SpooledMessage spooled, TransferException failure,
                           RuntimeException crash, boolean announcedTooLarge) {

        Fetched(SourceMessage message, SpooledMessage spooled, TransferException failure, RuntimeException crash) {
            this(message, spooled, failure, crash, false);
        }
    }

    /**
     * True if the size the source announces (RFC822.SIZE) is so far over the target's limit that
     * the message is not worth downloading. Announced sizes are approximate on some servers
     * (line ends counted otherwise), so only a size more than a tenth over the limit decides;
     * nearer the limit the message is read and its real size decides, as before.
     */
    private boolean announcedTooLarge(SourceMessage m) {
        long limit = settings.maxMessageSize();
        return m.size() > limit + limit / 10;
    }

    private Fetched fetch(FolderPath path, long uv, SourceMessage m) {
        SourceKey key = new SourceKey(mailbox, path, uv, m.uid());
        if (announcedTooLarge(m)) {
            // Not read: downloading and spooling it on every pass changes nothing (before, a 150 MB
            // message crossed the network each pass only to be refused).
            return new Fetched(m, null, TransferException.permanent("too large: the old server announces " + m.size()
                    + " bytes, the target takes at most " + settings.maxMessageSize() + " (not downloaded)", null),
                    null, true);
        }
        try {
            InputStream in = source.open(path, uv, m.uid());
            return new Fetched(m, SpooledMessage.read(key, m.flags(), m.internalDate(), in, m.size(),
                    settings.memoryThreshold(), settings.spoolDirectory()), null, null);
        } catch (IOException e) {
            return new Fetched(m, null, TransferException.retryable("Reading UID " + m.uid() + " of " + path
                    + " failed: " + e.getMessage(), e), null);
        } catch (TransferException e) {
            return new Fetched(m, null, e, null);
        } catch (RuntimeException e) {
            return new Fetched(m, null, null, e);
        }
    }

    /** The messages from {@code from} on to read in one request: small ones within the budget, else just one. */
    private static List<SourceMessage> smallRun(List<SourceMessage> toCopy, int from) {
        long bytes = 0;
        int end = from;
        while (end < toCopy.size() && end - from < BATCH_COUNT) {
            long size = toCopy.get(end).size();
            if (size > BATCH_MESSAGE || bytes + size > BATCH_BUDGET) {
                break;
            }
            bytes += size;
            end++;
        }
        return toCopy.subList(from, Math.max(end, from + 1));
    }

    private Fetched spool(FolderPath path, long uv, SourceMessage m, ByteBuffer bytes) {
        SourceKey key = new SourceKey(mailbox, path, uv, m.uid());
        try {
            return new Fetched(m, SpooledMessage.of(key, m.flags(), m.internalDate(), bytes,
                    settings.memoryThreshold(), settings.spoolDirectory()), null, null);
        } catch (IOException e) {
            return new Fetched(m, null, TransferException.retryable("Spooling UID " + m.uid() + " of " + path
                    + " failed: " + e.getMessage(), e), null);
        } catch (RuntimeException e) {
            return new Fetched(m, null, null, e);
        }
    }

    /**
     * Copies {@code toCopy} in UID order. A reader thread fetches and spools the next messages
     * (within {@link #READ_AHEAD_BYTES} ahead) while this thread APPENDs, so the source's and the
     * target's round trips overlap; the source is only touched by the reader meanwhile.
     */
    private void copyAll(FolderMapping mapping, FolderPath path, long uv, List<SourceMessage> toCopy, FolderTally tally) {
        if (toCopy.size() <= 1) {
            for (SourceMessage m : toCopy) {
                store(mapping, path, fetch(path, uv, m), tally);
            }
            return;
        }
        BlockingQueue<Fetched> queue = new LinkedBlockingQueue<>();
        Semaphore budget = new Semaphore(budgetUnits(Long.MAX_VALUE));
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            int next = 0;
            while (next < toCopy.size()) {
                if (stop.get()) {
                    return;
                }
                List<SourceMessage> batch = smallRun(toCopy, next);
                next += batch.size();
                Map<Long, ByteBuffer> read;
                try {
                    read = batch.size() > 1 ? source.readAll(path, uv, batch.stream().map(SourceMessage::uid).toList())
                            : Map.of();
                } catch (TransferException e) {
                    // Each message is then read on its own, and its failure is its own; the
                    // failed batch still counts as a retry, so the report shows the trouble.
                    readRetries.incrementAndGet();
                    LOG.info("{}: reading {} messages of {} at once failed ({}); reading them one by one",
                            mailbox, batch.size(), path, e.getMessage());
                    read = Map.of();
                    if (e.isThrottled() && !backOff(boundedBackoff(e, 1), true)) {
                        return;
                    }
                }
                for (SourceMessage m : batch) {
                    ByteBuffer bytes = read.get(m.uid());
                    Fetched f = bytes != null ? spool(path, uv, m, bytes) : fetch(path, uv, m);
                    try {
                        budget.acquire(budgetUnits(m.size()));
                        queue.put(f);
                    } catch (InterruptedException e) {
                        close(f);
                        return;
                    }
                    if (f.crash() != null || (f.failure() != null && f.failure().isRetryable())) {
                        return; // the folder attempt ends here; it is resumed after reconnecting
                    }
                    if (stop.get()) {
                        return;
                    }
                }
            }
        }, Thread.currentThread().getName() + "-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            int done = 0;
            while (done < toCopy.size()) {
                Fetched f;
                while ((f = queue.poll(1, TimeUnit.SECONDS)) == null) {
                    if (!reader.isAlive() && queue.isEmpty()) {
                        throw new IllegalStateException("The reader of " + path + " in " + mailbox + " stopped unexpectedly");
                    }
                }
                List<Fetched> batch = new ArrayList<>();
                batch.add(f);
                while (batch.size() < APPEND_COUNT && (f = queue.poll()) != null) {
                    batch.add(f);
                }
                done += batch.size();
                try {
                    storeAll(mapping, path, batch, tally);
                } finally {
                    batch.forEach(MailboxCopy::close);
                    for (Fetched b : batch) {
                        budget.release(budgetUnits(b.message().size()));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TransferException.permanent("Interrupted while copying " + path, e);
        } finally {
            stop.set(true);
            do {
                drainAndClose(queue, budget);
                try {
                    reader.join(50);
                } catch (InterruptedException e) {
                    reader.interrupt();
                    Thread.currentThread().interrupt();
                }
            } while (reader.isAlive());
            drainAndClose(queue, budget);
        }
    }

    /** Read-ahead budget units (KiB) a message of {@code size} listed bytes takes; never more than the whole. */
    private static int budgetUnits(long size) {
        return (int) Math.max(1, Math.min(READ_AHEAD_BYTES, size) / 1024);
    }

    /**
     * Stores the messages in order: runs of good ones in one {@link MailboxTarget#appendAll}
     * each, the others (read failures, too large) as {@link #store} does. After a batch failed
     * once, the folder goes on one message at a time, so that a failure is blamed on its message.
     */
    private void storeAll(FolderMapping mapping, FolderPath path, List<Fetched> batch, FolderTally tally) {
        List<Fetched> run = new ArrayList<>();
        for (Fetched f : batch) {
            boolean appendable = f.crash() == null && f.failure() == null
                    && f.spooled().size() + overhead(f) <= settings.maxMessageSize();
            if (appendable && !tally.oneByOne) {
                run.add(f);
                continue;
            }
            appendRun(mapping, path, run, tally);
            run.clear();
            store(mapping, path, f, tally);
        }
        appendRun(mapping, path, run, tally);
    }

    private void appendRun(FolderMapping mapping, FolderPath path, List<Fetched> run, FolderTally tally) {
        if (run.size() <= 1) {
            run.forEach(f -> store(mapping, path, f, tally));
            return;
        }
        int[] recorded = {0};
        try {
            target.appendAll(mapping.target(), run.stream().map(Fetched::spooled).toList(), (outcome, i) -> {
                SourceMessage m = run.get(i).message();
                long size = run.get(i).spooled().size();
                if (outcome instanceof AppendOutcome.Copied) {
                    copied(path, m, size, tally);
                } else {
                    problem(tally, path, m, size, false, ((AppendOutcome.Rejected) outcome).reason());
                }
                recorded[0]++;
            });
        } catch (TransferException e) {
            // The message at the failure is blamed, as one by one; in a batch sent as one
            // request it may be another's fault, so the folder goes on one message at a time.
            tally.oneByOne = true;
            if (!e.isRetryable()) {
                // Which message was refused is not known here: the attempt is retried one by one
                // (after reading the target's keys again), where the refusal falls on its message.
                throw TransferException.retryable(e.getMessage() + " (retrying one message at a time)", e);
            }
            throw blame(tally, path, run.get(Math.min(recorded[0], run.size() - 1)).message(), e);
        }
    }

    private static long overhead(Fetched f) {
        return f.spooled().key().headerLine().getBytes(StandardCharsets.US_ASCII).length;
    }

    private void copied(FolderPath path, SourceMessage m, long size, FolderTally tally) {
        tally.copied++;
        tally.copiedBytes += size;
        tally.copiedUids.add(m.uid());
        progress++;
        listener.messageCopied(mailbox, path, m.uid(), size);
    }

    /** Frees what the reader left, and its budget, so that a reader waiting for budget sees the stop. */
    private static void drainAndClose(BlockingQueue<Fetched> queue, Semaphore budget) {
        List<Fetched> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Fetched f : rest) {
            close(f);
            budget.release(budgetUnits(f.message().size()));
        }
    }

    private static void close(Fetched f) {
        if (f.spooled() != null) {
            f.spooled().close();
        }
    }

    private void store(FolderMapping mapping, FolderPath path, Fetched f, FolderTally tally) {
        SourceMessage m = f.message();
        if (f.crash() != null) {
            throw f.crash();
        }
        if (f.failure() != null) {
            if (f.failure().isRetryable()) {
                throw blame(tally, path, m, f.failure());
            }
            problem(tally, path, m, m.size(), !f.announcedTooLarge(), f.failure().getMessage());
            return;
        }
        long overhead = f.spooled().key().headerLine().getBytes(StandardCharsets.US_ASCII).length;
        // RFC822.SIZE is not trusted for the limit (some servers report it wrong): the spooled size decides.
        try (SpooledMessage spooled = f.spooled()) {
            if (spooled.size() + overhead > settings.maxMessageSize()) {
                problem(tally, path, m, spooled.size(), false, tooLarge(spooled.size() + overhead));
                return;
            }
            AppendOutcome outcome;
            try {
                outcome = target.append(mapping.target(), spooled);
            } catch (TransferException e) {
                if (!e.isRetryable()) {
                    problem(tally, path, m, spooled.size(), true, e.getMessage());
                    return;
                }
                throw blame(tally, path, m, e);
            }
            if (outcome instanceof AppendOutcome.Copied) {
                copied(path, m, spooled.size(), tally);
            } else {
                problem(tally, path, m, spooled.size(), false, ((AppendOutcome.Rejected) outcome).reason());
            }
        }
    }

    private String tooLarge(long size) {
        return "too large: " + size + " bytes with the trace header, the target takes at most "
                + settings.maxMessageSize();
    }

    /** Counts a retryable failure against one message; the third one gives it up (reported as failed). */
    private TransferException blame(FolderTally tally, FolderPath path, SourceMessage m, TransferException e) {
        if (!e.isRetryable() || e.isThrottled()) {
            return e; // throttling is the server's load, not this message's fault: it never gives a message up
        }
        int n = tally.blame.merge(m.uid(), 1, Integer::sum);
        if (n >= MESSAGE_ATTEMPTS) {
            problem(tally, path, m, m.size(), true, "failed " + n + " times: " + e.getMessage());
            return e; // still retryable: reconnect, the next attempt skips this message
        }
        return e;
    }

    private void problem(FolderTally tally, FolderPath path, SourceMessage m, long size, boolean failed, String reason) {
        MessageProblem p = new MessageProblem(path, m.uid(), size, m.internalDate(), reason);
        tally.problems.put(m.uid(), new Problem(p, failed));
        if (!dryRun) {
            MessageWaivers.reported(ledger, mailbox, path, tally.uidValidity, p, failed);
        }
        progress++;
        listener.messageProblem(mailbox, p);
    }

    private record Problem(MessageProblem problem, boolean failed) {
    }

    /** A folder's numbers, kept across the attempts of one pass. */
    private static final class FolderTally {
        long uidValidity;
        int found;
        long foundBytes;
        int copied;
        long copiedBytes;
        int alreadyPresent;
        final Set<Long> copiedUids = new HashSet<>();
        final Set<Long> flagsUpdated = new HashSet<>();
        final Map<Long, Problem> problems = new LinkedHashMap<>();
        final Map<Long, Integer> blame = new HashMap<>();
        final Set<Long> waived = new HashSet<>();
        final List<String> notes = new ArrayList<>();
        boolean oneByOne;
        String error;

        FolderReport report(FolderMapping mapping) {
            List<String> allNotes = new ArrayList<>(mapping.notes());
            allNotes.addAll(notes);
            List<MessageProblem> skipped = problems.values().stream().filter(p -> !p.failed).map(Problem::problem).toList();
            List<MessageProblem> failed = problems.values().stream().filter(p -> p.failed).map(Problem::problem).toList();
            return new FolderReport(mapping.source().path(), mapping.target().toString(), allNotes, uidValidity, found,
                    foundBytes, copied, copiedBytes, alreadyPresent, flagsUpdated.size(), skipped, failed,
                    Optional.ofNullable(error), waived.size());
        }
    }
}
