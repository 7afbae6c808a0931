package be.cfwb.bma.lifecycle;

import be.cfwb.bma.transfer.TransferListener;

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
}
