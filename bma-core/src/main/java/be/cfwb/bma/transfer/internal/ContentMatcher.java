package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TargetMessage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Recognises copies whose trace key names no message the old server still has: copies made
 * under an earlier UIDVALIDITY of a folder, or of a message moved to another folder (or whose
 * folder was renamed) there. They are matched to source messages by content: the same
 * Message-ID (or both without one), then the same header block ({@link HeaderDigest}, without
 * our trace line). INTERNALDATE is not trusted: a server that renumbers a folder may re-date it
 * too. Only where the target does not keep the bytes (Graph) is the received date (to the
 * second) compared instead of the header. Each copy is used at most once, so two identical
 * source messages need two copies. Sizes are not compared: RFC822.SIZE is approximate on some
 * servers (Exchange, GreenMail). Thread-safe: on the final pass the folder workers of a mailbox
 * share one, and a copy is still taken at most once.
 */
public final class ContentMatcher {

    /** A copy that may be matched, and the target folder it is in. */
    public record Candidate(TargetFolder folder, TargetMessage copy) {
    }

    private final Map<String, List<Candidate>> pool = new HashMap<>();
    private final Function<Candidate, Optional<byte[]>> targetDigest;
    private final IdentityHashMap<Candidate, Optional<byte[]>> digests = new IdentityHashMap<>();

    /**
     * @param candidates   the copies that may be matched
     * @param targetDigest the {@link HeaderDigest} of a copy, or empty where the target keeps no bytes
     */
    public ContentMatcher(List<Candidate> candidates, Function<Candidate, Optional<byte[]>> targetDigest) {
        this.targetDigest = targetDigest;
        for (Candidate c : candidates) {
            pool.computeIfAbsent(c.copy().messageId().orElse(""), k -> new ArrayList<>()).add(c);
        }
    }

    public synchronized boolean isEmpty() {
        return pool.isEmpty();
    }

    /** True if some copy left has {@code m}'s Message-ID (or none, as {@code m}): worth reading its header. */
    public synchronized boolean mayMatch(SourceMessage m) {
        List<Candidate> c = pool.get(m.messageId().orElse(""));
        return c != null && !c.isEmpty();
    }

    /**
     * Takes the copy of {@code m}, if one is left.
     *
     * @param sourceDigest the {@link HeaderDigest} of {@code m}, asked at most once and only if a copy may match
     */
    public Candidate take(SourceMessage m, Supplier<byte[]> sourceDigest) {
        return take(m, sourceDigest, targetDigest);
    }

    /**
     * As {@link #take(SourceMessage, Supplier)}, reading a copy's header with {@code targetDigest}:
     * the caller's own connection, when several share this matcher.
     */
    public synchronized Candidate take(SourceMessage m, Supplier<byte[]> sourceDigest,
                                       Function<Candidate, Optional<byte[]>> targetDigest) {
        List<Candidate> candidates = pool.get(m.messageId().orElse(""));
        if (candidates == null || candidates.isEmpty()) {
            return null;
        }
        byte[] mine = null;
        for (Iterator<Candidate> it = candidates.iterator(); it.hasNext(); ) {
            Candidate c = it.next();
            Optional<byte[]> theirs = digests.computeIfAbsent(c, targetDigest);
            boolean same;
            if (theirs.isPresent()) {
                if (mine == null) {
                    mine = sourceDigest.get();
                }
                same = Arrays.equals(mine, theirs.get());
            } else {
                same = c.copy().internalDate().getEpochSecond() == m.internalDate().getEpochSecond();
            }
            if (same) {
                it.remove();
                return c;
            }
        }
        return null;
    }
}
