package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.transfer.internal.LoginGate;
import be.cfwb.bma.transfer.internal.MailboxCopy;
import be.cfwb.bma.internal.SpoolDirectory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;

/**
 * Copies mailboxes, {@link TransferSettings#parallelism()} at once, each exactly once per
 * message: before copying a folder it reads which source keys the target already holds, so a
 * rerun — also after a crash between an APPEND and any bookkeeping — copies only what is
 * missing. Records per folder the UIDVALIDITY and highest UID done in the ledger (a pre-stage
 * rerun only lists what is newer), and per mailbox
 * {@link be.cfwb.bma.EventTypes#TRANSFER_PASS_DONE}. One mailbox failing never stops the
 * others: its failure is in its {@link MailboxReport}. A refused login that every mailbox shares
 * (an admin login) is not tried again in the run: the mailboxes after it are reported as not
 * attempted, so that a wrong password costs one failed login, not one per mailbox.
 */
public final class SyncEngine {

    private final TransferSettings settings;
    private final Ledger ledger;
    private final Clock clock;
    private final TransferListener listener;

    public SyncEngine(TransferSettings settings, Ledger ledger, Clock clock, TransferListener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener == null ? TransferListener.NONE : listener;
    }

    /** Runs {@code pass} for every mailbox; the report lists them in the order given. */
    public TransferReport run(Collection<BmaAddress> mailboxes, Pass pass) {
        return run(mailboxes, pass, false);
    }

    /**
     * Like {@link #run(Collection, Pass)}; with {@code dryRun}, changes nothing anywhere (no
     * folder created, no message or flag written, no ledger event) and reports as "copied"
     * what would be copied, with the sizes the source reports.
     */
    public TransferReport run(Collection<BmaAddress> mailboxes, Pass pass, boolean dryRun) {
        return run(mailboxes, pass, dryRun, mailbox -> 0);
    }

    /**
     * Like {@link #run(Collection, Pass, boolean)}, starting the largest mailboxes first by
     * {@code sizes} (bytes as known before the run, 0 where unknown; equal ones in the order given),
     * so that a large mailbox does not start last and hold the end of the run alone. The report
     * still lists the mailboxes in the order given.
     */
    public TransferReport run(Collection<BmaAddress> mailboxes, Pass pass, boolean dryRun,
                              ToLongFunction<BmaAddress> sizes) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        List<BmaAddress> list = List.copyOf(mailboxes);
        if (list.isEmpty()) {
            return new TransferReport(pass, started, Duration.ZERO, List.of(), dryRun);
        }
        // What a killed run left in the spool: a SIGKILL deletes nothing (messages up to 35 MiB each).
        if (!dryRun) {
            SpoolDirectory.sweep(this.settings.spoolDirectory(), clock.instant());
        }
        // Fresh login gates for this run: a refused shared login is not tried by every mailbox.
        TransferSettings settings = LoginGate.guard(this.settings);
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.parallelism(), list.size()), r -> {
            Thread t = new Thread(r, "bma-transfer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<MailboxReport>> futures = new ArrayList<>(Collections.nCopies(list.size(), null));
            for (int i : largestFirst(list, sizes)) {
                BmaAddress mailbox = list.get(i);
                futures.set(i, pool.submit(() -> new MailboxCopy(settings, ledger, clock, listener, mailbox, pass, dryRun).run()));
            }
            List<MailboxReport> reports = new ArrayList<>();
            for (Future<MailboxReport> f : futures) {
                try {
                    reports.add(f.get());
                } catch (ExecutionException e) {
                    throw new BmaException(BmaErrorCode.INTERNAL, "A transfer worker died: " + e.getCause(), e.getCause());
                }
            }
            return new TransferReport(pass, started, Duration.ofNanos(System.nanoTime() - t0), reports, dryRun);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BmaException(BmaErrorCode.INTERNAL, "Interrupted while transferring", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The indexes of {@code list}, largest mailbox first; equal sizes keep their order (a stable sort). */
    private static List<Integer> largestFirst(List<BmaAddress> list, ToLongFunction<BmaAddress> sizes) {
        long[] size = list.stream().mapToLong(sizes).toArray();
        return IntStream.range(0, list.size()).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> size[i]).reversed()).toList();
    }

    /** Runs {@code pass} for one mailbox in the calling thread; never throws for the mailbox's own failures. */
    public MailboxReport runOne(BmaAddress mailbox, Pass pass) {
        return new MailboxCopy(settings, ledger, clock, listener, mailbox, pass, false).run();
    }
}
