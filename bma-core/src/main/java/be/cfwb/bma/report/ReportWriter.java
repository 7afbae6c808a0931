package be.cfwb.bma.report;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.internal.csv.CsvWriter;
import be.cfwb.bma.internal.FrenchDates;
import be.cfwb.bma.internal.Html;
import be.cfwb.bma.calendar.PlanningSettings;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * Writes the dashboard: {@value #HTML} for people (charts and tables, one self-contained
 * file, entirely in French, times in words in Europe/Brussels), {@value #JSON} and
 * {@value #CSV} for machines. Each file is written whole to a
 * temporary name and then moved in place, so a reader never sees half a report.
 */
public final class ReportWriter {

    public static final String HTML = "report.html";
    public static final String JSON = "report.json";
    public static final String CSV = "report.csv";

    private static final long MB = 1024L * 1024L;

    private ReportWriter() {
    }

    /** Writes the three files into {@code directory}; returns the HTML file. */
    public static Path write(MigrationReport report, Path directory, Instant generatedAt) {
        try {
            Files.createDirectories(directory);
            atomically(directory.resolve(HTML), html(report, generatedAt));
            atomically(directory.resolve(JSON), json(report, generatedAt));
            atomically(directory.resolve(CSV), csv(report));
            return directory.resolve(HTML);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INTERNAL, "The report cannot be written to " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void atomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String html(MigrationReport report, Instant generatedAt) {
        StringBuilder h = new StringBuilder(64 * 1024);
        Map<MailboxStep, Integer> steps = report.countByStep();
        h.append("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Migration des BMA</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{margin-bottom:0}")
                .append(".kpi{display:inline-block;margin:1em 2em 1em 0}.kpi b{display:block;font-size:2em}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}")
                .append("td.n{text-align:right}.warn{background:#fff3cd}section{margin-top:2em}</style></head><body>\n");
        h.append("<h1>Migration des boîtes mails administratives</h1>\n<p>Situation au ")
                .append(Html.escape(FrenchDates.dateTime(generatedAt.atZone(PlanningSettings.ZONE).toLocalDateTime())))
                .append(" (heure de Bruxelles)</p>\n<div>");
        kpi(h, "boîtes", report.rows().size());
        kpi(h, "vérifiées", steps.get(MailboxStep.VERIFIED));
        kpi(h, "messages copiés", report.totalMessages());
        kpi(h, "Mo copiés", report.totalBytes() / MB);
        kpi(h, "à surveiller", report.rows().stream().filter(r -> !r.anomalies().isEmpty()).count());
        h.append("</div>\n");

        for (BmaKind kind : BmaKind.values()) {
            List<MailboxReportRow> wave = report.rows().stream().filter(r -> r.mailbox().kind() == kind).toList();
            if (wave.isEmpty()) {
                continue;
            }
            h.append("<section><h2>Vague ").append(kind.prefix().toUpperCase(Locale.ROOT)).append(" (")
                    .append(Html.escape(kind.label())).append("s) : ").append(wave.size()).append(" boîtes</h2>\n");
            List<SvgChart.Point> bySteps = new ArrayList<>();
            for (MailboxStep step : MailboxStep.values()) {
                bySteps.add(new SvgChart.Point(french(step), wave.stream().filter(r -> r.step() == step).count()));
            }
            h.append("<h3>Étapes</h3>").append(SvgChart.bars("Boîtes par étape", bySteps, "#2b6cb0")).append('\n');
            h.append("<h3>Boîtes vérifiées (cumul par jour)</h3>")
                    .append(SvgChart.line("Boîtes vérifiées, cumul", cumulative(report.verifiedPerDay().get(kind)), "#2f855a"))
                    .append("</section>\n");
        }
        List<SvgChart.Point> perDay = new ArrayList<>();
        report.bytesPerDay().forEach((day, bytes) -> perDay.add(new SvgChart.Point(FrenchDates.shortDay(day), (double) bytes / MB)));
        h.append("<section><h2>Volume copié par jour (Mo)</h2>").append(SvgChart.bars("Mo copiés par jour", perDay, "#805ad5"))
                .append("</section>\n");
        h.append("<section><h2>Taille des boîtes copiées</h2>").append(SvgChart.bars("Boîtes par taille", sizeHistogram(report), "#dd6b20"))
                .append("</section>\n");

        List<MailboxReportRow> watch = report.rows().stream().filter(r -> !r.anomalies().isEmpty()).toList();
        h.append("<section><h2>À surveiller (").append(watch.size()).append(")</h2>");
        table(h, watch);
        h.append("</section>\n<section><h2>Toutes les boîtes</h2>");
        table(h, report.rows());
        h.append("</section>\n</body></html>\n");
        return h.toString();
    }

    private static void kpi(StringBuilder h, String label, long value) {
        h.append("<div class=\"kpi\"><b>").append(String.format(Locale.FRANCE, "%,d", value)).append("</b>")
                .append(Html.escape(label)).append("</div>");
    }

    private static void table(StringBuilder h, List<MailboxReportRow> rows) {
        h.append("<table><thead><tr><th>adresse</th><th>nom</th><th>étape</th><th>date prévue</th><th>messages</th>"
                + "<th>Mo</th><th>non copiés</th><th>vérification</th><th>à surveiller</th></tr></thead><tbody>\n");
        for (MailboxReportRow r : rows) {
            h.append(r.anomalies().isEmpty() ? "<tr>" : "<tr class=\"warn\">")
                    .append("<td>").append(r.mailbox().address()).append("</td>")
                    .append("<td>").append(Html.escape(r.mailbox().name())).append("</td>")
                    .append("<td>").append(Html.escape(french(r.step()))).append("</td>")
                    .append("<td>").append(r.migrationDate().map(FrenchDates::dayMonthYear).orElse("")).append("</td>")
                    .append("<td class=\"n\">").append(r.messages()).append("</td>")
                    .append("<td class=\"n\">").append(String.format(Locale.ROOT, "%.1f", (double) r.bytes() / MB)).append("</td>")
                    .append("<td class=\"n\">").append(r.skipped()).append("</td>")
                    .append("<td>").append(Html.escape(r.verification().map(ReportWriter::french).orElse(""))).append("</td>")
                    .append("<td>").append(Html.escape(r.anomalies())).append("</td></tr>\n");
        }
        h.append("</tbody></table>");
    }

    /** A step as the page names it (the console and the JSON keep {@link MailboxStep#label()} and the enum name). */
    static String french(MailboxStep step) {
        return switch (step) {
            case PENDING -> "en attente";
            case MAIL1_SENT -> "mail 1 envoyé";
            case PROVISIONED -> "boîte créée";
            case MAIL2_SENT -> "mail 2 envoyé";
            case MAIL3_SENT -> "mail 3 envoyé";
            case PRESTAGED -> "pré-copiée";
            case MAIL4_SENT -> "mail 4 envoyé";
            case CUT_OVER -> "basculée";
            case FINAL_DELTA_DONE -> "copie finale faite";
            case VERIFIED -> "vérifiée";
        };
    }

    /** The verification outcome ({@code verified}, {@code N missing}) in French. */
    private static String french(String verification) {
        return verification.equals("verified") ? "vérifiée" : verification.replace(" missing", " manquant(s)");
    }

    private static List<SvgChart.Point> cumulative(SortedMap<LocalDate, Integer> perDay) {
        List<SvgChart.Point> points = new ArrayList<>();
        int total = 0;
        for (Map.Entry<LocalDate, Integer> e : perDay.entrySet()) {
            total += e.getValue();
            points.add(new SvgChart.Point(FrenchDates.shortDay(e.getKey()), total));
        }
        return points;
    }

    private static List<SvgChart.Point> sizeHistogram(MigrationReport report) {
        long[] limits = {1, 5, 10, 20, 40, 80, Long.MAX_VALUE};
        String[] labels = {"< 1 Mo", "1-5", "5-10", "10-20", "20-40", "40-80", "> 80 Mo"};
        long[] counts = new long[limits.length];
        report.rows().stream().filter(r -> r.step().compareTo(MailboxStep.PRESTAGED) >= 0).forEach(r -> {
            for (int i = 0; i < limits.length; i++) {
                if (r.bytes() < limits[i] * MB) {
                    counts[i]++;
                    break;
                }
            }
        });
        List<SvgChart.Point> points = new ArrayList<>();
        for (int i = 0; i < limits.length; i++) {
            points.add(new SvgChart.Point(labels[i], counts[i]));
        }
        return points;
    }

    static String json(MigrationReport report, Instant generatedAt) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("generated_at", generatedAt.toString());
        root.put("mailboxes", report.rows().size());
        root.put("messages", report.totalMessages());
        root.put("bytes", report.totalBytes());
        ObjectNode steps = root.putObject("steps");
        report.countByStep().forEach((step, count) -> steps.put(step.name().toLowerCase(Locale.ROOT), count));
        ArrayNode rows = root.putArray("rows");
        for (MailboxReportRow r : report.rows()) {
            ObjectNode row = rows.addObject();
            row.put("address", r.mailbox().address().toString());
            row.put("name", r.mailbox().name());
            row.put("kind", r.mailbox().kind().prefix());
            row.put("step", r.step().name().toLowerCase(Locale.ROOT));
            row.put("migration_date", r.migrationDate().map(LocalDate::toString).orElse(null));
            row.put("messages", r.messages());
            row.put("bytes", r.bytes());
            row.put("skipped", r.skipped());
            row.put("verification", r.verification().orElse(null));
            row.put("anomalies", r.anomalies());
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INTERNAL, "The JSON report cannot be built", e);
        }
    }

    static String csv(MigrationReport report) {
        StringWriter out = new StringWriter();
        CsvWriter csv = new CsvWriter(out, ',');
        csv.row("address", "name", "kind", "step", "migration_date", "messages", "bytes", "skipped", "verification", "anomalies");
        for (MailboxReportRow r : report.rows()) {
            csv.row(r.mailbox().address(), r.mailbox().name(), r.mailbox().kind().prefix(), r.step().name().toLowerCase(Locale.ROOT),
                    r.migrationDate().map(LocalDate::toString).orElse(""), r.messages(), r.bytes(), r.skipped(),
                    r.verification().orElse(""), r.anomalies());
        }
        return out.toString();
    }

}
