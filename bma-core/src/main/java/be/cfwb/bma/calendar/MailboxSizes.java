package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.internal.csv.CsvFormatException;
import be.cfwb.bma.internal.csv.CsvReader;
import be.cfwb.bma.internal.csv.CsvRecord;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How big the mailboxes are, where known, so that a day's capacity can be weighted by
 * size ({@link PlanningSettings#volumePerDay}). Read from a CSV file with a header
 * {@code address,bytes} ({@code ;} accepted too), e.g. the old server's quota report.
 */
public final class MailboxSizes {

    /** No size known. */
    public static final MailboxSizes NONE = new MailboxSizes(new TreeMap<>(), "none");

    private final SortedMap<BmaAddress, Long> bytes;
    private final String source;

    private MailboxSizes(SortedMap<BmaAddress, Long> bytes, String source) {
        this.bytes = Collections.unmodifiableSortedMap(bytes);
        this.source = source;
    }

    public static MailboxSizes of(Map<BmaAddress, Long> bytes) {
        bytes.forEach((a, b) -> {
            if (b < 0) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Size of " + a + " is negative: " + b);
            }
        });
        return new MailboxSizes(new TreeMap<>(bytes), "given");
    }

    /**
     * Loads a sizes file; every bad row is reported together.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} naming the file, line and problem
     */
    public static MailboxSizes load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Mailbox sizes file " + file
                    + " cannot be read: " + e.getMessage() + "; check bma.mailboxSizes", e);
        }
        return parse(text, file.toString());
    }

    static MailboxSizes parse(String text, String source) {
        List<CsvRecord> records;
        try {
            String first = text.lines().findFirst().orElse("");
            records = new CsvReader(new StringReader(text), first.indexOf(';') >= 0 ? ';' : ',').readAll();
        } catch (IOException | CsvFormatException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Mailbox sizes file " + source + ": " + e.getMessage(), e);
        }
        if (records.isEmpty() || records.get(0).fields().size() < 2
                || !records.get(0).field(0).strip().replace("\uFEFF", "").toLowerCase(Locale.ROOT).equals("address")
                || !records.get(0).field(1).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Mailbox sizes file " + source
                    + " must start with the header 'address,bytes'");
        }
        SortedMap<BmaAddress, Long> bytes = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (CsvRecord r : records.subList(1, records.size())) {
            if (r.isBlank()) {
                continue;
            }
            try {
                BmaAddress address = BmaAddress.parseLenient(r.field(0));
                long size = Long.parseLong(r.field(1).strip());
                if (size < 0) {
                    problems.add("line " + r.line() + ": size " + size + " is negative");
                } else if (bytes.put(address, size) != null) {
                    problems.add("line " + r.line() + ": " + address + " appears twice");
                }
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                problems.add("line " + r.line() + ": bytes '" + (r.fields().size() > 1 ? r.field(1) : "") + "' is not a whole number");
            } catch (BmaException e) {
                problems.add("line " + r.line() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Mailbox sizes file " + source + " has "
                    + problems.size() + " bad row(s): " + String.join("; ", problems));
        }
        return new MailboxSizes(bytes, source);
    }

    /** The size of {@code address} in bytes, if known. */
    public Optional<Long> bytes(BmaAddress address) {
        return Optional.ofNullable(bytes.get(address));
    }

    public int size() {
        return bytes.size();
    }

    public boolean isEmpty() {
        return bytes.isEmpty();
    }

    /** Mean size of the known mailboxes in bytes; 0 when none is known. */
    public long meanBytes() {
        return bytes.isEmpty() ? 0 : bytes.values().stream().mapToLong(Long::longValue).sum() / bytes.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MailboxSizes m && bytes.equals(m.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.hashCode();
    }

    @Override
    public String toString() {
        return "MailboxSizes[" + bytes.size() + " known, from " + source + "]";
    }
}
