package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Mailbox;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static be.cfwb.bma.calendar.DayCapacity.KINDS;

/** The days given so far, the load they make, and what could not be placed. */
final class DayLoad {

    final Map<PlanUnit, LocalDate> days = new HashMap<>();
    final List<String> problems = new ArrayList<>();
    /** Units kept on their previous plan's day. */
    int anchored;
    private final Map<LocalDate, int[]> load = new HashMap<>();
    private final Map<LocalDate, long[]> volumeLoad = new HashMap<>();
    private final int[] capacity = new int[KINDS.length];
    /** Bytes a day per kind; {@link Long#MAX_VALUE} when not limited. */
    private final long[] volumeCapacity = new long[KINDS.length];
    private final int senders;

    DayLoad(DayCapacity dayCapacity) {
        for (BmaKind kind : KINDS) {
            capacity[kind.ordinal()] = dayCapacity.mailboxes(kind);
            volumeCapacity[kind.ordinal()] = dayCapacity.bytes(kind);
        }
        senders = dayCapacity.senders();
    }

    boolean fits(PlanUnit u, LocalDate d) {
        int[] l = load.get(d);
        if (l == null) {
            return u.fitsEmptyDay;
        }
        long[] v = volumeLoad.get(d);
        for (BmaKind kind : KINDS) {
            int i = kind.ordinal();
            int n = u.counts[i];
            if (n > 0 && (l[i] + n > capacity[i] || v[i] + u.volume[i] > volumeCapacity[i])) {
                return false;
            }
        }
        return l[KINDS.length] + u.members.size() <= senders;
    }

    /** How full {@code d} would be with {@code u}: the highest share of a capacity it reaches. */
    double score(PlanUnit u, LocalDate d) {
        int[] l = load.get(d);
        long[] v = volumeLoad.get(d);
        double worst = 0;
        for (BmaKind kind : KINDS) {
            int i = kind.ordinal();
            int n = u.counts[i];
            if (n > 0) {
                worst = Math.max(worst, (double) ((l == null ? 0 : l[i]) + n) / capacity[i]);
                if (volumeCapacity[i] != Long.MAX_VALUE) {
                    worst = Math.max(worst, (double) ((v == null ? 0 : v[i]) + u.volume[i]) / volumeCapacity[i]);
                }
            }
        }
        return worst;
    }

    boolean has(BmaKind kind, LocalDate d) {
        int[] l = load.get(d);
        return l != null && l[kind.ordinal()] > 0;
    }

    void put(PlanUnit u, LocalDate d) {
        days.put(u, d);
        int[] l = load.computeIfAbsent(d, x -> new int[KINDS.length + 1]);
        long[] v = volumeLoad.computeIfAbsent(d, x -> new long[KINDS.length]);
        for (Mailbox m : u.members) {
            l[m.kind().ordinal()]++;
            l[KINDS.length]++;
        }
        for (int i = 0; i < KINDS.length; i++) {
            v[i] += u.volume[i];
        }
    }
}
