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

import be.cfwb.bma.FrenchPages;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanHtmlTest {

    @Test
    void selfContainedCalendarWithChartHolidaysAndBlackouts() {
        PlanningSettings s = PlanningSettings.builder()
                .blackout(Blackout.of("Attributions <secondaire>", "2024-11-19", BmaKind.EC).forLevel("Secondaire"))
                .blackout(Blackout.of("Inspection", "2024-11-19", BmaKind.EC)).build();
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
        assertThat(html).contains("<td class=\"blackout\">19 nov.<br><span class=\"why\">Inspection</span>");
        assertThat(html).contains("class=\"why\">Congé d&#39;automne (Toussaint)</span>");
        assertThat(html).contains("<td class=\"used\">4 nov.<br><span class=\"n\">1</span> BMA</td>");
        assertThat(html).contains("19 novembre 2024 : Attributions &lt;secondaire&gt; (EC, niveau Secondaire)");
        assertThat(html).contains("ec000001@adm.cfwb.be - Ecole &lt;b&gt;&amp;&lt;/b&gt;").doesNotContain("<b>&</b>");
    }

    @Test
    void theRealPlanPageIsEntirelyFrenchWithDatesForPeopleAndNamesTheShortenedLeads() {
        Inventory real = Inventory.bundledOpenData();
        PlanningSettings s = PlanningSettings.builder().accessDelayDays(2).build();
        MigrationPlan plan = new Planner(s).plan(real);
        String html = PlanHtml.plan(plan, new WorkingDays(s));

        FrenchPages.assertFrenchOnly(html, List.of());
        assertThat(html).contains("<h2>Vague po-2024-10 : pouvoir organisateur, du 1er octobre au 25 octobre 2024</h2>")
                .contains("1035 boîtes sur 19 des 19 jours disponibles ; au plus 69 par jour, 54,5 en moyenne,"
                        + " pour une capacité de 100 par jour.")
                .contains("avant la migration, à 09:00, jamais avant le 30 septembre 2024")
                .contains("Aucune : toutes les journées ouvrables des deux périodes sont utilisables.")
                .contains("<summary>mardi 1er octobre 2024 : 1 boîte(s)</summary>")
                .contains("<h2>Préavis raccourcis</h2>\n<p>4 boîte(s) reçoivent le mail 1 moins de 5 jours ouvrables");
        plan.shortenedLeads().forEach(p -> assertThat(html).contains(p.address() + " - "));
        assertThat(html).contains("mail 1 le 30 septembre 2024 à 09:00 (1 jour(s) ouvrable(s) de préavis)");
        // The access date, two working days after each migration day (1 Oct: 3 Oct).
        assertThat(html).contains("; accès le 3 octobre 2024");
        assertThat(PlanHtml.french("same day as group establishments of po000478@adm.cfwb.be (3 mailboxes)"))
                .isEqualTo("même jour que le groupe établissements de po000478@adm.cfwb.be (3 boîtes)");
    }
}
