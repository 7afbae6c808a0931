package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TargetMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The copies of one mailbox whose trace key names a message the old server no longer has
 * ({@link SourceUids}): renumbered (UIDVALIDITY reset), moved to another folder, or in a folder
 * renamed there. A message without a copy of its own is matched against them by content
 * ({@link ContentMatcher}) before it is copied. On a pre-stage, only the folder's own target
 * folder is searched; on the final pass, every target folder of the mailbox (also those of
 * folders the old server no longer has, {@link #searchAlso}), read once at first need, so that the
 * copy of a moved message is found wherever it is and moved after it, not copied again.
 *
 * <p>Each folder worker of a mailbox has its own view ({@link #forWorker}), reading through its
 * own connections; what was listed and the mailbox-wide matcher are shared, so that a copy is
 * taken at most once whichever worker finds its message.
 */
final class StaleCopies {

    /** What the views of one mailbox share; the matcher is built under its lock. */
    private static final class Shared {
        private volatile List<TargetFolder> folders = List.of();
        private ContentMatcher mailboxWide;
    }

    private final Reconnecting connections;
    private final BmaAddress mailbox;
    private final Pass pass;
    private final SourceUids uids;
    private final Shared shared;

    StaleCopies(Reconnecting connections, BmaAddress mailbox, Pass pass) {
        this(connections, mailbox, pass, new SourceUids(connections::source), new Shared());
    }

    private StaleCopies(Reconnecting connections, BmaAddress mailbox, Pass pass, SourceUids uids, Shared shared) {
        this.connections = connections;
        this.mailbox = mailbox;
        this.pass = pass;
        this.uids = uids;
        this.shared = shared;
    }

    /** The view of another worker of the same mailbox, reading through {@code worker}. */
    StaleCopies forWorker(Reconnecting worker) {
        return new StaleCopies(worker, mailbox, pass, uids.using(worker::source), shared);
    }

    SourceUids uids() {
        return uids;
    }

    /** The target folders the final pass searches: every one a folder of this mailbox maps to, or did. */
    void searchAlso(List<TargetFolder> targets) {
        shared.folders = List.copyOf(targets);
    }

    /**
     * The stale copies a message of {@code path} (UIDVALIDITY {@code uv}, copies {@code here} in
     * {@code target}) may be matched with.
     */
    ContentMatcher matcher(TargetFolder target, List<TargetMessage> here, FolderPath path, long uv) {
        List<TargetFolder> folders = shared.folders;
        if (pass == Pass.FINAL && !folders.isEmpty()) {
            synchronized (shared) {
                if (shared.mailboxWide == null) {
                    shared.mailboxWide = mailboxWide(folders, target, here);
                }
                return shared.mailboxWide;
            }
        }
        List<ContentMatcher.Candidate> local = new ArrayList<>();
        for (TargetMessage t : here) {
            SourceKey k = t.key();
            boolean stale = k.sameFolder(mailbox, path) ? k.uidValidity() != uv
                    : k.mailbox().equals(mailbox) && !uids.has(k);
            if (stale) {
                local.add(new ContentMatcher.Candidate(target, t));
            }
        }
        return new ContentMatcher(local, this::digest);
    }

    /** Every stale copy of the mailbox in {@code folders} and {@code target} (whose copies are {@code here}). */
    private ContentMatcher mailboxWide(List<TargetFolder> folders, TargetFolder target, List<TargetMessage> here) {
        List<ContentMatcher.Candidate> all = new ArrayList<>();
        List<TargetFolder> search = new ArrayList<>(folders);
        if (!search.contains(target)) {
            search.add(target);
        }
        for (TargetFolder f : search) {
            for (TargetMessage t : f.equals(target) ? here : connections.target().messages(f)) {
                if (t.key().mailbox().equals(mailbox) && !uids.has(t.key())) {
                    all.add(new ContentMatcher.Candidate(f, t));
                }
            }
        }
        return new ContentMatcher(all, this::digest);
    }

    /**
     * Takes the stale copy of {@code m} (of {@code path}, UIDVALIDITY {@code uv}) from
     * {@code matcher}, if one is left, reading headers through this worker's connections.
     */
    ContentMatcher.Candidate take(ContentMatcher matcher, FolderPath path, long uv, SourceMessage m) {
        return matcher.take(m, () -> sourceDigest(path, uv, m), this::digest);
    }

    /** The header digest of a message of the old server. */
    byte[] sourceDigest(FolderPath path, long uv, SourceMessage m) {
        return HeaderDigest.of(connections.source().open(path, uv, m.uid()));
    }

    private Optional<byte[]> digest(ContentMatcher.Candidate c) {
        return connections.target().openCopy(c.folder(), c.copy()).map(HeaderDigest::of);
    }
}
