package be.cfwb.bma.internal.csv;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF line ends, line breaks
 * inside quotes. Leading byte-order marks are dropped however many there are: the FW-B
 * open-data export carries two.
 */
public final class CsvReader {

    private static final char BOM = '\uFEFF';

    private final Reader in;
    private final char delimiter;
    private int line = 1;
    private int pending = -2;
    private boolean started;

    public CsvReader(Reader in, char delimiter) {
        this.in = in;
        this.delimiter = delimiter;
    }

    /** Reads every record; blank lines are kept as blank records so line numbers stay true. */
    public List<CsvRecord> readAll() throws IOException {
        List<CsvRecord> records = new ArrayList<>();
        CsvRecord record;
        while ((record = next()) != null) {
            records.add(record);
        }
        return records;
    }

    /** The next record, or {@code null} at the end of the input. */
    public CsvRecord next() throws IOException {
        int c = read();
        if (!started) {
            started = true;
            while (c == BOM) {
                c = read();
            }
        }
        if (c == -1) {
            return null;
        }
        int startLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldWasQuoted = false;
        while (true) {
            if (quoted) {
                if (c == -1) {
                    throw new CsvFormatException(startLine, "a quoted field is not closed before the end of the file");
                }
                if (c == '"') {
                    int n = read();
                    if (n == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        c = n;
                        continue;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append((char) c);
                }
                c = read();
                continue;
            }
            if (c == -1 || c == '\n' || c == '\r') {
                if (c == '\r') {
                    int n = read();
                    if (n != '\n') {
                        unread(n);
                    }
                }
                if (c != -1) {
                    line++;
                }
                fields.add(field.toString());
                return new CsvRecord(startLine, fields);
            }
            if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                fieldWasQuoted = false;
            } else if (c == '"' && field.length() == 0 && !fieldWasQuoted) {
                quoted = true;
                fieldWasQuoted = true;
            } else {
                field.append((char) c);
            }
            c = read();
        }
    }

    private int read() throws IOException {
        if (pending != -2) {
            int c = pending;
            pending = -2;
            return c;
        }
        return in.read();
    }

    private void unread(int c) {
        pending = c;
    }
}
