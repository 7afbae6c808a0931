package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The plan: one {@link PlannedMailbox} per mailbox, in address order, with a summary per
 * wave and what changed since the previous plan. Immutable. Components that act on a day
 * (notifications, migration) ask it which mailboxes are due:
 *
 * <pre>{@code
 * plan.find(address).map(p -> p.mailAt(3));         // when mail 3 leaves
 * plan.mailDueOn(2, LocalDate.parse("2024-11-05")); // who gets mail 2 that day
 * }</pre>
 */
public final class MigrationPlan {

    private final PlanningSettings settings;
    private final List<PlannedMailbox> mailboxes;
    private final Map<BmaAddress, PlannedMailbox> byAddress;
    private final List<WaveSummary> waves;
    private final List<PlanChange> changes;

    /** A plan of these rows; normally made by {@link Planner}. */
    public MigrationPlan(PlanningSettings settings, List<PlannedMailbox> mailboxes, List<WaveSummary> waves,
                         List<PlanChange> changes) {
        this.settings = settings;
        List<PlannedMailbox> sorted = new ArrayList<>(mailboxes);
        Collections.sort(sorted);
        this.mailboxes = List.copyOf(sorted);
        SortedMap<BmaAddress, PlannedMailbox> map = new TreeMap<>();
        sorted.forEach(p -> map.put(p.address(), p));
        this.byAddress = Collections.unmodifiableSortedMap(map);
        this.waves = List.copyOf(waves);
        List<PlanChange> c = new ArrayList<>(changes);
        Collections.sort(c);
        this.changes = List.copyOf(c);
    }

    public PlanningSettings settings() {
        return settings;
    }

    /** Every row, in address order. */
    public List<PlannedMailbox> mailboxes() {
        return mailboxes;
    }

    public Optional<PlannedMailbox> find(BmaAddress address) {
        return Optional.ofNullable(byAddress.get(address));
    }

    public int size() {
        return mailboxes.size();
    }

    /** The mailboxes migrating on {@code day}, in address order. */
    public List<PlannedMailbox> migratingOn(LocalDate day) {
        return mailboxes.stream().filter(p -> p.migrationDate().equals(day)).toList();
    }

    /** The mailboxes whose mail {@code n} (1..4) is due on {@code day}, in address order. */
    public List<PlannedMailbox> mailDueOn(int n, LocalDate day) {
        return mailboxes.stream().filter(p -> p.mailDate(n).equals(day)).toList();
    }

    /** Mailboxes per migration day, all kinds together. */
    public SortedMap<LocalDate, Integer> loadByDay() {
        SortedMap<LocalDate, Integer> load = new TreeMap<>();
        mailboxes.forEach(p -> load.merge(p.migrationDate(), 1, Integer::sum));
        return Collections.unmodifiableSortedMap(load);
    }

    /** Mailboxes of {@code kind} per migration day. */
    public SortedMap<LocalDate, Integer> loadByDay(BmaKind kind) {
        SortedMap<LocalDate, Integer> load = new TreeMap<>();
        mailboxes.stream().filter(p -> p.kind() == kind).forEach(p -> load.merge(p.migrationDate(), 1, Integer::sum));
        return Collections.unmodifiableSortedMap(load);
    }

    /** One summary per wave, PO first then EC (the order they run in the circular). */
    public List<WaveSummary> waves() {
        return waves;
    }

    /** What moved relative to the previous plan, and why; empty without a previous plan. */
    public List<PlanChange> changes() {
        return changes;
    }

    /**
     * The mailboxes whose mail 1 leaves fewer than {@link PlanningSettings#leadDays()} working
     * days ahead because it cannot leave before {@link PlanningSettings#announceFrom()}.
     */
    public List<PlannedMailbox> shortenedLeads() {
        return mailboxes.stream().filter(p -> p.leadShortened(settings.leadDays())).toList();
    }

    /** Console lines: one per wave, the mailboxes with a shortened lead, then the number of changes. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        waves.forEach(w -> lines.add(w.summaryLine()));
        List<PlannedMailbox> shortened = shortenedLeads();
        if (!shortened.isEmpty()) {
            StringBuilder s = new StringBuilder().append(shortened.size())
                    .append(" mailbox(es) get mail 1 with a shortened lead (no mail 1 before ")
                    .append(settings.announceFrom().map(Object::toString).orElse("?")).append("):");
            int listed = Math.min(shortened.size(), MAX_LISTED_SHORTENED);
            for (int i = 0; i < listed; i++) {
                PlannedMailbox p = shortened.get(i);
                s.append(i == 0 ? " " : ", ").append(p.address()).append(" (").append(p.migrationDate()).append(", ")
                        .append(p.mail1LeadDays()).append(" of ").append(settings.leadDays()).append(" working days)");
            }
            if (shortened.size() > listed) {
                s.append(" and ").append(shortened.size() - listed).append(" more (plan.csv column mail1_lead_days)");
            }
            lines.add(s.toString());
        }
        lines.add(mailboxes.size() + " mailboxes planned; " + changes.size() + " changed since the previous plan");
        return lines;
    }

    /** Beyond this, the console line counts the rest; plan.csv lists them all. */
    private static final int MAX_LISTED_SHORTENED = 50;

    @Override
    public String toString() {
        return "MigrationPlan[" + mailboxes.size() + " mailboxes, " + waves.size() + " waves, " + changes.size() + " changes]";
    }
}
