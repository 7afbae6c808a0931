package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.retry.RetryPolicy;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.RetryStats;
import be.cfwb.bma.transfer.LoginTurnedAwayException;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The source and target of one mailbox pass, closed and opened again after a retryable failure,
 * with the retries and waits that cost. Not thread-safe, except what the reader thread calls
 * ({@link #source()}, {@link #readRetried()}, {@link #backOff}).
 */
final class Reconnecting {

    private static final Logger LOG = LoggerFactory.getLogger(Reconnecting.class);

    private final TransferSettings settings;
    private final RetryPolicy policy;
    private final TransferListener listener;
    private final BmaAddress mailbox;
    /** Read by further connections of the mailbox as they open (see {@link #beside}). */
    private volatile MailboxSource source;
    private volatile MailboxTarget target;
    private int retries;
    /** Batched reads that failed and were redone message by message, on the reader thread. */
    private final AtomicInteger readRetries = new AtomicInteger();
    /** Throttling answers met, waits before retrying, and what the adapters waited out themselves. */
    private final AtomicReference<RetryStats> waits = new AtomicReference<>(RetryStats.NONE);
    /** Messages copied or given up: a retry that follows progress starts counting again. */
    private long progress;

    /** A further connection of the mailbox: one the server turns away is not waited for (the others copy on). */
    private final boolean further;
    /**
     * For a further connection, the mailbox's first: its first opening takes what that one's
     * source and target learnt ({@link be.cfwb.bma.transfer.MailboxConnector#openBeside}); null otherwise.
     */
    private final Reconnecting beside;
    private boolean openedBefore;

    /** The mailbox's first connections. */
    Reconnecting(TransferSettings settings, TransferListener listener, BmaAddress mailbox) {
        this(settings, listener, mailbox, null);
    }

    /** Further connections of the mailbox whose first connections are {@code beside}; null for the first. */
    Reconnecting(TransferSettings settings, TransferListener listener, BmaAddress mailbox, Reconnecting beside) {
        this.further = beside != null;
        this.beside = beside;
        this.settings = settings;
        this.policy = settings.retryPolicy();
        this.listener = listener;
        this.mailbox = mailbox;
    }

    MailboxSource source() {
        return source;
    }

    MailboxTarget target() {
        return target;
    }

    boolean isConnected() {
        return source != null && target != null;
    }

    /**
     * The longer of the source's and the target's round trip on these connections, or empty if
     * either cannot tell (or is not connected): what further connections would have to hide.
     */
    Optional<Duration> roundTrip() {
        if (!isConnected()) {
            return Optional.empty();
        }
        // Both servers measured at once: where it is not yet known, each asks NOOPs of its own.
        AtomicReference<Optional<Duration>> from = new AtomicReference<>();
        AtomicReference<Optional<Duration>> to = new AtomicReference<>();
        atOnce(() -> from.set(source.roundTrip()), () -> to.set(target.roundTrip()));
        if (from.get().isEmpty() || to.get().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(from.get().get().compareTo(to.get().get()) >= 0 ? from.get().get() : to.get().get());
    }

    /** A message was copied or given up. */
    void madeProgress() {
        progress++;
    }

    /** A batched read failed and is redone message by message. */
    void readRetried() {
        readRetries.incrementAndGet();
    }

    /** Counts a throttled answer whose wait another failure's retry covered. */
    void throttledWithoutRetry() {
        waits.accumulateAndGet(new RetryStats(0, 1, Duration.ZERO), RetryStats::plus);
    }

    /** The retries and waits of this pass so far, the adapters' own included once they are closed. */
    RetryStats stats() {
        return RetryStats.retries(retries + readRetries.get()).plus(waits.get());
    }

    void connectSource() {
        if (source == null) {
            source = settings.source().open(mailbox);
        }
    }

    void connect() {
        if (further && source == null && target == null) {
            boolean first = !openedBefore;
            openedBefore = true;
            connectBoth(first ? beside.source : null, first ? beside.target : null);
            return;
        }
        if (source == null && target == null && LoginGate.admitsBoth(settings)) {
            connectBoth(null, null);
            return;
        }
        connectSource();
        if (target == null) {
            target = settings.target().open(mailbox);
        }
    }

    /**
     * Logs in to both servers at once: each login is a greeting and a login the copy waits for
     * (2.5 round trips). A further connection does so because the mailbox's first connection
     * already showed that both servers take its logins; a first connection once both servers
     * took a login in this run ({@link LoginGate#admitsBoth}). Until then it goes source first,
     * so that a wrong login costs the other server nothing. Opened beside the first connection's
     * source and target where given (the first opening; null after a failure, when what they
     * knew may be what failed).
     */
    private void connectBoth(MailboxSource sourceBeside, MailboxTarget targetBeside) {
        CompletableFuture<MailboxTarget> opening = onItsOwnThread("-target-login", () -> targetBeside == null
                ? settings.target().open(mailbox) : settings.target().openBeside(mailbox, targetBeside));
        try {
            source = sourceBeside == null ? settings.source().open(mailbox)
                    : settings.source().openBeside(mailbox, sourceBeside);
        } catch (RuntimeException | Error e) {
            // The target login goes on: it is closed once it is done, whenever that is.
            opening.whenComplete((opened, failed) -> {
                if (opened != null) {
                    closeQuietly(opened);
                }
            }).exceptionally(ignored -> null);
            throw e;
        }
        target = joined(opening);
    }

    /**
     * Runs {@code onSource} here and {@code onTarget} on a thread of its own, at once: two
     * servers' round trips paid once. Returns when both are done; a failure of either is thrown
     * then, so that the caller never reconnects a side still in use. If both failed, the
     * source's is thrown, and the target's throttling answer, whose wait the source's retry
     * covers, is still counted.
     */
    void atOnce(Runnable onSource, Runnable onTarget) {
        CompletableFuture<Void> targetSide = onItsOwnThread("-target", () -> {
            onTarget.run();
            return null;
        });
        try {
            onSource.run();
        } catch (RuntimeException | Error e) {
            Throwable other = targetSide.handle((done, failed) -> failed).join();
            if (other instanceof CompletionException c) {
                other = c.getCause();
            }
            if (other instanceof TransferException t && t.isThrottled()) {
                throttledWithoutRetry();
            }
            if (other != null) {
                e.addSuppressed(other);
            }
            throw e;
        }
        joined(targetSide);
    }

    /** {@code work} started on a daemon thread named after this one with {@code suffix}; its result or failure. */
    private static <T> CompletableFuture<T> onItsOwnThread(String suffix, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, Thread.currentThread().getName() + suffix);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** The result of {@code side}, once done; its failure thrown as it was. */
    private static <T> T joined(CompletableFuture<T> side) {
        try {
            return side.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    void disconnect() {
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

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("Closing {} failed", c, e);
        }
    }

    /**
     * Waits before retry {@code retry} after {@code e} as the policy says and counts the wait
     * (the time asked, so that it is the same on virtual time); the wait, or empty if interrupted.
     */
    Optional<Duration> backOff(TransferException e, int retry) {
        Duration wait = policy.delay(retry, e.backoff());
        try {
            policy.sleeper().sleep(wait);
            return Optional.of(wait);
        } catch (BmaException interrupted) {
            return Optional.empty();
        } finally {
            waits.accumulateAndGet(new RetryStats(0, e.isThrottled() ? 1 : 0, wait), RetryStats::plus);
        }
    }

    /**
     * Runs {@code op}, and after a retryable failure waits, reconnects and runs it again: up to
     * the policy's retries in a row without progress (a copied or given-up message resets the count).
     */
    <T> T retrying(Supplier<T> op) {
        int attempts = 0;
        long progressAtFailure = progress;
        while (true) {
            try {
                return op.get();
            } catch (TransferException e) {
                if (!e.isRetryable() || (further && e instanceof LoginTurnedAwayException)) {
                    throw e;
                }
                if (progress > progressAtFailure) {
                    attempts = 0;
                }
                progressAtFailure = progress;
                if (!policy.allowsRetry(attempts)) {
                    if (e.isThrottled()) {
                        waits.accumulateAndGet(new RetryStats(0, 1, Duration.ZERO), RetryStats::plus);
                    }
                    throw TransferException.permanent(e.getMessage() + " (gave up after " + attempts + " retries)", e);
                }
                attempts++;
                retries++;
                Duration wait = policy.delay(attempts, e.backoff());
                listener.retrying(mailbox, e.getMessage(), attempts, wait);
                LOG.info("{}: {}; retry {} in {} ms", mailbox, e.getMessage(), attempts, wait.toMillis());
                disconnect();
                if (backOff(e, attempts).isEmpty()) {
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

    /** Runs {@code op} as {@link #retrying(Supplier)} does. */
    void retryingRun(Runnable op) {
        retrying(() -> {
            op.run();
            return null;
        });
    }
}
