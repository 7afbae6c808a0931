package be.cfwb.bma.calendar.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.calendar.DateRange;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.Planner;
import be.cfwb.bma.calendar.PlanningSettings;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanIcsTest {

    private static MigrationPlan plan(List<Mailbox> mailboxes) {
        PlanningSettings s = PlanningSettings.builder().window(BmaKind.EC, DateRange.parse("2024-11-12..2024-11-13"))
                .capacity(BmaKind.EC, 100).build();
        return new Planner(s).plan(Inventory.of(mailboxes));
    }

    /** Undoes RFC 5545 folding. */
    private static List<String> unfold(String ics) {
        List<String> lines = new ArrayList<>();
        for (String physical : ics.split("\r\n", -1)) {
            if (physical.startsWith(" ")) {
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + physical.substring(1));
            } else {
                lines.add(physical);
            }
        }
        return lines;
    }

    @Test
    void oneEventPerDayWithStableUidFixedStampAndEscapedText() {
        Mailbox odd = Mailbox.of(BmaAddress.of(BmaKind.EC, 6), "Ecole \"Clair; Soleil\", n°1 \\ test");
        List<Mailbox> list = new ArrayList<>(List.of(odd));
        for (int i = 7; i < 60; i++) {
            list.add(Mailbox.of(BmaAddress.of(BmaKind.EC, i), "Établissement d'enseignement secondaire spécialisé n°" + i));
        }
        String ics = PlanIcs.plan(plan(list));
        assertThat(ics).startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:").endsWith("END:VCALENDAR\r\n");
        assertThat(ics.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
        for (String physical : ics.split("\r\n")) {
            assertThat(physical.getBytes(StandardCharsets.UTF_8).length).as(physical).isLessThanOrEqualTo(75);
        }
        // Folding never splits a UTF-8 sequence: every physical line is valid UTF-8 on its own.
        for (String physical : ics.split("\r\n")) {
            assertThat(new String(physical.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(physical);
            assertThat(physical).doesNotContain("\uFFFD");
        }
        List<String> lines = unfold(ics);
        assertThat(lines).filteredOn(l -> l.equals("BEGIN:VEVENT")).hasSize(2);
        assertThat(lines).contains("UID:bma-migration-20241112@adm.cfwb.be", "UID:bma-migration-20241113@adm.cfwb.be",
                "DTSTART;VALUE=DATE:20241112", "DTEND;VALUE=DATE:20241113");
        // Mail 1 of 12 Nov: 5 school days before (11 Nov is Armistice) is 4 Nov, 09:00 Brussels = 08:00 UTC.
        assertThat(lines).contains("DTSTAMP:20241104T080000Z");
        assertThat(lines).anyMatch(l -> l.startsWith("SUMMARY:Migration BMA : 27 boîte(s) (27 EC)"));
        assertThat(lines).anyMatch(l -> l.startsWith("DESCRIPTION:Mail 2 à 07:00\\, mail 3 à 07:30\\, mail 4 à 08:00")
                && l.contains("\\n\\nec000006@adm.cfwb.be - Ecole \"Clair\\; Soleil\"\\, n°1 \\\\ test\\nec000008@adm.cfwb.be"));
    }

    @Test
    void escapingAndFoldingRules() {
        assertThat(PlanIcs.text("a,b;c\\d\ne")).isEqualTo("a\\,b\\;c\\\\d\\ne");
        StringBuilder out = new StringBuilder();
        PlanIcs.line(out, "DESCRIPTION:" + "é".repeat(60));
        String[] physical = out.toString().split("\r\n");
        assertThat(physical).hasSize(2);
        // 12 octets of name + 31 two-octet characters = 74; the next would make 76.
        assertThat(physical[0].getBytes(StandardCharsets.UTF_8)).hasSize(74);
        assertThat(physical[1]).startsWith(" é");
        assertThat((physical[0] + physical[1].substring(1))).isEqualTo("DESCRIPTION:" + "é".repeat(60));
    }
}
