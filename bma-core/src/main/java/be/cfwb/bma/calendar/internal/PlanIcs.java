package be.cfwb.bma.calendar.internal;

import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.calendar.PlanningSettings;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code plan.ics} (RFC 5545): one all-day event per migration day listing its mailboxes.
 * All-day events need no VTIMEZONE; the mail times are in the description. UIDs derive
 * from the day, so a re-published plan updates the same events in Outlook. DTSTAMP is the
 * earliest mail 1 of the day, not the time of writing, so the file depends only on the plan.
 */
public final class PlanIcs {

    private static final String CRLF = "\r\n";
    private static final int MAX_OCTETS = 75;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    private PlanIcs() {
    }

    public static String plan(MigrationPlan plan) {
        SortedMap<LocalDate, List<PlannedMailbox>> byDay = new TreeMap<>();
        plan.mailboxes().forEach(p -> byDay.computeIfAbsent(p.migrationDate(), d -> new ArrayList<>()).add(p));
        PlanningSettings s = plan.settings();
        StringBuilder out = new StringBuilder(plan.size() * 100);
        line(out, "BEGIN:VCALENDAR");
        line(out, "VERSION:2.0");
        line(out, "PRODID:-//Federation Wallonie-Bruxelles//BMA migration toolkit//FR");
        line(out, "CALSCALE:GREGORIAN");
        line(out, "METHOD:PUBLISH");
        line(out, "X-WR-CALNAME:" + text("Migration des BMA"));
        byDay.forEach((day, rows) -> {
            Map<BmaKind, Integer> counts = new EnumMap<>(BmaKind.class);
            rows.forEach(r -> counts.merge(r.kind(), 1, Integer::sum));
            StringBuilder kinds = new StringBuilder();
            counts.forEach((k, n) -> kinds.append(kinds.length() == 0 ? "" : ", ").append(n).append(' ').append(k));
            LocalDateTime stamp = rows.stream().map(r -> r.mailAt(1)).min(LocalDateTime::compareTo).orElseThrow();
            StringBuilder description = new StringBuilder();
            description.append("Mail 2 à ").append(s.mailTime(2)).append(", mail 3 à ").append(s.mailTime(3))
                    .append(", mail 4 à ").append(s.mailTime(4)).append(" puis bascule (Europe/Brussels).\n\n");
            for (PlannedMailbox r : rows) {
                description.append(r.address()).append(" - ").append(r.mailbox().name()).append('\n');
            }
            line(out, "BEGIN:VEVENT");
            line(out, "UID:bma-migration-" + DATE.format(day) + "@adm.cfwb.be");
            line(out, "DTSTAMP:" + UTC.format(stamp.atZone(PlanningSettings.ZONE).withZoneSameInstant(ZoneOffset.UTC)));
            line(out, "DTSTART;VALUE=DATE:" + DATE.format(day));
            line(out, "DTEND;VALUE=DATE:" + DATE.format(day.plusDays(1)));
            line(out, "SUMMARY:" + text("Migration BMA : " + rows.size() + " boîte(s) (" + kinds + ")"));
            line(out, "DESCRIPTION:" + text(description.toString().stripTrailing()));
            line(out, "CATEGORIES:" + text("Migration BMA"));
            line(out, "TRANSP:TRANSPARENT");
            line(out, "END:VEVENT");
        });
        line(out, "END:VCALENDAR");
        return out.toString();
    }

    /** Escapes a TEXT value (RFC 5545 §3.3.11). */
    static String text(String value) {
        StringBuilder s = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case ';' -> s.append("\\;");
                case ',' -> s.append("\\,");
                case '\n' -> s.append("\\n");
                case '\r' -> { }
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    /**
     * Appends a content line folded at 75 octets (§3.1): continuation lines start with one
     * space, and a UTF-8 sequence is never split.
     */
    static void line(StringBuilder out, String content) {
        int octets = 0;
        for (int i = 0; i < content.length(); ) {
            int cp = content.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (octets + size > MAX_OCTETS) {
                out.append(CRLF).append(' ');
                octets = 1;
            }
            out.appendCodePoint(cp);
            octets += size;
            i += Character.charCount(cp);
        }
        out.append(CRLF);
    }
}
