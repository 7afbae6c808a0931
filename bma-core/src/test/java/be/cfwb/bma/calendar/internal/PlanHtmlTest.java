package be.cfwb.bma.calendar.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.calendar.Blackout;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.Planner;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.calendar.WorkingDays;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanHtmlTest {

    @Test
    void selfContainedCalendarWithChartHolidaysAndBlackouts() {
        PlanningSettings s = PlanningSettings.builder()
                .blackout(Blackout.of("Attributions <secondaire>", "2024-11-19", BmaKind.EC).forLevel("Secondaire")).build();
        MigrationPlan plan = new Planner(s).plan(Inventory.of(List.of(
                Mailbox.of(BmaAddress.of(BmaKind.EC, 1), "Ecole <b>&</b>"),
                Mailbox.of(BmaAddress.of(BmaKind.PO, 2), "PO 2"))));
        String html = PlanHtml.plan(plan, new WorkingDays(s));
        assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=")
                .doesNotContain("<link").doesNotContain("url(");
        assertThat(html).contains("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        assertThat(html).contains("<h2>Vague po-2024-10").contains("<h2>Vague ec-2024-11");
        // Holidays, school holidays and blackouts are shown in the calendar cells.
        assertThat(html).contains("<td class=\"holiday\">11 nov.<br><span class=\"why\">Armistice</span></td>");
        assertThat(html).contains("<td class=\"blackout\">4 nov.<br><span class=\"why\">Reprise après le congé d&#39;automne");
        assertThat(html).contains("<td class=\"blackout\">1 oct.<br><span class=\"why\">Comptage des élèves");
        assertThat(html).contains("class=\"why\">Congé d&#39;automne (Toussaint)</span>");
        assertThat(html).contains("<td class=\"used\">5 nov.<br><span class=\"n\">1</span> BMA</td>");
        assertThat(html).contains("Attributions &lt;secondaire&gt; (EC, niveau Secondaire)");
        assertThat(html).contains("ec000001@adm.cfwb.be - Ecole &lt;b&gt;&amp;&lt;/b&gt;").doesNotContain("<b>&</b>");
    }
}
