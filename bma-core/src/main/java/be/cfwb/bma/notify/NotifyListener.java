package be.cfwb.bma.notify;

import java.time.Duration;

/**
 * Hears a notification run's progress; every method has a no-op default. Called on the
 * run's thread: keep it quick. The Maven goal renders it as log lines.
 */
public interface NotifyListener {

    /** Does nothing. */
    NotifyListener NONE = new NotifyListener() {
    };

    /** The run found {@code due} mails to handle. */
    default void started(int due) {
    }

    /** One mail was handled ({@code done} of {@code total}). */
    default void handled(NotificationOutcome outcome, int done, int total) {
    }

    /** The run waits {@code wait} to respect {@code sender}'s rate limit. */
    default void waiting(SenderRole sender, Duration wait) {
    }
}
