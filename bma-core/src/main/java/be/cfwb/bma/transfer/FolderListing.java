package be.cfwb.bma.transfer;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * The messages of a source folder at one moment, UIDs ascending.
 *
 * @param uidValidity the folder's UIDVALIDITY; a change means every UID was renumbered
 * @param messages    the messages listed (all, or those above a UID), UID ascending
 * @param unreadable  messages listed whose answer could not be read, UID ascending; not in {@code messages}
 */
public record FolderListing(long uidValidity, List<SourceMessage> messages, List<UnreadableMessage> unreadable) {

    public FolderListing {
        messages = List.copyOf(messages);
        unreadable = List.copyOf(unreadable);
    }

    /** A listing where every message could be read. */
    public FolderListing(long uidValidity, List<SourceMessage> messages) {
        this(uidValidity, messages, List.of());
    }

    /** This listing without bodies. */
    public WithBodies withoutBodies() {
        return new WithBodies(this, Map.of());
    }

    /**
     * A folder's whole listing and the bodies the source read in the same round trip, by UID
     * under the listing's UIDVALIDITY, as heap buffers the caller may keep (their remaining bytes
     * are the message, unchanged; nobody writes them). A listed message without a body here is
     * read the usual way.
     *
     * @param listing the listing
     * @param bodies  bodies of some listed messages (none, all, or some), bounded by the source
     */
    public record WithBodies(FolderListing listing, Map<Long, ByteBuffer> bodies) {

        public WithBodies {
            bodies = Map.copyOf(bodies);
        }
    }
}
