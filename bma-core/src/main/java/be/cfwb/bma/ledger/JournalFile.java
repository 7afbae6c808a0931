package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reading the JSON Lines journal: streaming it into an index, and reading chosen lines back. */
final class JournalFile {

    static final String TORN = Ledger.TORN;
    private static final int CHUNK = 1 << 20;

    private JournalFile() {
    }

    /**
     * Streams the journal into {@code index}, chunk by chunk. A writer repairs a torn last line; a
     * reader stops before it (a writer may be in the middle of it).
     */
    static Optional<String> load(FileChannel journal, long indexed, long size, Path file, Path dir, JournalIndex.Index index,
                                         boolean writer, long[] lengthOut) throws IOException {
        JournalParser parser = new JournalParser();
        byte[] pending = new byte[0];
        long pendingAt = 0;
        long position = indexed;
        long lineNumber = index.count;
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(size, 1)));
        while (position < size) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), size - position));
            int read = journal.read(chunk, position);
            if (read <= 0) {
                break;
            }
            byte[] bytes = chunk.array();
            int start = 0;
            for (int i = 0; i < read; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                lineNumber++;
                long lineAt;
                byte[] line;
                int from;
                int len;
                if (pending.length > 0) {
                    line = Arrays.copyOf(pending, pending.length + i - start);
                    System.arraycopy(bytes, start, line, pending.length, i - start);
                    lineAt = pendingAt;
                    from = 0;
                    len = line.length;
                    pending = new byte[0];
                } else {
                    line = bytes;
                    lineAt = position + start;
                    from = start;
                    len = i - start;
                }
                if (!isBlank(line, from, len)) {
                    Optional<LedgerEvent> event = parser.parse(line, from, len);
                    if (event.isEmpty()) {
                        throw new BmaException(BmaErrorCode.LEDGER_CORRUPT, "Ledger " + file + " line " + lineNumber
                                + " is not a valid event; the ledger was changed by hand or damaged. Restore it from a backup"
                                + " or repair that line; the toolkit will not guess what it said");
                    }
                    index.add(event.get(), lineAt, len + 1);
                }
                start = i + 1;
            }
            if (start < read) {
                if (pending.length == 0) {
                    pendingAt = position + start;
                }
                int old = pending.length;
                pending = Arrays.copyOf(pending, old + read - start);
                System.arraycopy(bytes, start, pending, old, read - start);
            }
            position += read;
        }
        long complete = pending.length == 0 ? position : pendingAt;
        lengthOut[0] = complete;
        if (pending.length == 0 || !writer) {
            return Optional.empty();
        }
        lineNumber++;
        Optional<LedgerEvent> event = isBlank(pending, 0, pending.length) ? Optional.empty()
                : parser.parse(pending, 0, pending.length);
        if (event.isPresent()) {
            // Whole but for its newline: the event was written, only the terminator was lost.
            journal.write(ByteBuffer.wrap(new byte[] {'\n'}), position);
            journal.force(true);
            index.add(event.get(), pendingAt, pending.length + 1);
            lengthOut[0] = position + 1;
            return Optional.empty();
        }
        // The append that wrote this line never completed.
        Files.write(dir.resolve(TORN), pending, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.write(dir.resolve(TORN), new byte[] {'\n'}, StandardOpenOption.APPEND);
        journal.truncate(pendingAt);
        journal.force(true);
        return Optional.of("Ledger " + file + ": the last line (" + lineNumber + ") was torn by an interrupted run and was moved to "
                + dir.resolve(TORN) + "; the event it held was not confirmed and will be redone or checked");
    }

    private static boolean isBlank(byte[] bytes, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    static List<LedgerEvent> readLines(FileChannel journal, Path file, long[] offsets, int[] lengths, int count)
            throws IOException {
        List<LedgerEvent> events = new ArrayList<>(count);
        JournalParser parser = new JournalParser();
        for (int i = 0; i < count; i++) {
            ByteBuffer line = ByteBuffer.allocate(lengths[i]);
            while (line.hasRemaining()) {
                if (journal.read(line, offsets[i] + line.position()) < 0) {
                    throw new IOException("the journal ended before its event at byte " + offsets[i]);
                }
            }
            long at = offsets[i];
            events.add(parser.parse(line.array(), 0, line.capacity() - 1).orElseThrow(() -> new BmaException(
                    BmaErrorCode.LEDGER_CORRUPT, "Ledger " + file + " changed under us at byte " + at
                    + "; it is append-only: restore it from a backup")));
        }
        return events;
    }
}
