package be.cfwb.bma.address;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The mailboxes to migrate, each once, in address order. Loaded whole or not at all: a file
 * with any bad row is refused with every problem listed ({@link InventoryException}).
 *
 * <p>Two file formats are read, told apart by their header line: the FW-B open-data list of
 * establishments as published (one row per establishment, implantation and type of
 * teaching, folded here into one mailbox per establishment and one per organising body),
 * and our own simple format for the mailboxes the open data lacks; see
 * {@link #load(Path)}.
 */
public final class Inventory {

    /** The open-data snapshot shipped with the library, for demos and tests. */
    public static final String BUNDLED_OPEN_DATA = "/be/cfwb/bma/data/signaletique-fase.csv";

    private final SortedMap<BmaAddress, Mailbox> mailboxes;

    private Inventory(SortedMap<BmaAddress, Mailbox> mailboxes) {
        this.mailboxes = Collections.unmodifiableSortedMap(mailboxes);
    }

    /**
     * An inventory of these mailboxes.
     *
     * @throws InventoryException if an address appears twice
     */
    public static Inventory of(Collection<Mailbox> mailboxes) {
        SortedMap<BmaAddress, Mailbox> byAddress = new TreeMap<>();
        List<InventoryProblem> problems = new ArrayList<>();
        for (Mailbox m : mailboxes) {
            if (byAddress.putIfAbsent(m.address(), m) != null) {
                problems.add(new InventoryProblem("inventory", 0, "address", "duplicate mailbox " + m.address()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InventoryException(problems);
        }
        return new Inventory(byAddress);
    }

    /**
     * Loads an inventory file, either format, detected from its header. Files are UTF-8;
     * fields are separated by {@code ;} or, in our own format, by {@code ,} as well.
     *
     * <p>Our own format has a header with {@code address} (or {@code kind} and {@code fase})
     * and {@code name}, and optionally {@code po}, {@code network}, {@code level},
     * {@code postal_code}, {@code commune}, {@code fixed_date}, {@code forbidden_dates}
     * (ISO dates separated by spaces or {@code |}), {@code same_day_group} and {@code notes}.
     */
    public static Inventory load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new BmaException(BmaErrorCode.INVALID_INVENTORY, "Inventory file " + file + " does not exist");
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_INVENTORY,
                    "Inventory file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The FW-B open-data snapshot shipped with the library (3,029 EC and 1,035 PO mailboxes). */
    public static Inventory bundledOpenData() {
        try (InputStream in = Inventory.class.getResourceAsStream(BUNDLED_OPEN_DATA)) {
            if (in == null) {
                throw new BmaException(BmaErrorCode.INTERNAL, "The bundled open-data inventory is missing from the library");
            }
            return read(in, "bundled " + BUNDLED_OPEN_DATA.substring(BUNDLED_OPEN_DATA.lastIndexOf('/') + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an inventory from a stream; {@code sourceName} is used in error messages. */
    public static Inventory read(InputStream in, String sourceName) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(in.readAllBytes()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InventoryException(List.of(new InventoryProblem(sourceName, 0, "",
                    "the file is not UTF-8; save it as UTF-8 and try again")));
        }
        return parse(text, sourceName);
    }

    private static Inventory parse(String text, String sourceName) {
        String header = firstLine(text);
        InventoryFormat format = OpenDataFormat.accepts(header) ? new OpenDataFormat() : new SimpleInventoryFormat();
        try (Reader reader = new StringReader(text)) {
            return format.read(reader, sourceName);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) == '\uFEFF') {
            i++;
        }
        int end = i;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        return text.substring(i, end);
    }

    /**
     * This inventory and {@code other} together, e.g. the open data and our own list of the
     * mailboxes it lacks.
     *
     * @throws InventoryException naming every address the two have in common
     */
    public Inventory plus(Inventory other) {
        SortedMap<BmaAddress, Mailbox> merged = new TreeMap<>(mailboxes);
        List<InventoryProblem> problems = new ArrayList<>();
        for (Mailbox m : other.mailboxes.values()) {
            if (merged.putIfAbsent(m.address(), m) != null) {
                problems.add(new InventoryProblem("merged inventory", 0, "address",
                        m.address() + " is in both inventories"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InventoryException(problems);
        }
        return new Inventory(merged);
    }

    /** Every mailbox, in address order (EC before PO, then by number). */
    public List<Mailbox> mailboxes() {
        return List.copyOf(mailboxes.values());
    }

    public Optional<Mailbox> find(BmaAddress address) {
        return Optional.ofNullable(mailboxes.get(address));
    }

    public boolean contains(BmaAddress address) {
        return mailboxes.containsKey(address);
    }

    public int size() {
        return mailboxes.size();
    }

    /** How many mailboxes of each kind. */
    public Map<BmaKind, Integer> countByKind() {
        Map<BmaKind, Integer> counts = new EnumMap<>(BmaKind.class);
        for (BmaKind kind : BmaKind.values()) {
            counts.put(kind, 0);
        }
        mailboxes.keySet().forEach(a -> counts.merge(a.kind(), 1, Integer::sum));
        return counts;
    }

    /**
     * The mailboxes the selection names, in address order.
     *
     * @throws BmaException if the selection names an address this inventory lacks
     */
    public Inventory select(MailboxSelection selection) {
        if (selection.isAll()) {
            return this;
        }
        List<BmaAddress> unknown = selection.addresses().stream().filter(a -> !mailboxes.containsKey(a)).toList();
        if (!unknown.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_ADDRESS,
                    "Not in the inventory: " + unknown.stream().map(BmaAddress::toString).toList()
                            + "; check bma.mailboxes against the inventory file");
        }
        SortedMap<BmaAddress, Mailbox> selected = new TreeMap<>();
        selection.addresses().forEach(a -> selected.put(a, mailboxes.get(a)));
        return new Inventory(selected);
    }

    @Override
    public String toString() {
        Map<BmaKind, Integer> counts = countByKind();
        return "Inventory[" + counts.get(BmaKind.EC) + " EC, " + counts.get(BmaKind.PO) + " PO]";
    }
}
