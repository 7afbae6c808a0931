package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.internal.csv.CsvWriter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a pass did with every mailbox of a run, with totals, throughput and the
 * messages not copied with their reasons. Renders itself as JSON ({@link #toJson()}), CSV
 * (one row per folder, {@link #toCsv()}) and a few lines for people ({@link #summary()}).
 */
public record TransferReport(Pass pass, Instant started, Duration duration, List<MailboxReport> mailboxes, boolean dryRun) {

    /** What Exchange Online gives each mailbox; a dry run flags mailboxes whose source is larger. */
    public static final long TARGET_QUOTA = 2L * 1024 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TransferReport {
        Objects.requireNonNull(pass, "pass");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(duration, "duration");
        mailboxes = List.copyOf(mailboxes);
    }

    /** Mailboxes whose source (as the source reports sizes) exceeds the target's 2 GB quota. */
    public List<MailboxReport> overQuota() {
        return mailboxes.stream().filter(m -> m.foundBytes() > TARGET_QUOTA).toList();
    }

    /** True if every message of every mailbox is on the target. */
    public boolean isComplete() {
        return mailboxes.stream().allMatch(MailboxReport::isComplete);
    }

    /**
     * True if every message found was copied, was already there, or is reported with a
     * reason (and no mailbox or folder stopped with an error).
     */
    public boolean isAccountedFor() {
        return mailboxes.stream().allMatch(m -> m.error().isEmpty()
                && m.folders().stream().allMatch(FolderReport::isAccountedFor));
    }

    public int found() {
        return mailboxes.stream().mapToInt(MailboxReport::found).sum();
    }

    public int copied() {
        return mailboxes.stream().mapToInt(MailboxReport::copied).sum();
    }

    public long copiedBytes() {
        return mailboxes.stream().mapToLong(MailboxReport::copiedBytes).sum();
    }

    public int alreadyPresent() {
        return mailboxes.stream().mapToInt(MailboxReport::alreadyPresent).sum();
    }

    public int skipped() {
        return mailboxes.stream().mapToInt(m -> m.skipped().size()).sum();
    }

    public int failed() {
        return mailboxes.stream().mapToInt(m -> m.failed().size()).sum();
    }

    public int retries() {
        return mailboxes.stream().mapToInt(MailboxReport::retries).sum();
    }

    /** Retries, throttling answers and waits of every mailbox together. */
    public RetryStats retryStats() {
        return mailboxes.stream().map(MailboxReport::retryStats).reduce(RetryStats.NONE, RetryStats::plus);
    }

    /** Copied megabytes (10^6) per second of the whole run. */
    public double megabytesPerSecond() {
        double seconds = Math.max(duration.toMillis(), 1) / 1000.0;
        return copiedBytes() / 1e6 / seconds;
    }

    public double messagesPerSecond() {
        double seconds = Math.max(duration.toMillis(), 1) / 1000.0;
        return copied() / seconds;
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("pass", pass.label());
        root.put("dryRun", dryRun);
        root.put("started", started.toString());
        root.put("durationMillis", duration.toMillis());
        root.put("complete", isComplete());
        root.put("accountedFor", isAccountedFor());
        ObjectNode totals = root.putObject("totals");
        totals.put("mailboxes", mailboxes.size());
        totals.put("found", found());
        totals.put("copied", copied());
        totals.put("copiedBytes", copiedBytes());
        totals.put("alreadyPresent", alreadyPresent());
        totals.put("skipped", skipped());
        totals.put("failed", failed());
        totals.put("retries", retries());
        totals.put("throttled", retryStats().throttled());
        totals.put("waitedMillis", retryStats().waited().toMillis());
        totals.put("messagesPerSecond", round(messagesPerSecond()));
        totals.put("megabytesPerSecond", round(megabytesPerSecond()));
        ArrayNode list = root.putArray("mailboxes");
        for (MailboxReport m : mailboxes) {
            ObjectNode mn = list.addObject();
            mn.put("mailbox", m.mailbox().toString());
            mn.put("complete", m.isComplete());
            mn.put("started", m.started().toString());
            mn.put("durationMillis", m.duration().toMillis());
            mn.put("retries", m.retries());
            mn.put("throttled", m.throttled());
            mn.put("waitedMillis", m.waited().toMillis());
            mn.put("found", m.found());
            mn.put("foundBytes", m.foundBytes());
            mn.put("copied", m.copied());
            mn.put("copiedBytes", m.copiedBytes());
            mn.put("alreadyPresent", m.alreadyPresent());
            mn.put("flagsUpdated", m.flagsUpdated());
            mn.put("waived", m.waived());
            mn.put("deletedOnTarget", m.deletedOnTarget());
            mn.put("overQuota", m.foundBytes() > TARGET_QUOTA);
            m.error().ifPresent(e -> mn.put("error", e));
            ArrayNode folders = mn.putArray("folders");
            for (FolderReport f : m.folders()) {
                ObjectNode fn = folders.addObject();
                fn.put("folder", f.source().encoded());
                fn.put("name", f.source().toString());
                fn.put("target", f.target());
                ArrayNode notes = fn.putArray("notes");
                f.notes().forEach(notes::add);
                fn.put("uidValidity", f.uidValidity());
                fn.put("found", f.found());
                fn.put("foundBytes", f.foundBytes());
                fn.put("copied", f.copied());
                fn.put("copiedBytes", f.copiedBytes());
                fn.put("alreadyPresent", f.alreadyPresent());
                fn.put("waived", f.waived());
                fn.put("deletedOnTarget", f.deletedOnTarget());
                fn.put("flagsUpdated", f.flagsUpdated());
                f.error().ifPresent(e -> fn.put("error", e));
                problems(fn.putArray("skipped"), f.skipped());
                problems(fn.putArray("failed"), f.failed());
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INTERNAL, "Cannot render the transfer report: " + e.getMessage(), e);
        }
    }

    private static void problems(ArrayNode array, List<MessageProblem> problems) {
        for (MessageProblem p : problems) {
            ObjectNode n = array.addObject();
            n.put("uid", p.uid());
            n.put("size", p.size());
            n.put("internalDate", p.internalDate().toString());
            n.put("reason", p.reason());
        }
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    /** One row per mailbox and folder; columns in {@link #CSV_HEADER}. */
    public String toCsv() {
        StringWriter out = new StringWriter();
        CsvWriter csv = new CsvWriter(out, ';');
        csv.row(CSV_HEADER);
        for (MailboxReport m : mailboxes) {
            if (m.folders().isEmpty()) {
                csv.row(m.mailbox(), "", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, m.error().orElse(""), m.retries(), m.throttled(),
                        m.waited().toMillis());
            }
            // Retries and waits are the mailbox's (the engine retries a mailbox's connection, not
            // a folder's): repeated on each of its rows, so that a filter on one row loses nothing.
            for (FolderReport f : m.folders()) {
                csv.row(m.mailbox(), f.source().encoded(), f.target(), f.found(), f.foundBytes(), f.copied(),
                        f.copiedBytes(), f.alreadyPresent(), f.flagsUpdated(), f.skipped().size(), f.failed().size(),
                        f.waived(), f.error().or(m::error).orElse(""), m.retries(), m.throttled(), m.waited().toMillis());
            }
        }
        return out.toString();
    }

    /**
     * The CSV columns; {@code waived} counts the messages ops waived ({@code bma:waive}: not copied on
     * purpose, neither skipped nor failed); the last three ({@code mailbox_retries}, {@code mailbox_throttled},
     * {@code mailbox_waited_ms}) are the mailbox's, repeated on each of its folder rows.
     */
    public static final List<String> CSV_HEADER = List.of("mailbox", "folder", "target", "found", "found_bytes",
            "copied", "copied_bytes", "already_present", "flags_updated", "skipped", "failed", "waived", "error",
            "mailbox_retries", "mailbox_throttled", "mailbox_waited_ms");

    /** A few lines for people: totals, throughput, and each problem. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        if (dryRun) {
            sb.append("DRY RUN (nothing written; 'copied' = would be copied)").append(System.lineSeparator());
        }
        sb.append(String.format(Locale.ROOT, "%s pass: %d mailbox(es), %d message(s) found, %d copied (%.1f MB), "
                        + "%d already present, %d skipped, %d failed, %d retries, %d throttled, %.1f s waited, "
                        + "%.1f s, %.1f msg/s, %.2f MB/s%n",
                pass.label(), mailboxes.size(), found(), copied(), copiedBytes() / 1e6, alreadyPresent(), skipped(),
                failed(), retries(), retryStats().throttled(), retryStats().waited().toMillis() / 1000.0,
                duration.toMillis() / 1000.0, messagesPerSecond(), megabytesPerSecond()));
        for (MailboxReport m : mailboxes) {
            sb.append(String.format(Locale.ROOT, "  %s: %s, %d found, %d copied, %d present%s%n", m.mailbox(),
                    m.isComplete() ? "complete" : "INCOMPLETE", m.found(), m.copied(), m.alreadyPresent(),
                    m.retryStats().isEmpty() ? "" : String.format(Locale.ROOT, ", %d retries, %d throttled, %.1f s waited",
                            m.retries(), m.throttled(), m.waited().toMillis() / 1000.0)));
            if (m.foundBytes() > TARGET_QUOTA) {
                sb.append("    over the target's 2 GB quota: ").append(m.foundBytes()).append(" bytes").append(System.lineSeparator());
            }
            for (String p : m.problems()) {
                sb.append("    ").append(p).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    /** Writes {@link #toJson()} to {@code json} and {@link #toCsv()} beside it (same name, .csv). */
    public void write(Path json) {
        String name = json.getFileName().toString();
        Path csv = json.resolveSibling(name.endsWith(".json") ? name.substring(0, name.length() - 5) + ".csv" : name + ".csv");
        writeFile(json, toJson());
        writeFile(csv, toCsv());
    }

    static void writeFile(Path file, String content) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write(content);
            }
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Cannot write the report " + file + ": " + e.getMessage(), e);
        }
    }
}
