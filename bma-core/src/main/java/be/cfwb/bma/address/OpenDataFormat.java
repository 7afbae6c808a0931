package be.cfwb.bma.address;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.internal.csv.CsvFormatException;
import be.cfwb.bma.internal.csv.CsvReader;
import be.cfwb.bma.internal.csv.CsvRecord;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The FW-B open-data "signalétique FASE" export: {@code ;}-separated, one row per
 * establishment × implantation × type of teaching. Folded into one mailbox per
 * establishment and one per organising body; rows that disagree about an establishment's
 * name or organising body are problems, not a silent pick.
 */
final class OpenDataFormat implements InventoryFormat {

    static final String EC_FASE = "N° FASE de l'établissement";
    static final String EC_NAME = "Nom de l'établissement";
    static final String LEVEL = "Niveau";
    static final String NETWORK = "Réseau";
    static final String EC_POSTAL_CODE = "Code postal de l'établissement";
    static final String EC_COMMUNE = "Commune de l'établissement";
    static final String PO_FASE = "N° FASE du P.O.";
    static final String PO_NAME = "Nom de P.O.";
    static final String PO_POSTAL_CODE = "Code postal du P.O.";
    static final String PO_COMMUNE = "Commune du P.O.";

    private static final List<String> REQUIRED = List.of(EC_FASE, EC_NAME, LEVEL, NETWORK,
            EC_POSTAL_CODE, EC_COMMUNE, PO_FASE, PO_NAME, PO_POSTAL_CODE, PO_COMMUNE);

    static boolean accepts(String headerLine) {
        return headerLine.contains(EC_FASE) && headerLine.contains(PO_FASE);
    }

    @Override
    public Inventory read(Reader reader, String source) throws IOException {
        List<InventoryProblem> problems = new ArrayList<>();
        List<CsvRecord> records;
        try {
            records = new CsvReader(reader, ';').readAll();
        } catch (CsvFormatException e) {
            throw new InventoryException(List.of(new InventoryProblem(source, e.line(), "", e.getMessage())));
        }
        CsvRecord header = records.get(0);
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            columns.put(header.field(i).strip(), i);
        }
        for (String required : REQUIRED) {
            if (!columns.containsKey(required)) {
                problems.add(new InventoryProblem(source, 1, required, "required column is missing from the header"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InventoryException(problems);
        }

        Map<BmaAddress, Row> establishments = new TreeMap<>();
        Map<BmaAddress, Row> bodies = new TreeMap<>();
        Map<BmaAddress, SortedSet<String>> levels = new HashMap<>();
        for (CsvRecord record : records.subList(1, records.size())) {
            if (record.isBlank()) {
                continue;
            }
            if (record.fields().size() != header.fields().size()) {
                problems.add(new InventoryProblem(source, record.line(), "", "the row has " + record.fields().size()
                        + " fields, the header " + header.fields().size()));
                continue;
            }
            Optional<FaseNumber> ec = fase(record, columns, EC_FASE, source, problems);
            Optional<FaseNumber> po = fase(record, columns, PO_FASE, source, problems);
            String ecName = record.field(columns.get(EC_NAME)).strip();
            if (ecName.isEmpty()) {
                problems.add(new InventoryProblem(source, record.line(), EC_NAME, "the name is empty"));
            }
            if (ec.isEmpty() || po.isEmpty() || ecName.isEmpty()) {
                continue;
            }
            BmaAddress ecAddress = new BmaAddress(BmaKind.EC, ec.get());
            BmaAddress poAddress = new BmaAddress(BmaKind.PO, po.get());
            Row ecRow = new Row(record.line(), ecName, record.field(columns.get(NETWORK)),
                    record.field(columns.get(EC_POSTAL_CODE)), record.field(columns.get(EC_COMMUNE)), poAddress);
            Row poRow = new Row(record.line(), record.field(columns.get(PO_NAME)).strip(), record.field(columns.get(NETWORK)),
                    record.field(columns.get(PO_POSTAL_CODE)), record.field(columns.get(PO_COMMUNE)), null);
            merge(establishments, ecAddress, ecRow, source, problems);
            merge(bodies, poAddress, poRow, source, problems);
            String level = record.field(columns.get(LEVEL)).strip();
            if (!level.isEmpty()) {
                levels.computeIfAbsent(ecAddress, a -> new TreeSet<>()).add(level);
                levels.computeIfAbsent(poAddress, a -> new TreeSet<>()).add(level);
            }
        }
        if (records.size() <= 1) {
            problems.add(new InventoryProblem(source, 0, "", "the file has a header but no rows"));
        }
        if (!problems.isEmpty()) {
            throw new InventoryException(problems);
        }

        List<Mailbox> mailboxes = new ArrayList<>(establishments.size() + bodies.size());
        establishments.forEach((address, row) -> mailboxes.add(row.toMailbox(address, levels.get(address))));
        bodies.forEach((address, row) -> mailboxes.add(row.toMailbox(address, levels.get(address))));
        return Inventory.of(mailboxes);
    }

    private static Optional<FaseNumber> fase(CsvRecord record, Map<String, Integer> columns, String column,
                                             String source, List<InventoryProblem> problems) {
        String text = record.field(columns.get(column));
        try {
            return Optional.of(FaseNumber.parse(text));
        } catch (BmaException e) {
            problems.add(new InventoryProblem(source, record.line(), column, e.getMessage()));
            return Optional.empty();
        }
    }

    /** Keeps the first row of each mailbox; a later row that disagrees on identity is a problem. */
    private static void merge(Map<BmaAddress, Row> rows, BmaAddress address, Row row, String source,
                              List<InventoryProblem> problems) {
        Row first = rows.putIfAbsent(address, row);
        if (first == null) {
            return;
        }
        if (!first.name.equals(row.name)) {
            problems.add(new InventoryProblem(source, row.line, address.kind() == BmaKind.EC ? EC_NAME : PO_NAME,
                    address + " is named '" + row.name + "' here but '" + first.name + "' on line " + first.line));
        }
        if (first.organisingBody != null && !first.organisingBody.equals(row.organisingBody)) {
            problems.add(new InventoryProblem(source, row.line, PO_FASE, address + " belongs to " + row.organisingBody
                    + " here but to " + first.organisingBody + " on line " + first.line));
        }
        if (!first.network.equals(row.network)) {
            // An organising body may run establishments of several networks; keep them all.
            first.otherNetworks.add(row.network);
        }
    }

    private static final class Row {
        final int line;
        final String name;
        final String network;
        final String postalCode;
        final String commune;
        final BmaAddress organisingBody;
        final SortedSet<String> otherNetworks = new TreeSet<>();

        Row(int line, String name, String network, String postalCode, String commune, BmaAddress organisingBody) {
            this.line = line;
            this.name = name;
            this.network = network.strip();
            this.postalCode = postalCode;
            this.commune = commune;
            this.organisingBody = organisingBody;
        }

        Mailbox toMailbox(BmaAddress address, SortedSet<String> levels) {
            SortedSet<String> networks = new TreeSet<>(otherNetworks);
            networks.add(network);
            return new Mailbox(address, name, String.join(" / ", networks), levels, postalCode, commune,
                    Optional.ofNullable(organisingBody), MailboxConstraints.NONE, "");
        }
    }
}
