package be.cfwb.bma.internal.csv;

import java.util.List;

/**
 * One record of a CSV file with the physical line it starts on (1-based), so that errors
 * can point a person at the right line even when a quoted field spans several lines.
 */
public record CsvRecord(int line, List<String> fields) {

    public CsvRecord {
        fields = List.copyOf(fields);
    }

    public String field(int index) {
        return index < fields.size() ? fields.get(index) : "";
    }

    public boolean isBlank() {
        return fields.stream().allMatch(String::isBlank);
    }
}
