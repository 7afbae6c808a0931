package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TargetMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recognises copies made under an earlier UIDVALIDITY of a folder: their keys name UIDs that
 * no longer exist, so they are matched to source messages by content — received date (to
 * the second) and Message-ID (or its absence) — each copy used at most once, so two
 * identical source messages need two copies. Sizes are not compared: RFC822.SIZE is
 * approximate on some servers (Exchange, GreenMail).
 */
public final class ContentMatcher {

    private final Map<String, List<TargetMessage>> pool = new HashMap<>();

    public ContentMatcher(List<TargetMessage> staleCopies) {
        for (TargetMessage t : staleCopies) {
            pool.computeIfAbsent(fingerprint(t.internalDate().getEpochSecond(), t.messageId().orElse("")),
                    k -> new ArrayList<>()).add(t);
        }
    }

    public boolean isEmpty() {
        return pool.isEmpty();
    }

    /** Takes the copy of {@code m}, if one is left. */
    public TargetMessage take(SourceMessage m) {
        List<TargetMessage> candidates = pool.get(fingerprint(m.internalDate().getEpochSecond(), m.messageId().orElse("")));
        if (candidates == null) {
            return null;
        }
        return candidates.isEmpty() ? null : candidates.remove(0);
    }

    private static String fingerprint(long epochSecond, String messageId) {
        return epochSecond + "\u0000" + messageId;
    }
}
