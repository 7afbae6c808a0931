package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Mailbox;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which mailboxes migrate on the same day: their own group, or their organising body's kept together. */
final class SameDayGroups {

    private final PlanningSettings settings;

    SameDayGroups(PlanningSettings settings) {
        this.settings = settings;
    }

    /** The mailbox's same-day group: its own, else its organising body's when that one is kept together. */
    @SuppressWarnings("JdkObsolete") // keepTogether() is public API typed SortedSet
    String of(Mailbox m) {
        String own = m.constraints().sameDayGroup();
        if (own.isEmpty() && m.organisingBody().filter(settings.keepTogether()::contains).isPresent()) {
            return "establishments of " + m.organisingBody().get();
        }
        return own;
    }

    /** One unit per same-day group, one per other mailbox, in address order of their first member. */
    List<PlanUnit> units(List<Mailbox> mailboxes, Map<BmaAddress, LocalDate> announced, DayCapacity capacity) {
        Map<String, PlanUnit> groups = new LinkedHashMap<>();
        List<PlanUnit> units = new ArrayList<>();
        for (Mailbox m : mailboxes) {
            String group = of(m);
            if (group.isEmpty() || announced.containsKey(m.address())) {
                // An announced date binds the mailbox alone: the rest of its group is planned without it.
                units.add(new PlanUnit(m, group, announced.get(m.address())));
            } else {
                PlanUnit u = groups.get(group);
                if (u == null) {
                    u = new PlanUnit(m, group, null);
                    groups.put(group, u);
                    units.add(u);
                } else {
                    u.members.add(m);
                }
            }
        }
        units.forEach(u -> u.seal(capacity));
        return units;
    }
}
