package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.Locale;

/**
 * Which copy pass ({@code bma.pass}): the pre-stage bulk copy while the old mailbox still
 * receives (repeatable; each run only fetches what is above the last UID copied), or the
 * final delta after cutover (compares every message and syncs flags).
 */
public enum Pass {
    PRESTAGE, FINAL;

    /** {@code prestage} or {@code final}, any case. */
    public static Pass parse(String text) {
        if (text != null) {
            for (Pass p : values()) {
                if (p.label().equalsIgnoreCase(text.strip())) {
                    return p;
                }
            }
        }
        throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                "bma.pass '" + text + "' is unknown; use 'prestage' or 'final'");
    }

    /** The word used in the ledger and reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return label();
    }
}
