package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.transfer.FolderListing;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.SourceFolder;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.UnreadableMessage;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * Whether the old server still has the message a trace key names: its folder, under the same
 * UIDVALIDITY, with that UID. Each folder is listed (UIDs only) at most once, when first asked,
 * unless a listing of the whole folder was handed over ({@link #known}). A copy whose key fails
 * this test is stale: its message was deleted or moved on the old server, or renumbered there.
 * Thread-safe; the folder workers of a mailbox share what was listed, each through its own
 * connection ({@link #using}).
 */
public final class SourceUids {

    private static final class Listed {
        private final long uidValidity;
        private final long[] uids;

        Listed(long uidValidity, long[] uids) {
            this.uidValidity = uidValidity;
            this.uids = uids;
        }

        boolean has(SourceKey key) {
            return uidValidity == key.uidValidity() && Arrays.binarySearch(uids, key.uid()) >= 0;
        }
    }

    /** What was listed, shared by the views of several connections; guarded by itself. */
    private static final class Known {
        private Set<FolderPath> folders;
        private final Map<FolderPath, Listed> listed = new HashMap<>();
    }

    private final Supplier<MailboxSource> source;
    private final Known known;

    /** @param source the open source (asked each time: a reconnection replaces it) */
    public SourceUids(Supplier<MailboxSource> source) {
        this(source, new Known());
    }

    private SourceUids(Supplier<MailboxSource> source, Known known) {
        this.source = source;
        this.known = known;
    }

    /** The same knowledge, listing what it lacks through {@code other} (another connection's source). */
    public SourceUids using(Supplier<MailboxSource> other) {
        return new SourceUids(other, known);
    }

    /** Hands over a listing of the whole of {@code path} (from UID 1), so that it is not listed again. */
    public void known(FolderPath path, FolderListing listing) {
        synchronized (known) {
            known.listed.put(path, listed(listing));
        }
    }

    /** True if the old server still has the message {@code key} names (its mailbox is the caller's). */
    public boolean has(SourceKey key) {
        // Listing under the lock: another worker asking the same folder waits instead of listing it again.
        synchronized (known) {
            if (known.folders == null) {
                Set<FolderPath> folders = new HashSet<>();
                for (SourceFolder f : source.get().folders()) {
                    if (f.holdsMessages()) {
                        folders.add(f.path());
                    }
                }
                known.folders = folders;
            }
            if (!known.folders.contains(key.folder())) {
                return false;
            }
            Listed l = known.listed.computeIfAbsent(key.folder(), p -> listed(source.get().list(p, 0, false)));
            return l.has(key);
        }
    }

    /** A message listed but unreadable is still there: its copy is not stale. */
    private static Listed listed(FolderListing listing) {
        return new Listed(listing.uidValidity(), LongStream.concat(
                listing.messages().stream().mapToLong(SourceMessage::uid),
                listing.unreadable().stream().mapToLong(UnreadableMessage::uid)).sorted().toArray());
    }
}
