package be.cfwb.bma.address;

/**
 * One thing wrong in an inventory file, located as a person would look for it.
 *
 * @param source  the file (or resource) name
 * @param line    1-based physical line, 0 when the problem concerns the whole file
 * @param column  the column's header name, empty when not about one field
 * @param message what is wrong
 */
public record InventoryProblem(String source, int line, String column, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line);
        }
        if (!column.isEmpty()) {
            sb.append(" [").append(column).append(']');
        }
        return sb.append(": ").append(message).toString();
    }
}
