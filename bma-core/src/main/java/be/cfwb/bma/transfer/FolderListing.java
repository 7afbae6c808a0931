package be.cfwb.bma.transfer;

import java.util.List;

/**
 * The messages of a source folder at one moment, UIDs ascending.
 *
 * @param uidValidity the folder's UIDVALIDITY; a change means every UID was renumbered
 * @param messages    the messages listed (all, or those above a UID), UID ascending
 */
public record FolderListing(long uidValidity, List<SourceMessage> messages) {

    public FolderListing {
        messages = List.copyOf(messages);
    }
}
