package be.cfwb.bma.internal.csv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;

/**
 * Writes RFC 4180 CSV with LF line ends, quoting only the fields that need it.
 *
 * <p>Ops open these files in a spreadsheet, and folder and school names come from users: a text
 * field that starts as a formula would ({@code =}, {@code +}, {@code -}, {@code @}, tab, CR) gets a
 * leading {@code '} so that the spreadsheet shows it as text instead of evaluating it (the OWASP
 * "CSV injection" advice). Numbers, written as {@link Number}s, are left as they are.
 */
public final class CsvWriter {

    private final Writer out;
    private final char delimiter;

    public CsvWriter(Writer out, char delimiter) {
        this.out = out;
        this.delimiter = delimiter;
    }

    public CsvWriter row(List<?> values) {
        try {
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.write(delimiter);
                }
                Object value = values.get(i);
                String text = value == null ? "" : value.toString();
                out.write(escape(value instanceof Number ? text : neutralise(text)));
            }
            out.write('\n');
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public CsvWriter row(Object... values) {
        return row(Arrays.asList(values));
    }

    /** {@code value} made inert for spreadsheets: prefixed with {@code '} if it starts as a formula. */
    public static String neutralise(String value) {
        if (value.isEmpty()) {
            return value;
        }
        char first = value.charAt(0);
        boolean formula = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
        return formula ? "'" + value : value;
    }

    private String escape(String value) {
        boolean needsQuotes = value.indexOf(delimiter) >= 0 || value.indexOf('"') >= 0
                || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0;
        return needsQuotes ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
