package be.cfwb.bma.calendar.internal;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.calendar.Blackout;
import be.cfwb.bma.calendar.DateRange;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.NamedPeriod;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.calendar.Planner;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.calendar.PrestageSettings;
import be.cfwb.bma.calendar.Wave;
import be.cfwb.bma.calendar.WaveSummary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code plan.json}: the settings that made the plan, a summary per wave and one object per
 * mailbox. Written with fixed indentation and LF line ends, fields in a fixed order.
 */
public final class PlanJson {

    public static final String FORMAT = "bma-plan/1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanJson() {
    }

    public static String plan(MigrationPlan plan) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("time_zone", PlanningSettings.ZONE.getId());
        root.set("settings", settings(plan.settings()));
        ArrayNode waves = root.putArray("waves");
        for (WaveSummary w : plan.waves()) {
            ObjectNode n = waves.addObject();
            n.put("name", w.wave().name());
            n.put("kind", w.wave().kind().name());
            n.put("window", w.wave().window().toString());
            n.put("capacity_per_day", w.wave().capacityPerDay());
            n.put("available_days", w.availableDays());
            n.put("days_used", w.daysUsed());
            n.put("mailboxes", w.mailboxes());
            n.put("peak_per_day", w.peakPerDay());
            n.put("mean_per_day", Math.round(w.meanPerDay() * 10) / 10.0);
            ObjectNode load = n.putObject("load");
            w.load().forEach((d, c) -> load.put(d.toString(), c));
        }
        ArrayNode rows = root.putArray("mailboxes");
        for (PlannedMailbox p : plan.mailboxes()) {
            ObjectNode n = rows.addObject();
            n.put("address", p.address().toString());
            n.put("kind", p.kind().name());
            n.put("fase", p.address().number().value());
            n.put("name", p.mailbox().name());
            n.put("po", p.mailbox().organisingBody().map(BmaAddress::toString).orElse(""));
            n.put("wave", p.wave());
            n.put("migration_date", p.migrationDate().toString());
            for (int i = 1; i <= 4; i++) {
                n.put("mail" + i + "_at", Formats.dateTime(p.mailAt(i)));
            }
            ArrayNode c = n.putArray("constraints");
            p.constraints().forEach(c::add);
            n.put("access_date", p.accessDate().toString());
            n.put("mail1_lead_days", p.mail1LeadDays());
            n.put("prestage_date", p.prestageDate().toString());
        }
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return JSON.writer(printer).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new BmaException(BmaErrorCode.INTERNAL, "The plan cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private static ObjectNode settings(PlanningSettings s) {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode waves = n.putArray("waves");
        for (Wave w : s.waves().values()) {
            ObjectNode o = waves.addObject();
            o.put("kind", w.kind().name());
            o.put("window", w.window().toString());
            o.put("capacity_per_day", w.capacityPerDay());
            o.put("uses_school_holidays", w.usesSchoolHolidays());
        }
        n.put("lead_days", s.leadDays());
        for (int i = 1; i <= 4; i++) {
            n.put("mail" + i + "_time", s.mailTime(i).toString());
        }
        n.put("mails_per_hour", s.mailsPerHour());
        ArrayNode closed = n.putArray("closed_days");
        s.closedDays().stream().map(NamedPeriod::toString).forEach(closed::add);
        ArrayNode school = n.putArray("school_calendar");
        s.schoolCalendar().stream().map(NamedPeriod::toString).forEach(school::add);
        ArrayNode blackouts = n.putArray("blackouts");
        s.blackouts().stream().map(Blackout::toString).forEach(blackouts::add);
        s.announceFrom().ifPresentOrElse(d -> n.put("announce_from", d.toString()), () -> n.putNull("announce_from"));
        n.put("access_delay_days", s.accessDelayDays());
        s.prestage().days().ifPresentOrElse(d -> n.put("prestage_days", d), () -> n.put("prestage_days", "auto"));
        n.put("parallelism", s.prestage().parallelism());
        ObjectNode volume = n.putObject("volume_per_day_mb");
        for (BmaKind kind : BmaKind.values()) {
            s.volumePerDay(kind).ifPresent(mb -> volume.put(kind.name(), mb));
        }
        n.put("mailbox_sizes_known", s.mailboxSizes().size());
        ArrayNode together = n.putArray("keep_together");
        s.keepTogether().forEach(a -> together.add(a.toString()));
        return n;
    }

    /**
     * Reads back a plan written by {@link #plan}: its settings (without the mailbox sizes,
     * which the file only counts), and each row with its mailbox
     * taken from {@code inventory} when it is there (from the file otherwise).
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} naming the source if it is not such a plan
     */
    public static MigrationPlan read(String json, String source, Inventory inventory) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !FORMAT.equals(root.path("format").asText())) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Plan " + source + " is not a " + FORMAT + " file");
            }
            JsonNode s = root.path("settings");
            PlanningSettings.Builder b = PlanningSettings.builder();
            for (JsonNode w : s.path("waves")) {
                b.wave(new Wave(BmaKind.valueOf(w.path("kind").asText()), DateRange.parse(w.path("window").asText()),
                        w.path("capacity_per_day").asInt(), w.path("uses_school_holidays").asBoolean()));
            }
            b.leadDays(s.path("lead_days").asInt());
            for (int i = 1; i <= 4; i++) {
                b.mailTime(i, LocalTime.parse(s.path("mail" + i + "_time").asText()));
            }
            b.mailsPerHour(s.path("mails_per_hour").asInt());
            s.path("closed_days").forEach(n -> b.closedDay(NamedPeriod.parse(n.asText())));
            List<NamedPeriod> school = new ArrayList<>();
            s.path("school_calendar").forEach(n -> school.add(NamedPeriod.parse(n.asText())));
            b.schoolCalendar(school);
            List<Blackout> blackouts = new ArrayList<>();
            s.path("blackouts").forEach(n -> blackouts.add(Blackout.parse(n.asText())));
            b.blackouts(blackouts);
            s.path("volume_per_day_mb").properties().forEach(e ->
                    b.volumePerDay(BmaKind.valueOf(e.getKey()), e.getValue().asLong()));
            s.path("keep_together").forEach(a -> b.keepTogether(BmaAddress.parse(a.asText())));
            // Absent from plans written before it had a default: no limit then.
            b.announceFrom(s.hasNonNull("announce_from") ? LocalDate.parse(s.path("announce_from").asText()) : null);
            b.accessDelayDays(s.path("access_delay_days").asInt(0));
            // Absent from plans written before pre-stage dates: sized from the volume, as by default.
            b.prestage(new PrestageSettings(s.path("prestage_days").isInt() ? Optional.of(s.path("prestage_days").asInt())
                    : Optional.empty(), s.path("parallelism").asInt(PrestageSettings.defaults().parallelism())));
            PlanningSettings settings = b.build();
            List<PlannedMailbox> rows = new ArrayList<>();
            for (JsonNode row : root.path("mailboxes")) {
                BmaAddress address = BmaAddress.parse(row.path("address").asText());
                Mailbox mailbox = inventory.find(address).orElseGet(() -> new Mailbox(address, row.path("name").asText(),
                        "", null, "", "", row.path("po").asText().isEmpty() ? Optional.empty()
                        : Optional.of(BmaAddress.parse(row.path("po").asText())), null, ""));
                List<LocalDateTime> mails = new ArrayList<>();
                for (int i = 1; i <= 4; i++) {
                    mails.add(LocalDateTime.parse(row.path("mail" + i + "_at").asText()));
                }
                List<String> constraints = new ArrayList<>();
                row.path("constraints").forEach(n -> constraints.add(n.asText()));
                LocalDate day = LocalDate.parse(row.path("migration_date").asText());
                // Plans written before these columns: access on the day, the lead as planned, and
                // the pre-stage on the migration day, as those plans ran it.
                LocalDate access = row.hasNonNull("access_date") ? LocalDate.parse(row.path("access_date").asText()) : day;
                LocalDate prestage = row.hasNonNull("prestage_date") ? LocalDate.parse(row.path("prestage_date").asText()) : day;
                rows.add(new PlannedMailbox(mailbox, row.path("wave").asText(), day, mails, constraints, access,
                        row.path("mail1_lead_days").asInt(settings.leadDays()), prestage));
            }
            return new Planner(settings).planOf(rows);
        } catch (JsonProcessingException | DateTimeParseException | IllegalArgumentException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Plan " + source + " cannot be read ("
                    + e.getMessage() + "); run bma:plan again to rewrite it", e);
        } catch (BmaException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Plan " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Each mailbox's day in a plan written by {@link #plan}.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} naming the source if it is not such a plan
     */
    public static Map<BmaAddress, LocalDate> migrationDates(String json, String source) {
        Map<BmaAddress, LocalDate> dates = new TreeMap<>();
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !FORMAT.equals(root.path("format").asText())) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Previous plan " + source
                        + " is not a " + FORMAT + " file; move it away to plan afresh");
            }
            for (JsonNode row : root.path("mailboxes")) {
                dates.put(BmaAddress.parse(row.path("address").asText()), LocalDate.parse(row.path("migration_date").asText()));
            }
            return dates;
        } catch (JsonProcessingException | DateTimeParseException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Previous plan " + source
                    + " cannot be read (" + e.getMessage() + "); move it away to plan afresh", e);
        } catch (BmaException e) {
            if (e.code() == BmaErrorCode.INVALID_ADDRESS) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Previous plan " + source + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }
}
