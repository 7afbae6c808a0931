package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Mailbox;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An obligation window (pupil counting, staff assignments, DAccE deadlines) during which
 * the mailboxes it concerns do not migrate. It concerns the given kinds and, optionally,
 * only mailboxes of one level of teaching ({@link Mailbox#levels()}) and/or one network
 * ({@link Mailbox#network()}), compared without regard to case.
 *
 * <p>Property form: {@code KINDS[/level=L][/network=N]@RANGE=NAME}, e.g.
 * {@code po@2024-10-01=Comptage au 1er octobre} or
 * {@code ec/level=Secondaire@2024-11-12..2024-11-13=Attributions}; {@code KINDS} is
 * {@code ec}, {@code po} or {@code ec+po}.
 *
 * @param name    why, shown in the plan
 * @param range   the days
 * @param kinds   the kinds concerned, not empty
 * @param level   only mailboxes with this level, if present
 * @param network only mailboxes of this network, if present
 */
public record Blackout(String name, DateRange range, Set<BmaKind> kinds, Optional<String> level,
                       Optional<String> network) implements Comparable<Blackout> {

    public Blackout {
        name = Objects.requireNonNull(name, "name").strip();
        Objects.requireNonNull(range, "range");
        if (kinds == null || kinds.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Blackout '" + name + "' concerns no kind of mailbox");
        }
        kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
        level = level == null ? Optional.empty() : level.map(String::strip).filter(s -> !s.isEmpty());
        network = network == null ? Optional.empty() : network.map(String::strip).filter(s -> !s.isEmpty());
        if (name.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Blackout " + range + " has no name");
        }
    }

    /** A blackout for every mailbox of {@code kind}. */
    public static Blackout of(String name, String range, BmaKind kind) {
        return new Blackout(name, DateRange.parse(range), EnumSet.of(kind), Optional.empty(), Optional.empty());
    }

    /** The same blackout, narrowed to mailboxes of this level. */
    public Blackout forLevel(String level) {
        return new Blackout(name, range, kinds, Optional.of(level), network);
    }

    /** The same blackout, narrowed to mailboxes of this network. */
    public Blackout forNetwork(String network) {
        return new Blackout(name, range, kinds, level, Optional.of(network));
    }

    /** True if {@code mailbox} may not migrate during this blackout. */
    public boolean concerns(Mailbox mailbox) {
        if (!kinds.contains(mailbox.kind())) {
            return false;
        }
        if (level.isPresent() && mailbox.levels().stream().noneMatch(l -> l.equalsIgnoreCase(level.get()))) {
            return false;
        }
        if (network.isPresent()) {
            // An organising body's networks are joined with " / " by the inventory.
            for (String n : mailbox.network().split(" / ")) {
                if (n.strip().equalsIgnoreCase(network.get())) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** True if it concerns every mailbox of {@code kind}, whatever its level or network. */
    public boolean concernsAll(BmaKind kind) {
        return kinds.contains(kind) && level.isEmpty() && network.isEmpty();
    }

    /**
     * Parses the property form (see the class comment).
     *
     * @throws BmaException naming the text and what is wrong
     */
    public static Blackout parse(String text) {
        String t = text == null ? "" : text.strip();
        int at = t.indexOf('@');
        int eq = t.indexOf('=', Math.max(at, 0));
        if (at < 0 || eq < 0) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Blackout '" + text
                    + "' is not valid: write KINDS[/level=L][/network=N]@RANGE=NAME, e.g. po@2024-10-01=Comptage");
        }
        String[] who = t.substring(0, at).split("/");
        Set<BmaKind> kinds = EnumSet.noneOf(BmaKind.class);
        for (String k : who[0].split("\\+")) {
            kinds.add(BmaKind.fromPrefix(k).orElseThrow(() -> new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Blackout '" + text + "': kind '" + k.strip() + "' is unknown; use ec, po or ec+po")));
        }
        Optional<String> level = Optional.empty();
        Optional<String> network = Optional.empty();
        for (int i = 1; i < who.length; i++) {
            String[] kv = who[i].split("=", 2);
            String key = kv[0].strip().toLowerCase(Locale.ROOT);
            if (kv.length != 2 || !(key.equals("level") || key.equals("network"))) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Blackout '" + text
                        + "': '" + who[i] + "' is not understood; only level=... and network=... may follow the kinds");
            }
            if (key.equals("level")) {
                level = Optional.of(kv[1]);
            } else {
                network = Optional.of(kv[1]);
            }
        }
        return new Blackout(t.substring(eq + 1), DateRange.parse(t.substring(at + 1, eq)), kinds, level, network);
    }

    @Override
    public int compareTo(Blackout other) {
        return toString().compareTo(other.toString());
    }

    /** The property form. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        kinds.forEach(k -> s.append(s.length() == 0 ? "" : "+").append(k.prefix()));
        level.ifPresent(l -> s.append("/level=").append(l));
        network.ifPresent(n -> s.append("/network=").append(n));
        return s.append('@').append(range).append('=').append(name).toString();
    }
}
