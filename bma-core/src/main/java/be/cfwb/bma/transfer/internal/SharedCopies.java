package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.SourceMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The copies of one mailbox's folders that its idle connections may share in. A connection that
 * has no folder left would otherwise wait, its sessions open, for the one copying the mailbox's
 * largest folder (a school's INBOX is often half its bytes); instead it takes the upper half of
 * the messages that copy has not begun to read, and copies them beside it ({@link Part}).
 *
 * <p>Each message is still read and appended by one connection, its outcome known by its own
 * answer. The copy that was shared waits for its parts before it ends, and takes their numbers
 * and problems into its own: its folder's mark is recorded only once every part is done, and a
 * part that failed fails the copy's attempt, which is then retried whole (the target's copies read
 * again), never while a part still appends. Thread-safe: one per mailbox and pass.
 */
final class SharedCopies {

    /**
     * A copy shares only messages it has not begun to read that come to this many listed bytes
     * at least, half of them handed over: less would not pay for the part's own round trips (the
     * folder opened on both servers, its first read). Our assumption, from the WAN benchmark.
     */
    static final long SHARED_FROM_BYTES = 4L * 1024 * 1024;

    /** Copies that can be shared, in the order they began. */
    private final List<Share> offered = new ArrayList<>();
    /** Connections copying a folder or a part of one now: while there are any, more may be offered. */
    private int busy;
    private boolean stopped;

    /**
     * Opens the copy of {@code toCopy} (in UID order) for sharing; {@link Share#close} ends the offer.
     *
     * @param blame the retryable failures the copy's earlier attempts blamed on its messages, by UID
     * @param oneByOne true if the copy appends one message at a time (a batch failed before)
     */
    Share offer(FolderMapping mapping, FolderPath path, long uv, List<SourceMessage> toCopy, Map<Long, Integer> blame,
                boolean oneByOne) {
        Share share = new Share(this, mapping, path, uv, toCopy, Map.copyOf(blame), oneByOne);
        if (share.unclaimedBytes() >= SHARED_FROM_BYTES) { // else it never will be: it only shrinks
            synchronized (this) {
                offered.add(share);
                notifyAll();
            }
        }
        return share;
    }

    /** A connection begins taking the mailbox's folders (whose copies may offer shares). */
    synchronized void begin() {
        busy++;
    }

    /** A connection has no folder left to take, or ended a part. */
    synchronized void end() {
        busy--;
        notifyAll();
    }

    /** No connection takes a part any more: the mailbox stops. */
    synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    /**
     * For a connection with nothing else to do: a part of a copy in progress, taken now, or empty
     * once no connection is copying anything that could still be shared (or the mailbox stops).
     * Waits meanwhile: a folder being listed now may be the one worth sharing. A part returned
     * counts its connection busy until {@link #end}.
     */
    synchronized Optional<Part> awaitPart() throws InterruptedException {
        while (!stopped) {
            Share largest = null;
            long most = 0;
            for (Share s : offered) {
                long left = s.unclaimedBytes();
                if (left > most) {
                    largest = s;
                    most = left;
                }
            }
            Optional<Part> part = largest == null ? Optional.empty() : largest.split();
            if (part.isPresent()) {
                busy++;
                return part;
            }
            if (busy == 0) {
                return Optional.empty();
            }
            // Woken by a new offer, a connection's end or the stop (unclaimed bytes only shrink:
            // nothing else makes a part); the timeout only guards against a wake-up missed.
            wait(1000);
        }
        return Optional.empty();
    }

    private synchronized void withdraw(Share share) {
        offered.remove(share);
    }

    /**
     * One copy open for sharing: the messages in UID order, of which the copy reads from the front
     * ({@link #claim}) and a part takes the upper half of what is not yet read ({@link #split}).
     */
    static final class Share {
        private final SharedCopies copies;
        private final FolderMapping mapping;
        private final FolderPath path;
        private final long uv;
        private final List<SourceMessage> messages;
        private final Map<Long, Integer> blame;
        private final boolean oneByOne;
        /** The first message not yet claimed by this copy's reader. */
        private int front;
        /** The end of this copy's own messages: those from here on went to its parts. */
        private int end;
        private final List<Part> parts = new ArrayList<>();
        private boolean cancelled;

        private Share(SharedCopies copies, FolderMapping mapping, FolderPath path, long uv, List<SourceMessage> messages,
                      Map<Long, Integer> blame, boolean oneByOne) {
            this.copies = copies;
            this.mapping = mapping;
            this.path = path;
            this.uv = uv;
            this.messages = messages;
            this.blame = blame;
            this.oneByOne = oneByOne;
            this.end = messages.size();
        }

        /** How many messages this copy itself has to do: fewer once a part took some. */
        synchronized int size() {
            return end;
        }

        /** The next messages this copy reads in one request ({@link MessageReader#smallRun}); empty once all are claimed. */
        synchronized List<SourceMessage> claim() {
            if (front >= end) {
                return List.of();
            }
            List<SourceMessage> run = MessageReader.smallRun(messages.subList(0, end), front);
            front += run.size();
            return run;
        }

        private synchronized long unclaimedBytes() {
            if (cancelled) {
                return 0;
            }
            long bytes = 0;
            for (int i = front; i < end; i++) {
                bytes += messages.get(i).size();
            }
            return bytes;
        }

        /** The upper half (by bytes) of what is unclaimed, as a part of its own; empty if too little is left. */
        private synchronized Optional<Part> split() {
            long left = unclaimedBytes();
            if (left < SHARED_FROM_BYTES || end - front < 2) {
                return Optional.empty();
            }
            int at = end;
            long upper = 0;
            while (at - 1 > front && upper + messages.get(at - 1).size() <= left / 2) {
                upper += messages.get(--at).size();
            }
            if (at == end) {
                return Optional.empty(); // one message holds more than half: not shared
            }
            Part part = new Part(copies.offer(mapping, path, uv, List.copyOf(messages.subList(at, end)), blame, oneByOne));
            end = at;
            parts.add(part);
            return Optional.of(part);
        }

        /** Stops the parts (they append nothing more): this copy's attempt failed. */
        synchronized void cancel() {
            cancelled = true;
            parts.forEach(p -> p.share.cancel());
        }

        synchronized boolean isCancelled() {
            return cancelled;
        }

        FolderMapping mapping() {
            return mapping;
        }

        FolderPath path() {
            return path;
        }

        long uv() {
            return uv;
        }

        /**
         * Ends the offer, waits for every part to end, and takes their numbers and problems into
         * {@code tally}; returns the first part's failure, if one failed.
         */
        Optional<RuntimeException> close(FolderTally tally) {
            copies.withdraw(this);
            List<Part> all;
            synchronized (this) {
                end = Math.min(end, front); // nothing more to split off
                all = List.copyOf(parts);
            }
            RuntimeException failure = null;
            boolean interrupted = false;
            for (Part p : all) {
                while (true) {
                    try {
                        p.awaitEnd();
                        break;
                    } catch (InterruptedException e) {
                        // A part still appending must end before the attempt does (see the class): wait on.
                        interrupted = true;
                    }
                }
                p.addTo(tally);
                if (failure == null && p.failure != null) {
                    failure = p.failure;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return Optional.ofNullable(failure);
        }
    }

    /** Messages of a copy another connection does, with its own numbers until the copy takes them. */
    static final class Part {
        private final Share share;
        private final FolderTally tally = new FolderTally();
        private RuntimeException failure;
        private boolean ended;

        private Part(Share share) {
            this.share = share;
            tally.uidValidity = share.uv;
            tally.blame.putAll(share.blame);
            tally.oneByOne = share.oneByOne;
        }

        Share share() {
            return share;
        }

        FolderTally tally() {
            return tally;
        }

        /**
         * Not copied, or not all of it, for {@code reason}: its own parts are stopped and waited
         * for, then the copy it came from learns it failed.
         */
        void notCopied(RuntimeException reason) {
            share.cancel();
            share.close(tally);
            ended(reason);
        }

        /** Done by its connection, which failed with {@code e} if not null. */
        synchronized void ended(RuntimeException e) {
            failure = e;
            ended = true;
            notifyAll();
        }

        private synchronized void awaitEnd() throws InterruptedException {
            while (!ended) {
                wait();
            }
        }

        private synchronized void addTo(FolderTally into) {
            into.copied += tally.copied;
            into.copiedBytes += tally.copiedBytes;
            into.copiedUids.addAll(tally.copiedUids);
            into.problems.putAll(tally.problems);
            tally.blame.forEach((uid, n) -> into.blame.merge(uid, n - share.blame.getOrDefault(uid, 0), Integer::sum));
            into.oneByOne |= tally.oneByOne;
        }
    }
}
