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
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.MessageWaivers;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.SyncedFlags;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TargetMessage;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.UnreadableMessage;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at one folder: lists the source above the high-water mark, compares it with the
 * target's copies, copies what is missing and records the new mark in the ledger.
 */
final class FolderSync {

    private static final Logger LOG = LoggerFactory.getLogger(FolderSync.class);

    private final Ledger ledger;
    private final TransferListener listener;
    private final BmaAddress mailbox;
    private final Pass pass;
    private final boolean dryRun;
    private final Reconnecting connections;
    private final MailboxHistory history;
    private final CopyPipeline pipeline;
    private final StaleCopies stale;
    private final SyncedFlags synced;
    /** The next folder's listing once {@link #listAhead} read it, until that folder's attempt takes it. */
    private final AtomicReference<ListedAhead> listedAhead = new AtomicReference<>();

    FolderSync(Ledger ledger, TransferListener listener, BmaAddress mailbox, Pass pass, boolean dryRun,
               Reconnecting connections, MailboxHistory history, CopyPipeline pipeline, StaleCopies stale,
               SyncedFlags synced) {
        this.stale = stale;
        this.synced = synced;
        this.ledger = ledger;
        this.listener = listener;
        this.mailbox = mailbox;
        this.pass = pass;
        this.dryRun = dryRun;
        this.connections = connections;
        this.history = history;
        this.pipeline = pipeline;
    }

    /**
     * One attempt at {@code mapping}'s folder.
     *
     * @param next the worker's next folder: its listing is read while this folder's last copies
     *             are appended, so that the old server does not wait for the target's answers
     */
    void syncOnce(FolderMapping mapping, FolderWorkers.NextFolder next, FolderTally tally) {
        MailboxSource source = connections.source();
        MailboxTarget target = connections.target();
        FolderPath path = mapping.source().path();
        Optional<ListedAhead> readAhead = Optional.ofNullable(listedAhead.getAndSet(null))
                .filter(a -> a.path().equals(path));
        Optional<MailboxHistory.HighWater> hw = highWater(history, mapping);
        if (!dryRun && ensuresTargetFolder(pass, hw)) {
            target.ensureFolder(mapping.target());
        }
        if (!mapping.source().holdsMessages()) {
            return;
        }
        OptionalLong listedAbove = listedAbove(mapping);
        if (listedAbove.isEmpty()) {
            if (hw.isEmpty()) {
                knownEmpty(mapping, source.knownEmpty(path).orElseThrow(), tally);
            } else {
                // A pre-stage rerun with nothing new: one STATUS instead of EXAMINE and FETCH, and the
                // target is not read (the final pass compares everything). Also for a folder done
                // empty: UIDNEXT 1 says no message has ever been in it.
                tally.uidValidity = hw.get().uidValidity();
            }
            return;
        }
        long listedFrom = listedAbove.getAsLong();
        Supplier<FolderListing.WithBodies> firstListing = () -> readAhead.filter(a -> a.above() == listedFrom)
                .map(ListedAhead::listed).orElseGet(() -> firstListing(path, listedFrom, hw));
        long after = listedFrom;
        FolderListing.WithBodies first;
        List<TargetMessage> readAlongside = null;
        if (ensuresTargetFolder(pass, hw) && source.knownEmpty(path).isEmpty()) {
            // Its copies are read beside its listing (the target's SELECT and FETCH, if any, in
            // the same round trip as the old server's): the copy needs them unless the folder is
            // empty, which the pass's status listing would have shown. A pre-stage rerun's folder
            // is read only once its listing shows something new.
            AtomicReference<FolderListing.WithBodies> listed = new AtomicReference<>();
            AtomicReference<List<TargetMessage>> copies = new AtomicReference<>();
            connections.atOnce(() -> listed.set(firstListing.get()), () -> copies.set(target.messages(mapping.target())));
            first = listed.get();
            readAlongside = copies.get();
        } else {
            first = firstListing.get();
        }
        FolderListing listing = first.listing();
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

        if (after == 0) {
            stale.uids().known(path, listing);
        }
        // Nothing listed, nothing to compare: the target's copies would only be read to be ignored.
        List<TargetMessage> onTarget = listing.messages().isEmpty() ? List.of()
                : readAlongside != null ? readAlongside : target.messages(mapping.target());
        TargetCopies copies = TargetCopies.read(onTarget, mailbox, path, uv);
        if (copies.duplicates() > 0) {
            tally.notes.add(copies.duplicates()
                    + " message(s) are on the target more than once (not by this run); see bma:verify");
        }
        ContentMatcher matcher = null;
        if (listing.messages().stream().anyMatch(m -> unmatched(copies, tally, new SourceKey(mailbox, path, uv, m.uid())))) {
            matcher = stale.matcher(mapping.target(), onTarget, path, uv);
            if (!matcher.isEmpty()) {
                // Stale copies are recognised by Message-ID and header: read the Message-IDs now.
                FolderListing withIds = source.list(path, after, true);
                if (withIds.uidValidity() != uv) {
                    throw TransferException.retryable("UIDVALIDITY of " + path + " changed again during the pass", null);
                }
                listing = withIds;
                unreadable(path, listing, tally);
                tally.found = listing.messages().size() + listing.unreadable().size();
                tally.foundBytes = listing.messages().stream().mapToLong(SourceMessage::size).sum();
            }
        }

        List<SourceMessage> toCopy = new ArrayList<>();
        Set<Long> waived = MessageWaivers.waived(ledger, mailbox, path, uv);
        int present = 0;
        int deleted = 0;
        for (SourceMessage m : listing.messages()) {
            SourceKey key = new SourceKey(mailbox, path, uv, m.uid());
            TargetMessage t = copies.byKey().get(key);
            TargetFolder where = mapping.target();
            if (t == null) {
                t = tally.moved.get(m.uid());
            }
            if (t == null && synced.copied(key)) {
                // The ledger knows it was copied, and its copy is gone: the user deleted (or moved)
                // it on the new mailbox. The user's action wins; the old server still has it.
                deleted++;
                continue;
            }
            if (t == null && matcher != null && matcher.mayMatch(m)) {
                ContentMatcher.Candidate c = stale.take(matcher, path, uv, m);
                if (c != null) {
                    t = c.copy();
                    where = c.folder();
                }
            }
            if (t != null) {
                if (!tally.copiedUids.contains(m.uid())) {
                    present++;
                }
                TargetMessage copy = t;
                MessageFlags wanted = synced.base(t.key()).map(b -> SyncedFlags.merge(b, m.flags(), copy.flags()))
                        .orElse(m.flags());
                if (!dryRun && !t.flags().equals(wanted) && tally.flagsUpdated.add(m.uid())) {
                    target.updateFlags(where, t, wanted);
                }
                if (!where.equals(mapping.target()) && !dryRun) {
                    // A message moved (or its folder renamed) on the old server: its copy follows it.
                    if (target.move(where, t, mapping.target())) {
                        tally.moved.put(m.uid(), t);
                        tally.movedCount++;
                    } else {
                        present--;
                        toCopy.add(m);
                        continue;
                    }
                }
                if (!dryRun) {
                    synced.record(t.key(), m.flags());
                }
            } else if (waived.contains(m.uid())) {
                tally.waived.add(m.uid()); // ops gave it up (bma:waive): never copied, never a problem again
            } else if (!tally.problems.containsKey(m.uid())) {
                toCopy.add(m);
            }
        }
        tally.deletedOnTarget = deleted;
        if (tally.movedCount > 0 && tally.notes.stream().noneMatch(n -> n.contains("moved on the old server"))) {
            tally.notes.add(tally.movedCount + " message(s) moved on the old server (or in a renamed folder) since their"
                    + " copy: the copy moved here on the target, not copied again");
        }
        if (deleted > 0) {
            tally.notes.add(deleted + " message(s) deleted on the target after their copy (by the user): not copied"
                    + " again; the old server still has them");
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
        try {
            // Bodies read with the listing are by UID under its UIDVALIDITY, which a listing read again kept (checked above).
            Map<Long, ByteBuffer> preRead = first.listing().uidValidity() == uv ? first.bodies() : Map.of();
            pipeline.copyAll(mapping, path, uv, toCopy, tally, preRead, () -> listAhead(next));
        } finally {
            for (SourceMessage m : toCopy) {
                if (tally.copiedUids.contains(m.uid())) {
                    synced.record(new SourceKey(mailbox, path, uv, m.uid()), m.flags());
                }
            }
            synced.flush(ledger);
        }
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

    /**
     * The UID above which this pass first lists {@code mapping}'s folder (0: all of it); empty if
     * it lists nothing: a folder without messages, or, on a pre-stage, one the pass's status
     * listing shows empty (done for the first time) or without anything new (done before).
     */
    private OptionalLong listedAbove(FolderMapping mapping) {
        if (!mapping.source().holdsMessages()) {
            return OptionalLong.empty();
        }
        if (pass != Pass.PRESTAGE) {
            return OptionalLong.of(0);
        }
        FolderPath path = mapping.source().path();
        Optional<MailboxHistory.HighWater> hw = history.highWater(path);
        if (hw.isEmpty()) {
            return connections.source().knownEmpty(path).isPresent() ? OptionalLong.empty() : OptionalLong.of(0);
        }
        long highest = hw.get().highestUid();
        return connections.source().nothingAbove(path, hw.get().uidValidity(), highest) ? OptionalLong.empty()
                : OptionalLong.of(highest);
    }

    /**
     * On the reader's thread, once this folder's messages are all read: lists the worker's next
     * folder, as its attempt will, while this one's last copies are appended. A failure leaves the
     * next folder to list for itself (a throttling answer still counts).
     */
    private void listAhead(FolderWorkers.NextFolder next) {
        try {
            Optional<FolderMapping> mapping = next.take();
            OptionalLong above = mapping.isPresent() ? listedAbove(mapping.get()) : OptionalLong.empty();
            if (above.isPresent()) {
                FolderPath path = mapping.get().source().path();
                listedAhead.set(new ListedAhead(path, above.getAsLong(),
                        firstListing(path, above.getAsLong(), highWater(history, mapping.get()))));
            }
        } catch (TransferException e) {
            if (e.isThrottled()) {
                connections.throttledWithoutRetry();
            }
            LOG.debug("{}: the next folder's listing, read ahead, failed: {}", mailbox, e.getMessage());
        } catch (RuntimeException e) {
            // Whatever went wrong, the folder's own attempt meets it again, where it is reported.
            LOG.debug("{}: the next folder's listing, read ahead, failed", mailbox, e);
        }
    }

    /**
     * A folder's first listing in this attempt, from {@code above}: a folder done for the first
     * time (its whole listing, all of it to copy unless an earlier run copied it without a
     * record) is read with its listing where the source can and the folder is small, in the
     * same round trip, instead of in a FETCH of its own after it.
     */
    private FolderListing.WithBodies firstListing(FolderPath path, long above,
                                                  Optional<MailboxHistory.HighWater> hw) {
        MailboxSource source = connections.source();
        return above == 0 && hw.isEmpty() && !dryRun ? source.listWithBodies(path, pipeline.readWithListingAtMost())
                : source.list(path, above, false).withoutBodies();
    }

    /** A folder's first listing, read while the folder before it was finished. */
    private record ListedAhead(FolderPath path, long above, FolderListing.WithBodies listed) {
    }

    /** Where an earlier pass left the folder, if it holds messages and one did. */
    static Optional<MailboxHistory.HighWater> highWater(MailboxHistory history, FolderMapping mapping) {
        return mapping.source().holdsMessages() ? history.highWater(mapping.source().path()) : Optional.empty();
    }

    /**
     * True if the folder's copy first makes sure its target folder exists: a folder new to the
     * passes, or any on the final pass (a pre-stage rerun makes it only once it has mail to copy).
     */
    static boolean ensuresTargetFolder(Pass pass, Optional<MailboxHistory.HighWater> hw) {
        return hw.isEmpty() || pass == Pass.FINAL;
    }

    /**
     * A folder done for the first time that the pass's listing showed empty: its target folder is
     * made (above), neither side is opened, and its mark is the last UID the folder ever gave, so
     * that the next pre-stage finds nothing above it by its status alone. A message that arrived
     * since the listing has a higher UID: the next pass copies it.
     */
    private void knownEmpty(FolderMapping mapping, MailboxSource.EmptyFolder empty, FolderTally tally) {
        FolderPath path = mapping.source().path();
        tally.uidValidity = empty.uidValidity();
        stale.uids().known(path, new FolderListing(empty.uidValidity(), List.of()));
        listener.folderStarted(mailbox, mapping, 0, 0, 0);
        if (!dryRun) {
            ledger.append(LedgerEntry.of(new Event.FolderSynced(path.encoded(), empty.uidValidity(),
                    empty.uidNext() - 1, pass.label())).mailbox(mailbox));
        }
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

    /** True if {@code key}'s message has neither its own copy, nor one moved, nor a record of a copy the user deleted. */
    private boolean unmatched(TargetCopies copies, FolderTally tally, SourceKey key) {
        return !copies.byKey().containsKey(key) && !tally.moved.containsKey(key.uid()) && !synced.copied(key);
    }

    /** The target's copies of one source folder under its current UIDVALIDITY, by key. */
    private record TargetCopies(Map<SourceKey, TargetMessage> byKey, int duplicates) {

        static TargetCopies read(List<TargetMessage> onTarget, BmaAddress mailbox, FolderPath path, long uv) {
            Map<SourceKey, TargetMessage> byKey = new HashMap<>();
            int duplicates = 0;
            for (TargetMessage t : onTarget) {
                SourceKey k = t.key();
                if (k.sameFolder(mailbox, path) && k.uidValidity() == uv && byKey.putIfAbsent(k, t) != null) {
                    duplicates++;
                }
            }
            return new TargetCopies(byKey, duplicates);
        }
    }
}
