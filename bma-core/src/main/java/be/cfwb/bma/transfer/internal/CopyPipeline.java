package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TransferException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copies the messages of one folder: a reader thread fetches and spools the next messages while
 * this thread APPENDs, so the source's and the target's round trips overlap.
 */
final class CopyPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(CopyPipeline.class);
    /**
     * Listed bytes the reader may have read ahead of the APPENDs, at most (one message over it
     * still passes alone): bounds memory and disk per mailbox and sets the APPEND batches.
     */
    private static final long READ_AHEAD_BYTES = 4L * 1024 * 1024;
    /** Messages one APPEND request (MULTIAPPEND where the target has it) carries at most. */
    private static final int APPEND_COUNT = 100;

    /**
     * The threads that read ahead, kept between folders and mailboxes for a minute (daemons): with
     * a thread per folder, each folder's socket reads began without the thread's cached buffers (a
     * recording showed their lookups among the client's hottest frames), and reused threads
     * lowered the client's CPU per pass in the benchmark.
     */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bma-reader");
        t.setDaemon(true);
        return t;
    });

    private final Reconnecting connections;
    private final MessageReader reader;
    private final MessageWriter writer;
    private final BmaAddress mailbox;
    private final SharedCopies shared;

    /** @param shared the copies of the mailbox that its connections may share in */
    CopyPipeline(Reconnecting connections, MessageReader reader, MessageWriter writer, BmaAddress mailbox,
                 SharedCopies shared) {
        this.shared = shared;
        this.connections = connections;
        this.reader = reader;
        this.writer = writer;
        this.mailbox = mailbox;
    }

    /**
     * Copies {@code toCopy} in UID order. A reader thread fetches and spools the next messages
     * (within {@link #READ_AHEAD_BYTES} ahead) while this thread APPENDs, so the source's and the
     * target's round trips overlap; the source is only touched by the reader meanwhile. The mailbox's
     * idle connections may take the upper part of what is not read yet ({@link SharedCopies}): this
     * returns once they are done too, with their numbers in {@code tally}, and fails if one did.
     *
     * @param preRead      bodies the source read with the folder's listing, by UID (a folder of
     *                     at most {@link #readWithListingAtMost()} bytes): spooled from there
     *                     instead of read again
     * @param afterReading run on the reader's thread once every message is read, while the last
     *                     ones are appended (the source is its own until it returns); not run
     *                     if the reading stopped early, or without a reader (one message)
     */
    void copyAll(FolderMapping mapping, FolderPath path, long uv, List<SourceMessage> toCopy, FolderTally tally,
                 Map<Long, ByteBuffer> preRead, Runnable afterReading) {
        if (toCopy.size() <= 1) {
            for (SourceMessage m : toCopy) {
                ByteBuffer bytes = preRead.get(m.uid());
                Fetched f = bytes != null ? reader.spool(path, uv, m, bytes) : reader.fetch(path, uv, m);
                writer.store(mapping, path, f, tally);
            }
            return;
        }
        SharedCopies.Share share = shared.offer(mapping, path, uv, toCopy, tally.blame, tally.oneByOne);
        try {
            copy(share, tally, preRead, afterReading);
        } catch (RuntimeException | Error e) {
            share.cancel();
            share.close(tally); // no part appends once this attempt is over, whatever it throws
            throw e;
        }
        Optional<RuntimeException> partFailed = share.close(tally);
        if (partFailed.isPresent()) {
            // This attempt is retried whole, the target's copies read again: the part's messages
            // whose answer never came are found there, not copied twice.
            throw partFailed.get();
        }
    }

    /**
     * Copies a part of another connection's copy ({@link SharedCopies#awaitPart}) and hands its
     * outcome to that copy, which waits for it. A part that failed leaves these connections
     * closed: the next use opens them again.
     */
    void copyPart(SharedCopies.Part part) {
        SharedCopies.Share share = part.share();
        RuntimeException failure = null;
        boolean done = false;
        try {
            copy(share, part.tally(), Map.of(), () -> { });
            done = true;
        } catch (RuntimeException e) {
            failure = e;
            LOG.debug("{}: a part of {}'s copy failed on another connection: {}", mailbox, share.path(), e.getMessage());
        } finally {
            if (done) {
                part.ended(share.close(part.tally()).orElse(null));
            } else {
                // Also after an Error: the copy waiting for this part must learn it was not done.
                connections.disconnect();
                part.notCopied(failure != null ? failure : TransferException.permanent("The copy of part of "
                        + share.path() + " in " + mailbox + " stopped unexpectedly", null));
            }
        }
    }

    /** Copies {@code share}'s own messages, as {@link #copyAll} describes. */
    private void copy(SharedCopies.Share share, FolderTally tally, Map<Long, ByteBuffer> preRead,
                      Runnable afterReading) {
        FolderMapping mapping = share.mapping();
        FolderPath path = share.path();
        long uv = share.uv();
        BlockingQueue<Fetched> queue = new LinkedBlockingQueue<>();
        Semaphore budget = new Semaphore(budgetUnits(Long.MAX_VALUE));
        AtomicBoolean stop = new AtomicBoolean();
        Reading reading = Reading.start(Thread.currentThread().getName() + "-reader",
                () -> {
                    if (readAhead(path, uv, share, preRead, queue, budget, stop)) {
                        afterReading.run();
                    }
                });
        TransferException thrown = null;
        try {
            int done = 0;
            while (done < share.size()) {
                if (share.isCancelled()) {
                    throw TransferException.retryable("The copy of " + path + " in " + mailbox
                            + " stopped: another connection's part of it failed", null);
                }
                Fetched f;
                while ((f = queue.poll(1, TimeUnit.SECONDS)) == null) {
                    if (!reading.isRunning() && queue.isEmpty() && done < share.size()) {
                        throw new IllegalStateException("The reader of " + path + " in " + mailbox + " stopped unexpectedly");
                    }
                }
                List<Fetched> batch = new ArrayList<>();
                batch.add(f);
                synchronized (queue) { // the rest of a read handed over at once comes with it
                    while (batch.size() < APPEND_COUNT && (f = queue.poll()) != null) {
                        batch.add(f);
                    }
                }
                done += batch.size();
                try {
                    writer.storeAll(mapping, path, batch, tally);
                } catch (TransferException e) {
                    thrown = e;
                    throw e;
                } finally {
                    for (Fetched b : batch) {
                        countUnseenThrottling(b, thrown);
                        b.close();
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
                drainAndClose(queue, budget, thrown);
                try {
                    reading.awaitEnd(50);
                } catch (InterruptedException e) {
                    reading.interrupt();
                    Thread.currentThread().interrupt();
                }
            } while (reading.isRunning());
            drainAndClose(queue, budget, thrown);
        }
    }

    /** One folder's read-ahead on a thread of {@link #READERS}, named after the copy it reads for while it runs. */
    private static final class Reading {
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Thread runner;

        static Reading start(String name, Runnable work) {
            Reading reading = new Reading();
            READERS.execute(() -> {
                Thread thread = Thread.currentThread();
                String idle = thread.getName();
                thread.setName(name);
                reading.runner = thread;
                try {
                    work.run();
                } finally {
                    reading.runner = null;
                    thread.setName(idle);
                    reading.ended.countDown();
                }
            });
            return reading;
        }

        boolean isRunning() {
            return ended.getCount() > 0;
        }

        void awaitEnd(long millis) throws InterruptedException {
            ended.await(millis, TimeUnit.MILLISECONDS);
        }

        /** Interrupts the read if it still runs; the pool clears the flag before the thread's next task. */
        void interrupt() {
            Thread thread = runner;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /**
     * The reader thread's work: reads {@code share}'s messages in order into {@code queue}, within the
     * budget; true if it read them all, false if it stopped early.
     */
    private boolean readAhead(FolderPath path, long uv, SharedCopies.Share share, Map<Long, ByteBuffer> preRead,
                              BlockingQueue<Fetched> queue, Semaphore budget, AtomicBoolean stop) {
        while (true) {
            if (stop.get()) {
                return false;
            }
            List<SourceMessage> batch = share.claim();
            if (batch.isEmpty()) {
                return true;
            }
            Map<Long, ByteBuffer> read;
            try {
                // One announced far over the target's limit is not downloaded at all (fetch() says so).
                List<Long> uids = batch.stream().filter(m -> !reader.announcedTooLarge(m) && !preRead.containsKey(m.uid()))
                        .map(SourceMessage::uid).toList();
                read = uids.size() > 1 ? connections.source().readAll(path, uv, uids) : Map.of();
            } catch (TransferException e) {
                // Each message is then read on its own, and its failure is its own; the
                // failed batch still counts as a retry, so the report shows the trouble.
                connections.readRetried();
                LOG.info("{}: reading {} messages of {} at once failed ({}); reading them one by one",
                        mailbox, batch.size(), path, e.getMessage());
                read = Map.of();
                if (e.isThrottled() && connections.backOff(e, 1).isEmpty()) {
                    return false;
                }
            }
            if (read.isEmpty() && batch.stream().noneMatch(m -> preRead.containsKey(m.uid()))) {
                // Read one by one: each is handed over as soon as read.
                for (SourceMessage m : batch) {
                    Fetched f = reader.fetch(path, uv, m);
                    if (!handOver(List.of(f), queue, budget)) {
                        f.close();
                        return false;
                    }
                    if (ends(f) || stop.get()) {
                        return false;
                    }
                }
                continue;
            }
            // What one request read is spooled whole and handed over at once: the writer, woken
            // by the first message, would otherwise APPEND it alone and wait a round trip for its
            // answer before the rest.
            List<Fetched> whole = new ArrayList<>(batch.size());
            for (SourceMessage m : batch) {
                ByteBuffer bytes = preRead.getOrDefault(m.uid(), read.get(m.uid()));
                Fetched f = bytes != null ? reader.spool(path, uv, m, bytes) : reader.fetch(path, uv, m);
                whole.add(f);
                if (ends(f)) {
                    break;
                }
            }
            if (!handOver(whole, queue, budget)) {
                whole.forEach(Fetched::close);
                return false;
            }
            if (ends(whole.get(whole.size() - 1)) || stop.get()) {
                return false;
            }
        }
    }

    /** The largest folder whose bodies this pipeline takes read with its listing (see {@link #copyAll}). */
    long readWithListingAtMost() {
        return reader.readWithListingAtMost();
    }

    /**
     * Hands {@code fetched} to the writer, all at once (the writer takes what is queued under the
     * same lock), once the read-ahead budget has room for all (a read is at most half of it);
     * false, nothing handed over, if the wait was interrupted.
     */
    private static boolean handOver(List<Fetched> fetched, BlockingQueue<Fetched> queue, Semaphore budget) {
        int units = 0;
        for (Fetched f : fetched) {
            units += budgetUnits(f.message().size());
        }
        try {
            budget.acquire(units);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        synchronized (queue) {
            queue.addAll(fetched);
        }
        return true;
    }

    /** True if {@code f} ends the folder's attempt (a crash, a retryable failure): it is resumed after reconnecting. */
    private static boolean ends(Fetched f) {
        return f.crash() != null || (f.failure() != null && f.failure().isRetryable());
    }

    /**
     * A throttled read the writer never reached (it stopped at an earlier failure, {@code thrown})
     * was still a throttled answer from the server: the report counts every one.
     */
    private void countUnseenThrottling(Fetched f, TransferException thrown) {
        if (f.failure() != null && f.failure().isThrottled() && f.failure() != thrown) {
            connections.throttledWithoutRetry();
        }
    }

    /** Read-ahead budget units (KiB) a message of {@code size} listed bytes takes; never more than the whole. */
    private static int budgetUnits(long size) {
        return (int) Math.max(1, Math.min(READ_AHEAD_BYTES, size) / 1024);
    }

    /** Frees what the reader left, and its budget, so that a reader waiting for budget sees the stop. */
    private void drainAndClose(BlockingQueue<Fetched> queue, Semaphore budget, TransferException thrown) {
        List<Fetched> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Fetched f : rest) {
            countUnseenThrottling(f, thrown);
            f.close();
            budget.release(budgetUnits(f.message().size()));
        }
    }
}
