package be.cfwb.bma.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * One message handed to a {@link MailboxTarget}: its source key, size, flags, date, and its
 * original bytes, which may be opened more than once (a retried APPEND reads them again).
 */
public interface MessageToCopy {

    SourceKey key();

    /** The exact number of bytes {@link #open()} gives. */
    long size();

    MessageFlags flags();

    Instant internalDate();

    /** The original bytes, unchanged; the caller closes the stream. */
    InputStream open() throws IOException;

    /** The id of the campaign that copies it, carried by the copy ({@link CopyTrace}); empty before campaigns had ids. */
    default Optional<String> campaign() {
        return Optional.empty();
    }

    /** The header lines prepended to the copy on IMAP targets, CRLF included ({@link CopyTrace#header}). */
    default String traceHeader() {
        return CopyTrace.header(key(), campaign());
    }
}
