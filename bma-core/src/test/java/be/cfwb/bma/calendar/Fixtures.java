package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxConstraints;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** Small inventories for planner tests. */
final class Fixtures {

    private Fixtures() {
    }

    static Mailbox ec(int fase) {
        return Mailbox.of(BmaAddress.of(BmaKind.EC, fase), "Ecole " + fase);
    }

    static Mailbox po(int fase) {
        return Mailbox.of(BmaAddress.of(BmaKind.PO, fase), "PO " + fase);
    }

    static Mailbox ec(int fase, String level, String network) {
        return new Mailbox(BmaAddress.of(BmaKind.EC, fase), "Ecole " + fase, network, new TreeSet<>(List.of(level)),
                "", "", Optional.empty(), MailboxConstraints.NONE, "");
    }

    static Mailbox withConstraints(Mailbox m, LocalDate fixed, List<LocalDate> forbidden, String group) {
        SortedSet<LocalDate> f = new TreeSet<>(forbidden);
        return new Mailbox(m.address(), m.name(), m.network(), m.levels(), m.postalCode(), m.commune(),
                m.organisingBody(), new MailboxConstraints(Optional.ofNullable(fixed), f, group), m.notes());
    }

    /** {@code count} establishments numbered from {@code from}. */
    static Inventory ecs(int from, int count) {
        List<Mailbox> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(ec(from + i));
        }
        return Inventory.of(list);
    }

    static LocalDate d(String iso) {
        return LocalDate.parse(iso);
    }
}
