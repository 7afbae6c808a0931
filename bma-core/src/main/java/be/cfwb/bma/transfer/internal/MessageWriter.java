package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.CopyTrace;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.MessageWaivers;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferSettings;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Appends read messages to the target and records each outcome in the folder's tally: copied,
 * skipped (refused for good) or, after {@link #MESSAGE_ATTEMPTS} retryable failures, failed.
 */
final class MessageWriter {

    /** Retryable failures one message may cause before it is given up and reported. */
    private static final int MESSAGE_ATTEMPTS = 3;

    private final TransferSettings settings;
    private final Reconnecting connections;
    private final TransferListener listener;
    private final BmaAddress mailbox;

    private final Ledger ledger;
    private final boolean dryRun;

    MessageWriter(TransferSettings settings, Reconnecting connections, TransferListener listener, BmaAddress mailbox,
                  Ledger ledger, boolean dryRun) {
        this.ledger = ledger;
        this.dryRun = dryRun;
        this.settings = settings;
        this.connections = connections;
        this.listener = listener;
        this.mailbox = mailbox;
    }

    /**
     * Stores the messages in order: runs of good ones in one {@link MailboxTarget#appendAll}
     * each, the others (read failures, too large) as {@link #store} does. After a batch failed
     * once, the folder goes on one message at a time, so that a failure is blamed on its message.
     */
    void storeAll(FolderMapping mapping, FolderPath path, List<Fetched> batch, FolderTally tally) {
        List<Fetched> run = new ArrayList<>();
        for (Fetched f : batch) {
            boolean appendable = f.crash() == null && f.failure() == null
                    && f.spooled().size() + f.overhead(settings.campaign()) <= settings.maxMessageSize();
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
        BitSet recorded = new BitSet(run.size());
        try {
            // An outcome is known on the target's answer to that message alone (a tagged OK, with
            // APPENDUID where given): a message without one is found by its trace on the next attempt.
            connections.target().appendAll(mapping.target(), run.stream().map(f -> stamped(f.spooled())).toList(), (outcome, i) -> {
                SourceMessage m = run.get(i).message();
                long size = run.get(i).spooled().size();
                if (outcome instanceof AppendOutcome.Copied) {
                    copied(path, m, size, tally);
                } else {
                    problem(tally, path, m, size, false, ((AppendOutcome.Rejected) outcome).reason());
                }
                recorded.set(i);
            });
        } catch (TransferException e) {
            if (e.isThrottled()) {
                // The server's load, not a message's fault: the run goes on in batches after the wait.
                throw e;
            }
            // The message at the failure is blamed, as one by one; in a batch sent as one
            // request it may be another's fault, so the folder goes on one message at a time.
            tally.oneByOne = true;
            if (!e.isRetryable()) {
                // Which message was refused is not known here: the attempt is retried one by one
                // (after reading the target's keys again), where the refusal falls on its message.
                throw TransferException.retryable(e.getMessage() + " (retrying one message at a time)", e);
            }
            // Answers come in order: the first message without one is the one that failed.
            throw blame(tally, path, run.get(Math.min(recorded.nextClearBit(0), run.size() - 1)).message(), e);
        }
    }

    private void copied(FolderPath path, SourceMessage m, long size, FolderTally tally) {
        tally.copied++;
        tally.copiedBytes += size;
        tally.copiedUids.add(m.uid());
        connections.madeProgress();
        listener.messageCopied(mailbox, path, m.uid(), size);
    }

    void store(FolderMapping mapping, FolderPath path, Fetched f, FolderTally tally) {
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
        long overhead = f.overhead(settings.campaign());
        // RFC822.SIZE is not trusted for the limit (some servers report it wrong): the spooled size decides.
        try (SpooledMessage spooled = f.spooled()) {
            if (spooled.size() + overhead > settings.maxMessageSize()) {
                problem(tally, path, m, spooled.size(), false, tooLarge(spooled.size() + overhead));
                return;
            }
            AppendOutcome outcome;
            try {
                outcome = connections.target().append(mapping.target(), stamped(spooled));
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

    /** The message as the target gets it: carrying this run's campaign, if it has one. */
    private MessageToCopy stamped(SpooledMessage spooled) {
        return settings.campaign().map(c -> CopyTrace.stamped(spooled, c)).orElse(spooled);
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
        tally.problems.put(m.uid(), new FolderTally.Problem(p, failed));
        if (!dryRun) {
            // Recorded so that ops can waive it (bma:waive) and the mailbox can go on.
            MessageWaivers.reported(ledger, mailbox, path, tally.uidValidity, p, failed);
        }
        connections.madeProgress();
        listener.messageProblem(mailbox, p);
    }
}
