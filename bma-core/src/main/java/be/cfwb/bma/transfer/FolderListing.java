package be.cfwb.bma.transfer;

import java.util.List;

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
}
