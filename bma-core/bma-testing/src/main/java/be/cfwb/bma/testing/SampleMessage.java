package be.cfwb.bma.testing;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One message to seed into an old mailbox.
 *
 * @param folder       the folder path as segments, e.g. {@code ["Archives", "2023"]}; {@code ["INBOX"]} for the inbox
 * @param bytes        the RFC 5322 message as the server will store it
 * @param flags        system flags ({@code \Seen}, {@code \Answered}, {@code \Flagged}, {@code \Draft}) and keywords ({@code $Forwarded})
 * @param internalDate the date the server received it
 */
@SuppressWarnings("ArrayRecordComponent") // a carrier of bytes: nothing compares these records
public record SampleMessage(List<String> folder, byte[] bytes, Set<String> flags, OffsetDateTime internalDate) {

    public SampleMessage {
        folder = List.copyOf(folder);
        Objects.requireNonNull(bytes, "bytes");
        flags = Set.copyOf(flags);
        Objects.requireNonNull(internalDate, "internalDate");
    }

    public int size() {
        return bytes.length;
    }
}
