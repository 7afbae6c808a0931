package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.LoginTurnedAwayException;
import be.cfwb.bma.transfer.RetryStats;
import be.cfwb.bma.transfer.TransferException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;

/**
 * Copies one mailbox's folders over several connections at once ({@code bma.connectionsPerMailbox}),
 * so that one folder's round trips overlap another's. Each worker has its own {@link Reconnecting}
 * (a source and a target session); the first is the mailbox's own, already connected, and works on
 * the calling thread. Folders are handed out largest first, so the longest one does not start last;
 * the reports come back in the order of the mappings, as with one connection.
 *
 * <p>A worker with no folder left takes a part of another's copy in progress ({@link SharedCopies}),
 * until none is left to share: the mailbox's largest folder no longer ends it on one connection.
 *
 * <p>A failure a folder does not absorb (a refused login, which every folder would meet) stops the
 * mailbox: no worker takes another folder, the folders done are reported, and it is thrown. A
 * further connection the servers refuse (too many connections for the mailbox, say) leaves its
 * folders to the others. With one connection the folders are copied in order on the calling thread.
 */
final class FolderWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(FolderWorkers.class);

    /** One worker's copies: of a folder (its report handed over, also before it throws), or of a part of one. */
    @FunctionalInterface
    interface FolderCopy {
        /**
         * Copies {@code mapping}'s folder.
         *
         * @param next the worker's next folder, taken for it when first asked (so that its listing
         *             can be read while this one's last copies are appended); later asks give the same
         */
        void sync(FolderMapping mapping, NextFolder next, Consumer<FolderReport> report);

        /**
         * Copies a part of another worker's folder; its outcome goes to that worker, never thrown
         * here. The default, for copies that share none, copies nothing and fails the part, so
         * that the copy it came from is attempted again.
         */
        default void help(SharedCopies.Part part) {
            part.notCopied(TransferException.retryable("This connection copies no part of another's folder", null));
        }
    }

    /** The folder a worker copies after the current one, if any is left. */
    interface NextFolder {
        NextFolder NONE = Optional::empty;

        Optional<FolderMapping> take();
    }

    private final int connections;
    private final Duration furtherFrom;
    private final Reconnecting first;
    private final Supplier<Reconnecting> more;
    private final BmaAddress mailbox;
    private final SharedCopies shared;
    /** The retries and waits of the further workers, once each is closed. */
    private final AtomicReference<RetryStats> moreStats = new AtomicReference<>(RetryStats.NONE);

    /**
     * @param connections the workers at most, 1 to 8
     * @param furtherFrom the round trip from which workers beyond the first are started (zero: always)
     * @param first       the mailbox's connections, already open
     * @param more        a further worker's connections, not yet open
     * @param shared      the copies the workers' pipelines offer for sharing
     */
    FolderWorkers(int connections, Duration furtherFrom, Reconnecting first, Supplier<Reconnecting> more,
                  BmaAddress mailbox, SharedCopies shared) {
        this.shared = shared;
        this.connections = connections;
        this.furtherFrom = furtherFrom;
        this.first = first;
        this.more = more;
        this.mailbox = mailbox;
    }

    /** The retries and waits of the workers other than the first (whose own are its to tell). */
    RetryStats moreStats() {
        return moreStats.get();
    }

    /**
     * Copies every folder of {@code mappings}, each once, with {@code copier}'s copy for the worker
     * it falls to, and adds their reports to {@code reports} in the order of {@code mappings}.
     *
     * @param size  how large a folder is, for the order in which they are handed out (largest first)
     * @param light true for a folder that needs no connection of its own (nothing new by the status
     *              listing, or no messages): done on the mailbox's own connection, first (while the
     *              further ones log in), so that a rerun with new mail in one folder opens no
     *              further connection
     * @param prepare what must be done on the mailbox's own connection before any folder is copied
     *              (the target's folders made): run first, the further connections logging in
     *              meanwhile; if it throws, no folder is copied and it is thrown
     */
    void run(List<FolderMapping> mappings, ToLongFunction<FolderMapping> size, Predicate<FolderMapping> light,
             Runnable prepare, Function<Reconnecting, FolderCopy> copier, List<FolderReport> reports) {
        boolean[] isLight = new boolean[mappings.size()];
        for (int i = 0; i < isLight.length && connections > 1; i++) {
            isLight[i] = light.test(mappings.get(i));
        }
        List<Integer> heavy = IntStream.range(0, mappings.size()).filter(i -> !isLight[i]).boxed().toList();
        int wanted = Math.min(connections, heavy.size());
        int workers = wanted > 1 && near() ? 1 : wanted;
        if (workers <= 1) {
            prepare.run();
            FolderCopy copy = copier.apply(first);
            for (int i = 0; i < mappings.size(); i++) {
                int after = i + 1;
                copy.sync(mappings.get(i), () -> after < mappings.size() ? Optional.of(mappings.get(after))
                        : Optional.empty(), reports::add);
            }
            return;
        }
        List<Integer> order = heavy.stream()
                .sorted(Comparator.comparingLong((Integer i) -> size.applyAsLong(mappings.get(i))).reversed()).toList();
        Hand hand = new Hand(mappings, order, mailbox, shared);
        FolderCopy own = copier.apply(first);
        String name = Thread.currentThread().getName();
        ExecutorService pool = Executors.newFixedThreadPool(workers - 1, r -> {
            Thread t = new Thread(r, name + "-c" + (hand.threads.incrementAndGet() + 1));
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            shared.begin(); // each worker ends it once out of folders: until then it may offer a copy to share
        }
        boolean ownEnded = false;
        try {
            for (int w = 1; w < workers; w++) {
                int number = w + 1;
                futures.add(pool.submit(() -> further(number, workers, hand, copier)));
            }
            // At 20 ms a round trip, a further connection's logins take about as long as making
            // a mailbox's target folders: side by side, neither waits for the other.
            try {
                prepare.run();
            } catch (RuntimeException e) {
                hand.failed(e);
                throw e;
            } finally {
                hand.prepared.countDown();
            }
            // The further connections log in meanwhile: the light folders cost them no wait.
            for (int i = 0; i < mappings.size() && hand.failure.get() == null; i++) {
                if (isLight[i]) {
                    hand.copy(own, i, false, NextFolder.NONE);
                }
            }
            hand.work(own, new Taken());
            shared.end();
            ownEnded = true;
            helpOthers(own, first, hand);
        } finally {
            if (!ownEnded) {
                shared.end();
            }
            // A failure here may leave the others waiting for a part: they end instead.
            shared.stop();
            // The others end after their current folder once one failed: wait for them, whatever happened here.
            boolean interrupted = false;
            for (Future<?> f : futures) {
                while (true) {
                    try {
                        f.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        hand.failed(TransferException.permanent("Interrupted while the folders were copied", e));
                    } catch (ExecutionException e) {
                        hand.failed(e.getCause() instanceof RuntimeException r ? r
                                : new IllegalStateException("A folder worker of " + mailbox + " stopped", e.getCause()));
                        break;
                    }
                }
            }
            pool.shutdown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            } else {
                // Handed back after this thread ran out of folders: nobody else is left to take them.
                hand.workHandedBack(own);
            }
            hand.addReports(reports);
        }
        RuntimeException failure = hand.failure.get();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * True if both servers answer the mailbox's own connections within {@code furtherFrom}: no
     * latency for further connections to hide, only their logins and sessions to pay.
     */
    private boolean near() {
        if (furtherFrom.isZero()) {
            return false;
        }
        Optional<Duration> roundTrip = first.roundTrip();
        boolean near = roundTrip.isPresent() && roundTrip.get().compareTo(furtherFrom) < 0;
        LOG.debug("{}: round trip {} against {}: {}", mailbox, roundTrip.map(Duration::toString).orElse("unknown"),
                furtherFrom, near ? "one connection" : connections + " connections at most");
        return near;
    }

    /** A further worker: opens its own connections, then takes folders until none are left. */
    private void further(int number, int workers, Hand hand, Function<Reconnecting, FolderCopy> copier) {
        Reconnecting worker = null;
        Taken taken = new Taken();
        boolean ended = false;
        try {
            worker = more.get();
            if (!opened(worker, number, workers) || !hand.awaitPrepared()) {
                return;
            }
            FolderCopy copy = copier.apply(worker);
            while (hand.failure.get() == null) {
                // Lost between folders and refused again: the rest is the others' to do.
                if (!worker.isConnected() && !opened(worker, number, workers)) {
                    return;
                }
                if (!hand.takeOne(copy, true, taken)) {
                    break;
                }
            }
            // A folder taken ahead and not begun goes back to the others before this one helps them.
            taken.giveBack(hand);
            shared.end();
            ended = true;
            helpOthers(copy, worker, hand);
        } finally {
            if (!ended) {
                shared.end();
            }
            // A folder taken ahead and not begun goes back to the others.
            taken.giveBack(hand);
            if (worker != null) {
                worker.disconnect();
                moreStats.accumulateAndGet(worker.stats(), RetryStats::plus);
            }
        }
    }

    /**
     * Copies parts of the other workers' folders while any is left to share (see
     * {@link SharedCopies#awaitPart}); a worker whose connections were lost opens them again first,
     * and stops if it cannot.
     */
    private void helpOthers(FolderCopy copy, Reconnecting worker, Hand hand) {
        while (hand.failure.get() == null) {
            if (!worker.isConnected()) {
                try {
                    worker.connect();
                } catch (TransferException e) {
                    LOG.debug("{}: a connection lost after copying part of a folder could not be opened again ({})",
                            mailbox, e.getMessage());
                    worker.disconnect();
                    return;
                }
            }
            Optional<SharedCopies.Part> part;
            try {
                part = shared.awaitPart();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (part.isEmpty()) {
                return;
            }
            try {
                copy.help(part.get());
            } finally {
                shared.end();
            }
        }
    }

    private boolean opened(Reconnecting worker, int number, int workers) {
        try {
            worker.connect();
            return true;
        } catch (TransferException e) {
            LOG.info("{}: connection {} of {} could not be opened ({}); the other connections copy its folders",
                    mailbox, number, workers, e.getMessage());
            worker.disconnect();
            return false;
        }
    }

    /** The folders left to hand out, the reports so far and the failure that stops the mailbox. */
    private static final class Hand {
        private final List<FolderMapping> mappings;
        private final List<Integer> order;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger threads = new AtomicInteger();
        private final AtomicReferenceArray<FolderReport> reports;
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        private final Queue<Integer> handedBack = new ConcurrentLinkedQueue<>();
        /** Counted down once the mailbox's own connection has done what comes before any copy. */
        private final CountDownLatch prepared = new CountDownLatch(1);
        private final BmaAddress mailbox;
        private final SharedCopies shared;

        Hand(List<FolderMapping> mappings, List<Integer> order, BmaAddress mailbox, SharedCopies shared) {
            this.mailbox = mailbox;
            this.shared = shared;
            this.mappings = mappings;
            this.order = order;
            this.reports = new AtomicReferenceArray<>(mappings.size());
        }

        /** Waits until what comes before any copy is done; false if it failed, or the mailbox stopped. */
        boolean awaitPrepared() {
            try {
                prepared.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return failure.get() == null;
        }

        void work(FolderCopy copy, Taken taken) {
            while (failure.get() == null && takeOne(copy, false, taken)) {
                // next folder
            }
        }

        /** The folders further connections handed back, copied on the mailbox's own once the others ended. */
        void workHandedBack(FolderCopy copy) {
            Integer index;
            while (failure.get() == null && (index = handedBack.poll()) != null) {
                copy(copy, index, false, NextFolder.NONE);
            }
        }

        /** Copies the next folder with {@code copy}; false if none was left, or this worker stops. */
        boolean takeOne(FolderCopy copy, boolean further, Taken taken) {
            Integer index = taken.begin();
            if (index == null) {
                index = take(further);
            }
            if (index == null) {
                return false;
            }
            return copy(copy, index, further,
                    () -> Optional.ofNullable(taken.ahead(() -> take(further))).map(mappings::get));
        }

        /** The index of the next folder for a worker, null if none is left. */
        private Integer take(boolean further) {
            Integer back = further ? null : handedBack.poll();
            if (back != null) {
                return back;
            }
            int at = next.getAndIncrement();
            return at < order.size() ? order.get(at) : null;
        }

        /**
         * Copies the folder at {@code index}; false if that failed (and stops the mailbox), or if
         * the server turned away this further connection (the folder is handed back).
         */
        boolean copy(FolderCopy copy, int index, boolean further, NextFolder nextFolder) {
            try {
                copy.sync(mappings.get(index), nextFolder, r -> reports.set(index, r));
            } catch (LoginTurnedAwayException e) {
                if (!further) {
                    failed(e);
                    return false;
                }
                LOG.info("{}: a further connection was turned away ({}); its folder goes back to the others",
                        mailbox, e.getMessage());
                reports.set(index, null);
                handedBack.add(index);
                return false;
            } catch (RuntimeException e) {
                failed(e);
                return false;
            }
            return true;
        }

        /** The reports so far, in the order of the mappings. */
        void addReports(List<FolderReport> to) {
            for (int i = 0; i < mappings.size(); i++) {
                FolderReport r = reports.get(i);
                if (r != null) {
                    to.add(r);
                }
            }
        }

        void failed(RuntimeException e) {
            failure.compareAndSet(null, e);
            shared.stop();
        }
    }

    /** The folder a worker took ahead of its copy (see {@link NextFolder}), until it begins it. */
    private static final class Taken {
        private Integer ahead;

        /** The folder taken ahead, now begun; null if none was. */
        synchronized Integer begin() {
            Integer index = ahead;
            ahead = null;
            return index;
        }

        /** The folder taken ahead, taken now with {@code take} if none was yet; null if none is left. */
        synchronized Integer ahead(Supplier<Integer> take) {
            if (ahead == null) {
                ahead = take.get();
            }
            return ahead;
        }

        synchronized void giveBack(Hand hand) {
            if (ahead != null) {
                hand.handedBack.add(ahead);
                ahead = null;
            }
        }
    }
}
