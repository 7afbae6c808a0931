package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.transfer.CopyTrace;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TransferException;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A message read from the source by the reader thread, or why it could not be. */
record Fetched(SourceMessage message, SpooledMessage spooled, TransferException failure,
               RuntimeException crash, boolean announcedTooLarge) {

    Fetched(SourceMessage message, SpooledMessage spooled, TransferException failure, RuntimeException crash) {
        this(message, spooled, failure, crash, false);
    }

    /** The bytes the trace header adds on the target, with the {@code campaign}'s line if any. */
    long overhead(Optional<String> campaign) {
        return CopyTrace.header(spooled.key(), campaign).getBytes(StandardCharsets.US_ASCII).length;
    }

    void close() {
        if (spooled != null) {
            spooled.close();
        }
    }
}
