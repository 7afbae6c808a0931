package be.cfwb.bma.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

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
}
