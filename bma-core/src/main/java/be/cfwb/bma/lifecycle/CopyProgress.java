package be.cfwb.bma.lifecycle;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.Pass;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Progress of a copy in bytes, not mailboxes: a mailbox of 2 GB and one of 2 MB are not the same
 * amount of work. Wraps the listener it tells ({@link RunListener#copyProgress}): every call is
 * passed on, and a {@link Snapshot} is sent each time a mailbox has copied another
 * {@code everyBytes} or {@code every} has passed since its last one (so a long mailbox shows
 * progress while it copies), and when a mailbox finishes. Time comes from the {@code nanoTime}
 * given, so that tests drive it. Thread-safe: the engine's workers call it at once.
 *
 * <p>What is left is known better as the copy goes: a mailbox counts for what its stage expected
 * ({@link RunListener#copyStarted}, its surveyed or known size) until its folders, once listed, say
 * more; a finished mailbox counts for what it copied.
 */
public final class CopyProgress implements RunListener {

    /** A progress line at least every 64 MB a mailbox copies... */
    public static final long DEFAULT_EVERY_BYTES = 64L * 1024 * 1024;
    /** ...or every 10 seconds. */
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(10);

    private static final double MB = 1024.0 * 1024.0;

    /**
     * Where a copy stands.
     *
     * @param stage                the stage copying, if told ({@link RunListener#copyStarted})
     * @param mailbox              the mailbox this snapshot is sent for
     * @param mailboxFinished      true if it is sent because that mailbox finished
     * @param mailboxCopiedBytes   bytes that mailbox copied so far
     * @param mailboxExpectedBytes bytes it is expected to copy in all (what it copied, once finished)
     * @param copiedBytes          bytes copied by all mailboxes of the stage
     * @param expectedBytes        bytes all of them are expected to copy
     * @param mailboxesDone        mailboxes finished
     * @param mailboxes            mailboxes of the stage (those started, when the stage was not told)
     * @param elapsed              time since the copy started
     */
    public record Snapshot(Optional<Stage> stage, BmaAddress mailbox, boolean mailboxFinished, long mailboxCopiedBytes,
                           long mailboxExpectedBytes, long copiedBytes, long expectedBytes, int mailboxesDone,
                           int mailboxes, Duration elapsed) {

        /** Bytes a second so far; empty before any time has passed or any byte was copied. */
        public Optional<Double> bytesPerSecond() {
            long nanos = elapsed.toNanos();
            return nanos <= 0 || copiedBytes == 0 ? Optional.empty() : Optional.of(copiedBytes * 1e9 / nanos);
        }

        /** Time left at the rate so far, for the bytes left; empty while no rate is known. */
        public Optional<Duration> eta() {
            long left = Math.max(0, expectedBytes - copiedBytes);
            return bytesPerSecond().map(rate -> Duration.ofSeconds(Math.round(left / rate)));
        }

        /** Percent of the expected bytes copied, 0 to 100. */
        public int percent() {
            return expectedBytes <= 0 ? 100 : (int) Math.min(100, copiedBytes * 100 / expectedBytes);
        }

        /**
         * One line for people, e.g. {@code ec001394@adm.cfwb.be 12.0 of 40.0 MB | 120.5 of 800.0 MB (15 %),
         * 3/20 mailboxes, 2.1 MB/s, ETA 5 min 24 s}.
         */
        public String line() {
            return String.format(Locale.ROOT, "%s %.1f of %.1f MB%s | %.1f of %.1f MB (%d %%), %d/%d mailboxes, %s, ETA %s",
                    mailbox, mailboxCopiedBytes / MB, mailboxExpectedBytes / MB, mailboxFinished ? " done" : "",
                    copiedBytes / MB, expectedBytes / MB, percent(), mailboxesDone, mailboxes,
                    bytesPerSecond().map(r -> String.format(Locale.ROOT, "%.1f MB/s", r / MB)).orElse("- MB/s"),
                    eta().map(CopyProgress::words).orElse("unknown"));
        }
    }

    /** One mailbox's counts; guarded by the progress object. */
    private static final class Tally {
        long estimate;
        long listed;
        long copied;
        boolean finished;
        long lastBytes;
        long lastNanos;

        long expected() {
            return finished ? copied : Math.max(estimate, Math.max(listed, copied));
        }
    }

    private final RunListener downstream;
    private final LongSupplier nanoTime;
    private final long everyBytes;
    private final long everyNanos;
    private final Map<BmaAddress, Tally> tallies = new LinkedHashMap<>();
    private Optional<Stage> stage = Optional.empty();
    private long startNanos;
    private boolean started;

    /**
     * @param downstream who hears every call, and the snapshots
     * @param nanoTime   the time source ({@code System::nanoTime}; tests pass their own)
     * @param everyBytes a snapshot each time a mailbox copied this many more bytes...
     * @param every      ...or this much time passed since its last one
     */
    public CopyProgress(RunListener downstream, LongSupplier nanoTime, long everyBytes, Duration every) {
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (everyBytes <= 0 || every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("progress intervals must be positive: " + everyBytes + " bytes, " + every);
        }
        this.everyBytes = everyBytes;
        this.everyNanos = every.toNanos();
    }

    /** Around {@code downstream}, on the system's time, every {@link #DEFAULT_EVERY_BYTES} or {@link #DEFAULT_EVERY}. */
    public static CopyProgress around(RunListener downstream) {
        return new CopyProgress(downstream, System::nanoTime, DEFAULT_EVERY_BYTES, DEFAULT_EVERY);
    }

    @Override
    public void stageStarted(Stage stage, int mailboxes) {
        downstream.stageStarted(stage, mailboxes);
    }

    @Override
    public void stageFinished(StageOutcome outcome) {
        downstream.stageFinished(outcome);
    }

    @Override
    public void copyStarted(Stage stage, Map<BmaAddress, Long> expectedBytes) {
        synchronized (this) {
            tallies.clear();
            this.stage = Optional.of(stage);
            startNanos = nanoTime.getAsLong();
            started = true;
            expectedBytes.forEach((m, bytes) -> tally(m).estimate = Math.max(0, bytes));
        }
        downstream.copyStarted(stage, expectedBytes);
    }

    @Override
    public void mailboxStarted(BmaAddress mailbox, Pass pass) {
        synchronized (this) {
            if (!started) {
                startNanos = nanoTime.getAsLong();
                started = true;
            }
            Tally t = tally(mailbox);
            t.lastNanos = nanoTime.getAsLong();
        }
        downstream.mailboxStarted(mailbox, pass);
    }

    @Override
    public void folderStarted(BmaAddress mailbox, FolderMapping mapping, int listed, int toCopy, long bytesToCopy) {
        synchronized (this) {
            tally(mailbox).listed += bytesToCopy;
        }
        downstream.folderStarted(mailbox, mapping, listed, toCopy, bytesToCopy);
    }

    @Override
    public void messageCopied(BmaAddress mailbox, FolderPath folder, long uid, long bytes) {
        downstream.messageCopied(mailbox, folder, uid, bytes);
        Snapshot due = null;
        synchronized (this) {
            Tally t = tally(mailbox);
            t.copied += bytes;
            long now = nanoTime.getAsLong();
            if (t.copied - t.lastBytes >= everyBytes || now - t.lastNanos >= everyNanos) {
                t.lastBytes = t.copied;
                t.lastNanos = now;
                due = snapshot(mailbox, t, now);
            }
        }
        if (due != null) {
            downstream.copyProgress(due);
        }
    }

    @Override
    public void messageProblem(BmaAddress mailbox, MessageProblem problem) {
        downstream.messageProblem(mailbox, problem);
    }

    @Override
    public void retrying(BmaAddress mailbox, String reason, int attempt, Duration wait) {
        downstream.retrying(mailbox, reason, attempt, wait);
    }

    @Override
    public void mailboxFinished(MailboxReport report) {
        downstream.mailboxFinished(report);
        Snapshot done;
        synchronized (this) {
            Tally t = tally(report.mailbox());
            t.finished = true;
            done = snapshot(report.mailbox(), t, nanoTime.getAsLong());
        }
        downstream.copyProgress(done);
    }

    @Override
    public void copyProgress(Snapshot progress) {
        downstream.copyProgress(progress);
    }

    private Tally tally(BmaAddress mailbox) {
        return tallies.computeIfAbsent(mailbox, m -> new Tally());
    }

    private Snapshot snapshot(BmaAddress mailbox, Tally t, long now) {
        long copied = 0;
        long expected = 0;
        int done = 0;
        for (Tally each : tallies.values()) {
            copied += each.copied;
            expected += each.expected();
            done += each.finished ? 1 : 0;
        }
        return new Snapshot(stage, mailbox, t.finished, t.copied, t.expected(), copied, expected, done, tallies.size(),
                Duration.ofNanos(Math.max(0, now - startNanos)));
    }

    /** {@code 1 h 05 min}, {@code 5 min 24 s}, {@code 12 s}. */
    static String words(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60) : s + " s";
    }
}
