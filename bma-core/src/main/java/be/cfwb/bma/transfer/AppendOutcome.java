package be.cfwb.bma.transfer;

import java.util.Objects;

/** What a target did with one message: copied, or refused for good with the reason. */
public sealed interface AppendOutcome {

    /** The message is on the target. */
    record Copied(String targetId) implements AppendOutcome {
        public Copied {
            Objects.requireNonNull(targetId, "targetId");
        }
    }

    /**
     * The target will never take this message as it is (too large, over quota, refused as
     * malformed): reported, not retried.
     */
    record Rejected(String reason) implements AppendOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static AppendOutcome copied(String targetId) {
        return new Copied(targetId);
    }

    static AppendOutcome rejected(String reason) {
        return new Rejected(reason);
    }
}
