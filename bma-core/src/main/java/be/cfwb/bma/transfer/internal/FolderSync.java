package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.transfer.FolderListing;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.MessageWaivers;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TargetMessage;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.UnreadableMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;

/**
 * One attempt at one folder: lists the source above the high-water mark, compares it with the
 * target's copies, copies what is missing and records the new mark in the ledger.
 */
final class FolderSync {

    private final Ledger ledger;
    private final TransferListener listener;
    private final BmaAddress mailbox;
    private final Pass pass;
    private final boolean dryRun;
    private final Reconnecting connections;
    private final MailboxHistory history;
    private final CopyPipeline pipeline;

    FolderSync(Ledger ledger, TransferListener listener, BmaAddress mailbox, Pass pass, boolean dryRun,
               Reconnecting connections, MailboxHistory history, CopyPipeline pipeline) {
        this.ledger = ledger;
        this.listener = listener;
        this.mailbox = mailbox;
        this.pass = pass;
        this.dryRun = dryRun;
        this.connections = connections;
        this.history = history;
        this.pipeline = pipeline;
    }

    void syncOnce(FolderMapping mapping, FolderTally tally) {
        MailboxSource source = connections.source();
        MailboxTarget target = connections.target();
        FolderPath path = mapping.source().path();
        Optional<MailboxHistory.HighWater> hw = mapping.source().holdsMessages()
                ? history.highWater(path) : Optional.empty();
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
        tally.found = listing.messages().size() + listing.unreadable().size();
        tally.foundBytes = listing.messages().stream().mapToLong(SourceMessage::size).sum();
        unreadable(path, listing, tally);
        if (after > 0 && listing.messages().isEmpty()) {
            // A pre-stage rerun with nothing above the last UID done: nothing to copy, so the
            // target need not be read (the final pass compares everything).
            return;
        }
        if (!dryRun && hw.isPresent() && pass == Pass.PRESTAGE) {
            target.ensureFolder(mapping.target());
        }

        TargetCopies copies = TargetCopies.read(target.messages(mapping.target()), mailbox, path, uv);
        if (copies.duplicates() > 0) {
            tally.notes.add(copies.duplicates()
                    + " message(s) are on the target more than once (not by this run); see bma:verify");
        }
        if (!copies.matcher().isEmpty()) {
            // Copies made under an earlier UIDVALIDITY are recognised by Message-ID: read them now.
            FolderListing withIds = source.list(path, after, true);
            if (withIds.uidValidity() != uv) {
                throw TransferException.retryable("UIDVALIDITY of " + path + " changed again during the pass", null);
            }
            listing = withIds;
            unreadable(path, listing, tally);
            tally.found = listing.messages().size() + listing.unreadable().size();
            tally.foundBytes = listing.messages().stream().mapToLong(SourceMessage::size).sum();
        }

        List<SourceMessage> toCopy = new ArrayList<>();
        Set<Long> waived = MessageWaivers.waived(ledger, mailbox, path, uv);
        int present = 0;
        for (SourceMessage m : listing.messages()) {
            TargetMessage t = copies.copyOf(new SourceKey(mailbox, path, uv, m.uid()), m);
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
        listener.folderStarted(mailbox, mapping, listing.messages().size(), toCopy.size(),
                toCopy.stream().mapToLong(SourceMessage::size).sum());
        if (dryRun) {
            // What would be copied, by the sizes the source reports; nothing is written anywhere.
            tally.copied = toCopy.size();
            tally.copiedBytes = toCopy.stream().mapToLong(SourceMessage::size).sum();
            return;
        }
        pipeline.copyAll(mapping, path, uv, toCopy, tally);
        long highest = after;
        long firstUnreadable = listing.unreadable().isEmpty() ? Long.MAX_VALUE : listing.unreadable().get(0).uid();
        for (SourceMessage m : listing.messages()) {
            // A message refused for good (over quota, too large) stays below the mark too: once
            // the quota is raised, the next pre-stage tries it again instead of calling the
            // mailbox complete without it. So does one the old server could not list.
            if (tally.problems.containsKey(m.uid()) || m.uid() > firstUnreadable) {
                break;
            }
            highest = m.uid();
        }
        if (hw.isPresent() && hw.get().uidValidity() == uv && hw.get().highestUid() == highest) {
            return; // nothing new to remember; spares an fsync per folder on no-op reruns
        }
        ledger.append(LedgerEntry.of(new Event.FolderSynced(path.encoded(), uv, highest, pass.label())).mailbox(mailbox));
    }

    /** Reports, once each, the messages the old server listed but whose answers could not be read. */
    private void unreadable(FolderPath path, FolderListing listing, FolderTally tally) {
        for (UnreadableMessage u : listing.unreadable()) {
            if (!tally.problems.containsKey(u.uid())) {
                // Its size and date are what could not be read: the report shows 0 and the epoch.
                MessageProblem p = new MessageProblem(path, u.uid(), 0, Instant.EPOCH, u.reason());
                tally.problems.put(u.uid(), new FolderTally.Problem(p, true));
                if (!dryRun) {
                    MessageWaivers.reported(ledger, mailbox, path, tally.uidValidity, p, true);
                }
                connections.madeProgress();
                listener.messageProblem(mailbox, p);
            }
        }
    }

    /** The target's copies of one source folder: by key under the current UIDVALIDITY, else by content. */
    private record TargetCopies(Map<SourceKey, TargetMessage> byKey, ContentMatcher matcher, int duplicates) {

        static TargetCopies read(List<TargetMessage> onTarget, BmaAddress mailbox, FolderPath path, long uv) {
            Map<SourceKey, TargetMessage> byKey = new HashMap<>();
            List<TargetMessage> stale = new ArrayList<>();
            int duplicates = 0;
            for (TargetMessage t : onTarget) {
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
            return new TargetCopies(byKey, new ContentMatcher(stale), duplicates);
        }

        /** The copy of {@code m} on the target, or null; a copy found by content is used once. */
        TargetMessage copyOf(SourceKey key, SourceMessage m) {
            TargetMessage t = byKey.get(key);
            if (t == null && !matcher.isEmpty()) {
                t = matcher.take(m);
            }
            return t;
        }
    }
}
