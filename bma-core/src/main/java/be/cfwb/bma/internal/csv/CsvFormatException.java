package be.cfwb.bma.internal.csv;

/** The file is not CSV at all past some point, e.g. an unclosed quote. */
public final class CsvFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int line;

    public CsvFormatException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
