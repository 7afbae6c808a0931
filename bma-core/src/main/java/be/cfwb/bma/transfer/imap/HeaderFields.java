package be.cfwb.bma.transfer.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header fields of a {@code BODY[HEADER.FIELDS (...)]} answer, read as Jakarta Mail's
 * {@code InternetHeaders} reads them (a field's value is what follows its colon and the blanks
 * after it, folded lines kept with their line breaks; names compared without case), without its
 * cost: each {@code InternetHeaders} looks its line reader up with a {@code ServiceLoader} scan
 * of the class path, and a listing reads one per copy on the target (the final pass, every copy).
 */
final class HeaderFields {

    private final List<String> lines;

    private HeaderFields(List<String> lines) {
        this.lines = lines;
    }

    /** The fields of {@code bytes[offset, offset + count)}, up to the first empty line; none for null. */
    static HeaderFields of(byte[] bytes, int offset, int count) {
        List<String> lines = new ArrayList<>();
        if (bytes == null) {
            return new HeaderFields(lines);
        }
        // ISO-8859-1, as InternetHeaders reads a header without UTF-8 allowed: one char per byte.
        String text = new String(bytes, offset, count, StandardCharsets.ISO_8859_1);
        StringBuilder field = null;
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            int next = end < 0 ? text.length() : end + 1;
            String line = text.substring(at, end < 0 ? text.length() : end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            at = next;
            if (line.isEmpty()) {
                break; // the end of the header
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && field != null) {
                field.append("\r\n").append(line);
                continue;
            }
            if (field != null) {
                lines.add(field.toString());
            }
            field = new StringBuilder(line);
        }
        if (field != null) {
            lines.add(field.toString());
        }
        return new HeaderFields(lines);
    }

    /** The values of every field named {@code name}, in order; empty if there is none. */
    List<String> values(String name) {
        List<String> values = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                continue;
            }
            int from = colon + 1;
            while (from < line.length() && " \t\r\n".indexOf(line.charAt(from)) >= 0) {
                from++;
            }
            values.add(line.substring(from));
        }
        return values;
    }
}
