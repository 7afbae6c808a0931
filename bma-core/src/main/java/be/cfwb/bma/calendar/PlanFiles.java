package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.calendar.internal.PlanCsv;
import be.cfwb.bma.calendar.internal.PlanHtml;
import be.cfwb.bma.calendar.internal.PlanIcs;
import be.cfwb.bma.calendar.internal.PlanJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a plan as files and reads back the days of the previous one. The files depend
 * only on the plan: the same plan gives byte-identical files. Each file is written beside
 * its final name and moved into place only once all are rendered, so a failure leaves the
 * previous files as they were.
 */
public final class PlanFiles {

    public static final String CSV = "plan.csv";
    public static final String JSON = "plan.json";
    public static final String ICS = "plan.ics";
    public static final String HTML = "plan.html";
    /** Written only when something moved since the previous plan; removed otherwise. */
    public static final String CHANGES = "plan-changes.csv";
    /**
     * The copy of the last {@value #JSON} kept in the ledger directory, so that re-planning
     * after a {@code mvn clean} still starts from the published days.
     */
    public static final String PUBLISHED = "published-plan.json";

    private PlanFiles() {
    }

    /**
     * Writes {@value #CSV}, {@value #JSON}, {@value #ICS}, {@value #HTML} (and {@value #CHANGES}
     * when something moved) into {@code directory}, creating it if needed.
     *
     * @return the files written, in that order
     */
    public static List<Path> write(MigrationPlan plan, Path directory) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(CSV, PlanCsv.plan(plan));
        files.put(JSON, PlanJson.plan(plan));
        files.put(ICS, PlanIcs.plan(plan));
        files.put(HTML, PlanHtml.plan(plan, new WorkingDays(plan.settings())));
        if (!plan.changes().isEmpty()) {
            files.put(CHANGES, PlanCsv.changes(plan));
        }
        List<Path> written = new ArrayList<>();
        Map<Path, Path> staged = new LinkedHashMap<>();
        try {
            Files.createDirectories(directory);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path target = directory.resolve(f.getKey());
                Path tmp = directory.resolve(f.getKey() + ".tmp");
                Files.write(tmp, f.getValue().getBytes(StandardCharsets.UTF_8));
                staged.put(tmp, target);
            }
            for (Map.Entry<Path, Path> e : staged.entrySet()) {
                move(e.getKey(), e.getValue());
                written.add(e.getValue());
            }
            if (plan.changes().isEmpty()) {
                Files.deleteIfExists(directory.resolve(CHANGES));
            }
        } catch (IOException e) {
            for (Path tmp : staged.keySet()) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The original failure is the one to report.
                }
            }
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "The plan files cannot be written to "
                    + directory + ": " + e.getMessage() + "; check bma.output", e);
        }
        return written;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The SHA-256 of a written file, hex, so that the ledger can say which plan was published. */
    public static String sha256(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return HexFormat.of().formatHex(digest);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Plan file " + file + " cannot be read: "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new BmaException(BmaErrorCode.INTERNAL, "SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * The plan last written to {@code directory} ({@value #JSON}), as published: what
     * mail 1 announces and when each mail is due. Mailboxes are taken from
     * {@code inventory} where present. Empty if no plan was written there.
     *
     * @throws BmaException if the file exists but is not a plan
     */
    public static Optional<MigrationPlan> read(Path directory, Inventory inventory) {
        Path file = directory.resolve(JSON);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(PlanJson.read(Files.readString(file, StandardCharsets.UTF_8), file.toString(), inventory));
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Plan " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Keeps a copy of the {@value #JSON} just written in {@code directory} (the ledger's) as
     * {@value #PUBLISHED}, replaced atomically.
     */
    public static void keepPublished(Path writtenJson, Path directory) {
        try {
            Files.createDirectories(directory);
            Path tmp = directory.resolve(PUBLISHED + ".tmp");
            Files.copy(writtenJson, tmp, StandardCopyOption.REPLACE_EXISTING);
            move(tmp, directory.resolve(PUBLISHED));
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "The published plan cannot be kept in "
                    + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Each mailbox's day in the last published plan: the copy kept in {@code ledgerDirectory}
     * ({@value #PUBLISHED}) if there is one, else the {@value #JSON} of {@code outputDirectory};
     * empty if neither exists.
     */
    public static Map<BmaAddress, LocalDate> previousDates(Path ledgerDirectory, Path outputDirectory) {
        Path kept = ledgerDirectory.resolve(PUBLISHED);
        return Files.isRegularFile(kept) ? datesIn(kept) : previousDates(outputDirectory);
    }

    /**
     * Each mailbox's day in the {@value #JSON} of {@code directory}; empty if there is none.
     *
     * @throws BmaException if the file exists but is not a plan
     */
    public static Map<BmaAddress, LocalDate> previousDates(Path directory) {
        Path file = directory.resolve(JSON);
        return Files.isRegularFile(file) ? datesIn(file) : Map.of();
    }

    private static Map<BmaAddress, LocalDate> datesIn(Path file) {
        try {
            return PlanJson.migrationDates(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Previous plan " + file + " cannot be read: "
                    + e.getMessage(), e);
        }
    }
}
