package be.cfwb.bma.calendar.internal;

import be.cfwb.bma.calendar.Blackout;
import be.cfwb.bma.calendar.DateRange;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.NamedPeriod;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.calendar.Wave;
import be.cfwb.bma.calendar.WaveSummary;
import be.cfwb.bma.calendar.WorkingDays;
import be.cfwb.bma.internal.FrenchDates;
import be.cfwb.bma.internal.Html;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code plan.html}: per wave, a calendar of its weeks (each day with its load or why it is
 * closed), the daily load as an inline SVG bar chart against capacity, and the
 * mailboxes of each day. Self-contained: no script, no external resource. Written entirely
 * in French for the people who read it, dates and times in words (Europe/Brussels).
 */
public final class PlanHtml {

    private static final Locale FR = Locale.FRENCH;

    private PlanHtml() {
    }

    public static String plan(MigrationPlan plan, WorkingDays days) {
        PlanningSettings s = plan.settings();
        StringBuilder h = new StringBuilder(plan.size() * 120);
        h.append("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Plan de migration des BMA</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}\n")
                .append("table.cal{border-collapse:collapse;margin:.5em 0 1em}\n")
                .append("table.cal td,table.cal th{border:1px solid #bbb;width:7.5em;height:3.6em;vertical-align:top;padding:3px;font-size:.85em}\n")
                .append("td.out{background:#f4f4f4;color:#aaa}\ntd.closed{background:#ddd}\ntd.holiday{background:#f6c6c6}\n")
                .append("td.school{background:#fbe3b5}\ntd.blackout{background:#c9c2ef}\ntd.used{background:#cfe8cf}\n")
                .append("td.free{background:#fff}\n.n{font-size:1.4em;font-weight:bold}\n.why{font-style:italic}\n")
                .append(".legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #bbb}\n")
                .append("details{margin:.2em 0}\n</style>\n</head>\n<body>\n")
                .append("<h1>Plan de migration des boîtes mails administratives</h1>\n<p>")
                .append(plan.size()).append(" boîtes. Mail 1 : ").append(s.leadDays())
                .append(" jour(s) ouvrable(s) avant la migration, à ").append(s.mailTime(1))
                .append(s.announceFrom().map(d -> ", jamais avant le " + FrenchDates.dayMonthYear(d)).orElse(""))
                .append(" ; le jour même, mail 2 à ")
                .append(s.mailTime(2)).append(", mail 3 à ").append(s.mailTime(3)).append(", mail 4 à ")
                .append(s.mailTime(4)).append(" puis bascule (heure de Bruxelles). Accès à la nouvelle interface : ")
                .append(s.accessDelayDays() == 0 ? "le jour de la migration"
                        : s.accessDelayDays() + " jour(s) ouvrable(s) après la migration").append(". Copie préalable : ")
                .append(s.prestage().days().map(n -> n == 0 ? "le jour de la migration" : n + " jour(s) ouvrable(s) avant")
                        .orElse("selon le volume du jour (" + s.prestage().parallelism() + " boîtes à la fois, 150 Mo par 5 minutes"
                                + " et par boîte)")).append(".</p>\n");
        shortened(h, plan);
        h.append("<p class=\"legend\"><span class=\"l\" style=\"background:#cfe8cf\">migrations</span>")
                .append("<span style=\"background:#f6c6c6\">jour férié</span><span style=\"background:#fbe3b5\">vacances scolaires</span>")
                .append("<span style=\"background:#c9c2ef\">période d’obligation</span><span style=\"background:#ddd\">fermé</span></p>\n");
        for (WaveSummary w : plan.waves()) {
            wave(h, plan, w, days);
        }
        h.append("<h2>Périodes d’obligations</h2>\n<ul>\n");
        for (Blackout b : s.blackouts()) {
            h.append("<li>").append(Html.escape(range(b.range()) + " : " + b.name() + " (" + who(b) + ")")).append("</li>\n");
        }
        if (s.blackouts().isEmpty()) {
            h.append("<li>Aucune : toutes les journées ouvrables des deux périodes sont utilisables.</li>\n");
        }
        h.append("</ul>\n<h2>Calendrier scolaire</h2>\n<ul>\n");
        for (NamedPeriod p : s.schoolCalendar()) {
            h.append("<li>").append(Html.escape(range(p.range()) + " : " + p.name())).append("</li>\n");
        }
        h.append("</ul>\n");
        if (!s.closedDays().isEmpty()) {
            h.append("<h2>Jours fermés</h2>\n<ul>\n");
            for (NamedPeriod p : s.closedDays()) {
                h.append("<li>").append(Html.escape(range(p.range()) + " : " + p.name())).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    /** The mailboxes whose mail 1 leaves with less than the lead, named, as the console does. */
    private static void shortened(StringBuilder h, MigrationPlan plan) {
        List<PlannedMailbox> rows = plan.shortenedLeads();
        if (rows.isEmpty()) {
            return;
        }
        h.append("<h2>Préavis raccourcis</h2>\n<p>").append(rows.size())
                .append(" boîte(s) reçoivent le mail 1 moins de ").append(plan.settings().leadDays())
                .append(" jours ouvrables avant leur migration, car aucun mail 1 ne part avant le ")
                .append(plan.settings().announceFrom().map(FrenchDates::dayMonthYear).orElse("début de la campagne"))
                .append(" :</p>\n<ul>\n");
        for (PlannedMailbox p : rows) {
            h.append("<li>").append(Html.escape(p.address() + " - " + p.mailbox().name())).append(" : ")
                    .append(lead(p)).append("</li>\n");
        }
        h.append("</ul>\n");
    }

    private static String lead(PlannedMailbox p) {
        return "migration le " + FrenchDates.dayMonthYear(p.migrationDate()) + ", mail 1 le "
                + FrenchDates.dateTime(p.mailAt(1)) + " (" + p.mail1LeadDays() + " jour(s) ouvrable(s) de préavis)";
    }

    private static String range(DateRange r) {
        return FrenchDates.range(r.start(), r.end());
    }

    /** The planner's constraint words, in French. */
    static String french(String constraint) {
        if (constraint.equals(PlannedMailbox.ANNOUNCED)) {
            return "date annoncée par le mail 1";
        }
        List<String[]> prefixes = List.of(
                new String[] {"announced day now closed (", "jour annoncé désormais fermé ("},
                new String[] {"announced day now in blackout ", "jour annoncé désormais en période d’obligation "},
                new String[] {"fixed ", "date imposée "},
                new String[] {"forbidden ", "dates exclues "},
                new String[] {"same day as group ", "même jour que le groupe "},
                new String[] {"blackout ", "période d’obligation "});
        for (String[] p : prefixes) {
            if (constraint.startsWith(p[0])) {
                return p[1] + constraint.substring(p[0].length()).replace("establishments of ", "établissements de ")
                        .replace(" mailboxes)", " boîtes)");
            }
        }
        return constraint;
    }

    private static String who(Blackout b) {
        List<String> parts = new ArrayList<>();
        b.kinds().forEach(k -> parts.add(k.name()));
        b.level().ifPresent(l -> parts.add("niveau " + l));
        b.network().ifPresent(n -> parts.add("réseau " + n));
        return String.join(", ", parts);
    }

    private static void wave(StringBuilder h, MigrationPlan plan, WaveSummary w, WorkingDays days) {
        Wave wave = w.wave();
        h.append("<h2>Vague ").append(Html.escape(wave.name())).append(" : ").append(Html.escape(wave.kind().label()))
                .append(", ").append(range(wave.window())).append("</h2>\n<p>")
                .append(String.format(FR, "%d boîtes sur %d des %d jours disponibles ; au plus %d par jour, %.1f en moyenne,"
                        + " pour une capacité de %d par jour.", w.mailboxes(), w.daysUsed(), w.availableDays(), w.peakPerDay(),
                        w.meanPerDay(), wave.capacityPerDay())).append("</p>\n");
        chart(h, w, plan.settings(), days);
        LocalDate first = wave.window().start().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        LocalDate last = wave.window().end().with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY));
        h.append("<table class=\"cal\">\n<tr>");
        for (DayOfWeek d : DayOfWeek.values()) {
            h.append("<th>").append(Html.escape(d.getDisplayName(TextStyle.FULL, FR))).append("</th>");
        }
        h.append("</tr>\n");
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            if (d.getDayOfWeek() == DayOfWeek.MONDAY) {
                h.append("<tr>");
            }
            cell(h, plan, w, d, days);
            if (d.getDayOfWeek() == DayOfWeek.SUNDAY) {
                h.append("</tr>\n");
            }
        }
        h.append("</table>\n");
        SortedMap<LocalDate, List<PlannedMailbox>> byDay = new TreeMap<>();
        plan.mailboxes().stream().filter(p -> p.kind() == wave.kind())
                .forEach(p -> byDay.computeIfAbsent(p.migrationDate(), x -> new ArrayList<>()).add(p));
        for (var e : byDay.entrySet()) {
            List<PlannedMailbox> rows = e.getValue();
            h.append("<details><summary>").append(FrenchDates.format(e.getKey())).append(" : ").append(rows.size())
                    .append(" boîte(s)</summary>\n<ul>\n");
            for (PlannedMailbox p : rows) {
                h.append("<li>").append(Html.escape(p.address() + " - " + p.mailbox().name()));
                if (!p.prestageDate().equals(p.migrationDate())) {
                    h.append(" ; copie préalable le ").append(FrenchDates.dayMonthYear(p.prestageDate()));
                }
                if (!p.accessDate().equals(p.migrationDate())) {
                    h.append(" ; accès le ").append(FrenchDates.dayMonthYear(p.accessDate()));
                }
                if (p.leadShortened(plan.settings().leadDays())) {
                    h.append(" ; préavis raccourci : mail 1 le ").append(FrenchDates.dateTime(p.mailAt(1)));
                }
                if (!p.constraints().isEmpty()) {
                    h.append(" <i>(").append(Html.escape(String.join(" ; ", p.constraints().stream().map(PlanHtml::french).toList())))
                            .append(")</i>");
                }
                h.append("</li>\n");
            }
            h.append("</ul></details>\n");
        }
    }

    private static void cell(StringBuilder h, MigrationPlan plan, WaveSummary w, LocalDate d, WorkingDays days) {
        Wave wave = w.wave();
        String label = d.getDayOfMonth() + " " + d.getMonth().getDisplayName(TextStyle.SHORT, FR);
        Integer load = w.load().get(d);
        String css;
        String text;
        Optional<String> holiday = days.publicHoliday(d);
        Optional<String> closed = days.closure(d, wave.kind());
        Optional<Blackout> blackout = plan.settings().blackouts().stream()
                .filter(b -> b.concernsAll(wave.kind()) && b.range().contains(d)).findFirst();
        if (load != null) {
            css = "used";
            text = "<span class=\"n\">" + load + "</span> BMA"
                    + days.schoolHoliday(d).map(n -> "<br><span class=\"why\">" + Html.escape(n) + "</span>").orElse("");
        } else if (holiday.isPresent()) {
            css = "holiday";
            text = "<span class=\"why\">" + Html.escape(holiday.get()) + "</span>";
        } else if (closed.isPresent() && days.schoolHoliday(d).equals(closed)) {
            css = "school";
            text = "<span class=\"why\">" + Html.escape(closed.get()) + "</span>";
        } else if (closed.isPresent()) {
            css = "closed";
            text = "<span class=\"why\">" + Html.escape(closed.get()) + "</span>";
        } else if (blackout.isPresent()) {
            css = "blackout";
            text = "<span class=\"why\">" + Html.escape(blackout.get().name()) + "</span>";
        } else {
            css = "free";
            text = days.schoolHoliday(d).map(n -> "<span class=\"why\">" + Html.escape(n) + "</span>").orElse("");
        }
        if (!wave.window().contains(d)) {
            css = "out";
        }
        h.append("<td class=\"").append(css).append("\">").append(Html.escape(label)).append("<br>").append(text).append("</td>");
    }

    /** A bar per day of the window; closed days show as grey ticks; the dashed line is capacity. */
    private static void chart(StringBuilder h, WaveSummary w, PlanningSettings settings, WorkingDays days) {
        List<LocalDate> window = w.wave().window().days().toList();
        int bar = 22;
        int height = 160;
        int left = 40;
        int max = Math.max(w.wave().capacityPerDay(), w.peakPerDay());
        int width = left + window.size() * bar + 10;
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height + 40).append("\" role=\"img\" aria-label=\"Charge par jour\">\n");
        h.append("<line x1=\"").append(left).append("\" y1=\"").append(height).append("\" x2=\"").append(width)
                .append("\" y2=\"").append(height).append("\" stroke=\"#333\"/>\n");
        int capY = height - (int) Math.round((double) w.wave().capacityPerDay() / max * (height - 10));
        h.append("<line x1=\"").append(left).append("\" y1=\"").append(capY).append("\" x2=\"").append(width)
                .append("\" y2=\"").append(capY).append("\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>\n")
                .append("<text x=\"2\" y=\"").append(capY + 4).append("\" font-size=\"10\">").append(w.wave().capacityPerDay())
                .append("</text>\n");
        for (int i = 0; i < window.size(); i++) {
            LocalDate d = window.get(i);
            int n = w.load().getOrDefault(d, 0);
            int x = left + i * bar + 2;
            int bh = (int) Math.round((double) n / max * (height - 10));
            if (n > 0) {
                h.append("<rect x=\"").append(x).append("\" y=\"").append(height - bh).append("\" width=\"")
                        .append(bar - 4).append("\" height=\"").append(bh).append("\" fill=\"#4a8f4a\"><title>")
                        .append(FrenchDates.dayMonthYear(d)).append(" : ").append(n).append(" BMA</title></rect>\n");
                h.append("<text x=\"").append(x).append("\" y=\"").append(height - bh - 2)
                        .append("\" font-size=\"8\">").append(n).append("</text>\n");
            } else {
                // An empty day says why in its colour and tooltip, as in the calendar below.
                Optional<String> holiday = days.publicHoliday(d);
                Optional<String> closed = days.closure(d, w.wave().kind());
                Optional<Blackout> blackout = settings.blackouts().stream()
                        .filter(b -> b.concernsAll(w.wave().kind()) && b.range().contains(d)).findFirst();
                String fill = holiday.isPresent() ? "#e08080" : closed.isPresent() && closed.equals(days.schoolHoliday(d))
                        ? "#e8b860" : closed.isPresent() ? "#bbb" : blackout.isPresent() ? "#8a7fd0" : "#fff";
                String why = holiday.or(() -> closed).or(() -> blackout.map(Blackout::name)).orElse("libre");
                h.append("<rect x=\"").append(x).append("\" y=\"").append(height - 6).append("\" width=\"")
                        .append(bar - 4).append("\" height=\"6\" fill=\"").append(fill).append("\"><title>")
                        .append(FrenchDates.dayMonthYear(d)).append(" : ").append(Html.escape(why)).append("</title></rect>\n");
            }
            h.append("<text x=\"").append(x + 2).append("\" y=\"").append(height + 12).append("\" font-size=\"9\">")
                    .append(d.getDayOfMonth()).append("</text>\n");
        }
        h.append("</svg>\n");
    }
}
