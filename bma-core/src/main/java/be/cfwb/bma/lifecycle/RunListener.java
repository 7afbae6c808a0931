package be.cfwb.bma.lifecycle;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.TransferListener;

import java.util.Map;

/**
 * Hears a day's run as it goes, for progress displays. Every method has a no-op default;
 * copy progress arrives through the {@link TransferListener} it extends.
 */
public interface RunListener extends TransferListener {

    /** Does nothing. */
    RunListener NONE = new RunListener() {
    };

    /** A stage is about to act on {@code mailboxes} mailboxes. */
    default void stageStarted(Stage stage, int mailboxes) {
    }

    default void stageFinished(StageOutcome outcome) {
    }

    /**
     * A copy stage is about to copy these mailboxes; {@code expectedBytes} holds what each is
     * expected to copy, where known (its surveyed or known size for a first pass; absent for a
     * delta, learnt as its folders are listed). {@link CopyProgress} turns it into progress in bytes.
     */
    default void copyStarted(Stage stage, Map<BmaAddress, Long> expectedBytes) {
    }

    /** Where a copy stands, in bytes, while it runs ({@link CopyProgress} sends these). */
    default void copyProgress(CopyProgress.Snapshot progress) {
    }
}
