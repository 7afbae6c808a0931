package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the ledger remembers of each copy of one mailbox: the old server's flags when the copy was
 * made or last synced (the {@link Event.FlagsSynced} events, one per folder and UIDVALIDITY).
 * Two uses, both for changes made between passes:
 *
 * <ul>
 * <li>the base of a three-way merge of flags ({@link #merge}): a later pass carries over a flag
 * the old server changed and keeps one the user changed on the target (the user's action on
 * the new mailbox wins);</li>
 * <li>proof of a copy ({@link #copied}): a source message whose copy is no longer on the target
 * although the ledger records it was made was deleted (or moved away) there by the user, and is
 * not copied again.</li>
 * </ul>
 *
 * <p>Copies made by a version that did not record flags have no base: the old server's flags
 * are applied to them as before. One per mailbox and pass (or verification); thread-safe, as the
 * folders of a mailbox are copied over several connections at once.
 */
public final class SyncedFlags {

    private final BmaAddress mailbox;
    private final Map<String, Event.FlagsSynced> recorded;
    private final Map<String, Map<Long, MessageFlags>> bases = new HashMap<>();
    private final Set<String> changed = new LinkedHashSet<>();

    private SyncedFlags(BmaAddress mailbox, Map<String, Event.FlagsSynced> recorded) {
        this.mailbox = mailbox;
        this.recorded = recorded;
    }

    /** What {@code ledger} recorded for {@code mailbox}; the ledger keeps the last event of each folder in memory. */
    public static SyncedFlags load(Ledger ledger, BmaAddress mailbox) {
        Map<String, Event.FlagsSynced> recorded = new HashMap<>();
        for (LedgerEvent e : ledger.lastOfEachKind(mailbox)) {
            if (e.event() instanceof Event.FlagsSynced f) {
                recorded.put(group(f.folder(), f.uidValidity()), f);
            }
        }
        return new SyncedFlags(mailbox, recorded);
    }

    /** Nothing recorded: every copy is as from before this record existed. */
    public static SyncedFlags none(BmaAddress mailbox) {
        return new SyncedFlags(mailbox, new HashMap<>());
    }

    /** The old server's flags of the message {@code key} names when its copy was last synced, if recorded. */
    public synchronized Optional<MessageFlags> base(SourceKey key) {
        if (!key.mailbox().equals(mailbox)) {
            return Optional.empty();
        }
        return Optional.ofNullable(folder(key).get(key.uid()));
    }

    /** True if the ledger records that the message {@code key} names was copied (or found copied) to the target. */
    public synchronized boolean copied(SourceKey key) {
        return base(key).isPresent();
    }

    /** Remembers {@code flags} as the old server's flags of {@code key}'s message, now in sync; see {@link #flush}. */
    public synchronized void record(SourceKey key, MessageFlags flags) {
        Map<Long, MessageFlags> f = folder(key);
        if (!flags.equals(f.put(key.uid(), flags))) {
            changed.add(group(key.folder().encoded(), key.uidValidity()));
        }
    }

    /** Writes one event per folder whose record changed since loaded or last flushed. */
    public synchronized void flush(Ledger ledger) {
        for (String g : changed) {
            int hash = g.lastIndexOf('#');
            String folder = g.substring(0, hash);
            long uv = Long.parseLong(g.substring(hash + 1));
            Event.FlagsSynced e = new Event.FlagsSynced(folder, uv, encode(bases.get(g)));
            recorded.put(g, e);
            ledger.append(LedgerEntry.of(e).mailbox(mailbox));
        }
        changed.clear();
    }

    /**
     * The three-way merge, flag by flag: a flag the user changed on the target (it differs from
     * {@code base}) keeps the target's value; any other takes the old server's.
     */
    public static MessageFlags merge(MessageFlags base, MessageFlags source, MessageFlags target) {
        TreeSet<String> keywords = new TreeSet<>();
        TreeSet<String> all = new TreeSet<>(base.keywords());
        all.addAll(source.keywords());
        all.addAll(target.keywords());
        for (String k : all) {
            boolean inTarget = target.keywords().contains(k);
            if (pick(base.keywords().contains(k), source.keywords().contains(k), inTarget)) {
                keywords.add(k);
            }
        }
        return new MessageFlags(pick(base.seen(), source.seen(), target.seen()),
                pick(base.answered(), source.answered(), target.answered()),
                pick(base.flagged(), source.flagged(), target.flagged()),
                pick(base.draft(), source.draft(), target.draft()), keywords);
    }

    private static boolean pick(boolean base, boolean source, boolean target) {
        return target != base ? target : source;
    }

    private Map<Long, MessageFlags> folder(SourceKey key) {
        String g = group(key.folder().encoded(), key.uidValidity());
        return bases.computeIfAbsent(g, k -> {
            Event.FlagsSynced e = recorded.get(k);
            return e == null ? new HashMap<>() : decode(e.flags());
        });
    }

    private static String group(String folder, long uidValidity) {
        return folder + "#" + uidValidity;
    }

    /**
     * Runs of UIDs per flag set: {@code [S]1-400,402[SF $Forwarded]401} ({@code S}een,
     * {@code A}nswered, {@code F}lagged, {@code D}raft, then the keywords); a folder whose
     * messages share a few flag sets takes a few dozen characters whatever its size.
     */
    static String encode(Map<Long, MessageFlags> flags) {
        Map<String, List<Long>> byText = new TreeMap<>();
        for (Map.Entry<Long, MessageFlags> e : flags.entrySet()) {
            byText.computeIfAbsent(text(e.getValue()), k -> new ArrayList<>()).add(e.getKey());
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<Long>> e : byText.entrySet()) {
            sb.append('[').append(e.getKey()).append(']');
            List<Long> uids = e.getValue();
            uids.sort(null);
            for (int i = 0; i < uids.size(); ) {
                int j = i;
                while (j + 1 < uids.size() && uids.get(j + 1) == uids.get(j) + 1) {
                    j++;
                }
                sb.append(i == 0 ? "" : ",").append(uids.get(i));
                if (j > i) {
                    sb.append('-').append(uids.get(j));
                }
                i = j + 1;
            }
        }
        return sb.toString();
    }

    static Map<Long, MessageFlags> decode(String text) {
        Map<Long, MessageFlags> out = new HashMap<>();
        int at = 0;
        while (at < text.length()) {
            int close = text.indexOf(']', at);
            if (text.charAt(at) != '[' || close < 0) {
                throw new IllegalArgumentException("Not a record of synced flags at " + at + ": " + text);
            }
            MessageFlags flags = flags(text.substring(at + 1, close));
            int next = text.indexOf('[', close);
            next = next < 0 ? text.length() : next;
            for (String run : text.substring(close + 1, next).split(",")) {
                if (run.isEmpty()) {
                    continue;
                }
                int dash = run.indexOf('-');
                long from = Long.parseLong(dash < 0 ? run : run.substring(0, dash));
                long to = dash < 0 ? from : Long.parseLong(run.substring(dash + 1));
                for (long uid = from; uid <= to; uid++) {
                    out.put(uid, flags);
                }
            }
            at = next;
        }
        return out;
    }

    private static String text(MessageFlags f) {
        StringBuilder sb = new StringBuilder();
        sb.append(f.seen() ? "S" : "").append(f.answered() ? "A" : "").append(f.flagged() ? "F" : "")
                .append(f.draft() ? "D" : "");
        f.keywords().forEach(k -> sb.append(' ').append(k));
        return sb.toString();
    }

    private static MessageFlags flags(String text) {
        String[] parts = text.split(" ", -1);
        String system = parts[0];
        TreeSet<String> keywords = new TreeSet<>();
        for (int i = 1; i < parts.length; i++) {
            keywords.add(parts[i]);
        }
        return new MessageFlags(system.indexOf('S') >= 0, system.indexOf('A') >= 0, system.indexOf('F') >= 0,
                system.indexOf('D') >= 0, keywords);
    }
}
