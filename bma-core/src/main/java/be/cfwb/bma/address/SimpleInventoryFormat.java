package be.cfwb.bma.address;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.internal.csv.CsvFormatException;
import be.cfwb.bma.internal.csv.CsvReader;
import be.cfwb.bma.internal.csv.CsvRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Our own inventory format, for the mailboxes the open data lacks (CPMS, internats,
 * homes...): a header line naming the columns, then one mailbox per row; {@code ;} or
 * {@code ,} separated (the header decides).
 */
final class SimpleInventoryFormat implements InventoryFormat {

    static final String ADDRESS = "address";
    static final String KIND = "kind";
    static final String FASE = "fase";
    static final String NAME = "name";
    static final String PO = "po";
    static final String NETWORK = "network";
    static final String LEVEL = "level";
    static final String POSTAL_CODE = "postal_code";
    static final String COMMUNE = "commune";
    static final String FIXED_DATE = "fixed_date";
    static final String FORBIDDEN_DATES = "forbidden_dates";
    static final String SAME_DAY_GROUP = "same_day_group";
    static final String NOTES = "notes";

    private static final Set<String> KNOWN = Set.of(ADDRESS, KIND, FASE, NAME, PO, NETWORK, LEVEL, POSTAL_CODE,
            COMMUNE, FIXED_DATE, FORBIDDEN_DATES, SAME_DAY_GROUP, NOTES);

    @Override
    public Inventory read(Reader reader, String source) throws IOException {
        BufferedReader buffered = new BufferedReader(reader);
        buffered.mark(1 << 16);
        String headerLine = buffered.readLine();
        buffered.reset();
        char delimiter = headerLine != null && headerLine.indexOf(';') >= 0 ? ';' : ',';

        List<CsvRecord> records;
        try {
            records = new CsvReader(buffered, delimiter).readAll();
        } catch (CsvFormatException e) {
            throw new InventoryException(List.of(new InventoryProblem(source, e.line(), "", e.getMessage())));
        }
        List<InventoryProblem> problems = new ArrayList<>();
        if (records.isEmpty()) {
            throw new InventoryException(List.of(new InventoryProblem(source, 0, "", "the file is empty")));
        }
        Map<String, Integer> columns = header(records.get(0), source, problems);
        if (!problems.isEmpty()) {
            throw new InventoryException(problems);
        }

        List<Mailbox> mailboxes = new ArrayList<>();
        Map<BmaAddress, Integer> firstLine = new HashMap<>();
        for (CsvRecord record : records.subList(1, records.size())) {
            if (record.isBlank()) {
                continue;
            }
            Row row = new Row(record, columns, source, problems);
            if (record.fields().size() > columns.size()) {
                row.problem("", "the row has " + record.fields().size() + " fields, the header " + columns.size()
                        + " (is a value with a '" + delimiter + "' missing its quotes?)");
            }
            Optional<Mailbox> mailbox = row.toMailbox();
            if (mailbox.isEmpty()) {
                continue;
            }
            Integer earlier = firstLine.putIfAbsent(mailbox.get().address(), record.line());
            if (earlier != null) {
                row.problem(ADDRESS, "duplicate: " + mailbox.get().address() + " is already on line " + earlier);
            } else {
                mailboxes.add(mailbox.get());
            }
        }
        if (!problems.isEmpty()) {
            throw new InventoryException(problems);
        }
        return Inventory.of(mailboxes);
    }

    private static Map<String, Integer> header(CsvRecord header, String source, List<InventoryProblem> problems) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.field(i).strip().toLowerCase(Locale.ROOT);
            if (!KNOWN.contains(name)) {
                problems.add(new InventoryProblem(source, 1, header.field(i),
                        "unknown column; known columns are " + new TreeSet<>(KNOWN)));
            } else if (columns.putIfAbsent(name, i) != null) {
                problems.add(new InventoryProblem(source, 1, name, "the column appears twice"));
            }
        }
        boolean hasAddress = columns.containsKey(ADDRESS);
        boolean hasKindAndFase = columns.containsKey(KIND) && columns.containsKey(FASE);
        if (!hasAddress && !hasKindAndFase) {
            problems.add(new InventoryProblem(source, 1, ADDRESS,
                    "the header needs an 'address' column, or both 'kind' and 'fase'"));
        }
        if (!columns.containsKey(NAME)) {
            problems.add(new InventoryProblem(source, 1, NAME, "the header needs a 'name' column"));
        }
        return columns;
    }

    /** One data row, validated field by field so that all of its problems are reported. */
    private static final class Row {
        private final CsvRecord record;
        private final Map<String, Integer> columns;
        private final String source;
        private final List<InventoryProblem> problems;
        private boolean valid = true;

        Row(CsvRecord record, Map<String, Integer> columns, String source, List<InventoryProblem> problems) {
            this.record = record;
            this.columns = columns;
            this.source = source;
            this.problems = problems;
        }

        String get(String column) {
            Integer index = columns.get(column);
            return index == null ? "" : record.field(index).strip();
        }

        void problem(String column, String message) {
            problems.add(new InventoryProblem(source, record.line(), column, message));
            valid = false;
        }

        Optional<Mailbox> toMailbox() {
            BmaAddress address = address();
            String name = get(NAME);
            if (name.isEmpty()) {
                problem(NAME, "the name is empty");
            }
            BmaAddress po = organisingBody();
            LocalDate fixed = date(FIXED_DATE, get(FIXED_DATE));
            SortedSet<LocalDate> forbidden = new TreeSet<>();
            for (String item : get(FORBIDDEN_DATES).split("[\\s|]+")) {
                if (!item.isEmpty()) {
                    LocalDate d = date(FORBIDDEN_DATES, item);
                    if (d != null) {
                        forbidden.add(d);
                    }
                }
            }
            if (fixed != null && forbidden.contains(fixed)) {
                problem(FIXED_DATE, "the fixed date " + fixed + " is also a forbidden date");
            }
            if (!valid || address == null) {
                return Optional.empty();
            }
            SortedSet<String> levels = new TreeSet<>();
            if (!get(LEVEL).isEmpty()) {
                levels.add(get(LEVEL));
            }
            MailboxConstraints constraints = new MailboxConstraints(Optional.ofNullable(fixed), forbidden, get(SAME_DAY_GROUP));
            return Optional.of(new Mailbox(address, name, get(NETWORK), levels, get(POSTAL_CODE), get(COMMUNE),
                    Optional.ofNullable(po), constraints, get(NOTES)));
        }

        private BmaAddress address() {
            BmaAddress fromAddress = null;
            if (columns.containsKey(ADDRESS) && !get(ADDRESS).isEmpty()) {
                try {
                    fromAddress = BmaAddress.parseLenient(get(ADDRESS));
                } catch (BmaException e) {
                    problem(ADDRESS, e.getMessage());
                    return null;
                }
            }
            BmaAddress fromKindAndFase = null;
            if (!get(KIND).isEmpty() || !get(FASE).isEmpty()) {
                Optional<BmaKind> kind = BmaKind.fromPrefix(get(KIND));
                if (kind.isEmpty()) {
                    problem(KIND, "'" + get(KIND) + "' is not a kind; write 'ec' or 'po'");
                }
                FaseNumber fase = null;
                try {
                    fase = FaseNumber.parse(get(FASE));
                } catch (BmaException e) {
                    problem(FASE, e.getMessage());
                }
                if (kind.isEmpty() || fase == null) {
                    return null;
                }
                fromKindAndFase = new BmaAddress(kind.get(), fase);
            }
            if (fromAddress != null && fromKindAndFase != null && !fromAddress.equals(fromKindAndFase)) {
                problem(ADDRESS, "the address " + fromAddress + " disagrees with kind and fase (" + fromKindAndFase + ")");
                return null;
            }
            BmaAddress address = fromAddress != null ? fromAddress : fromKindAndFase;
            if (address == null) {
                problem(ADDRESS, "no address: give 'address', or 'kind' and 'fase'");
            }
            return address;
        }

        private BmaAddress organisingBody() {
            String po = get(PO);
            if (po.isEmpty()) {
                return null;
            }
            try {
                return po.chars().allMatch(Character::isDigit)
                        ? new BmaAddress(BmaKind.PO, FaseNumber.parse(po))
                        : checkIsPo(BmaAddress.parseLenient(po));
            } catch (BmaException e) {
                problem(PO, e.getMessage());
                return null;
            }
        }

        private BmaAddress checkIsPo(BmaAddress address) {
            if (address.kind() != BmaKind.PO) {
                problem(PO, address + " is not an organising body's address (po...)");
                return null;
            }
            return address;
        }

        private LocalDate date(String column, String text) {
            if (text.isEmpty()) {
                return null;
            }
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                problem(column, "'" + text + "' is not a date; write it as YYYY-MM-DD");
                return null;
            }
        }
    }
}
