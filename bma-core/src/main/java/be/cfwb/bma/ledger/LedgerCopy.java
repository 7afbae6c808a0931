package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;

/**
 * Copies a whole ledger from one location to another, every event with its time, type, mailbox
 * and data ({@code bma:ledger-export}, {@code bma:ledger-import}): from the JSON Lines journal into
 * PostgreSQL when a campaign grows to several runners, and back for a backup anyone can read. The
 * target must be empty, so a copy never mixes two campaigns; it is written whole or not at all.
 * Sequence numbers are renumbered in order; everything else is kept.
 */
public final class LedgerCopy {

    private LedgerCopy() {
    }

    /**
     * Copies every event of {@code from} (read as a snapshot: a writer may go on) to {@code to}.
     *
     * @return how many events were copied
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} if {@code to} already holds events;
     *                      {@link BmaErrorCode#LEDGER_UNAVAILABLE} if either cannot be used
     */
    public static long copy(LedgerLocation from, LedgerLocation to, Clock clock) {
        List<LedgerEvent> events;
        try (Ledger source = from.openReadOnly(clock)) {
            events = source.events();
        }
        if (to instanceof LedgerLocation.Directory dir) {
            writeJournal(dir.path(), events);
        } else if (to instanceof LedgerLocation.Database db) {
            try (PostgresLedger target = PostgresLedger.open(db, clock, false)) {
                refuseNonEmpty(target.size(), to);
                target.insertAll(events);
            }
        }
        return events.size();
    }

    private static void refuseNonEmpty(long size, LedgerLocation to) {
        if (size > 0) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Ledger " + to + " already holds " + size
                    + " events; a ledger is copied only into an empty one (two campaigns are never mixed)."
                    + " Name a new directory or database");
        }
    }

    private static void writeJournal(Path directory, List<LedgerEvent> events) {
        Path dir = directory.toAbsolutePath().normalize();
        Path journal = dir.resolve(Ledger.JOURNAL);
        try {
            Files.createDirectories(dir);
            if (Files.exists(journal) && Files.size(journal) > 0) {
                try (Ledger existing = Ledger.openReadOnly(dir, Clock.systemUTC())) {
                    refuseNonEmpty(Math.max(1, existing.size()), new LedgerLocation.Directory(dir));
                }
            }
            Path temporary = Files.createTempFile(dir, "ledger-", ".jsonl.tmp");
            try {
                try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                    long seq = 0;
                    for (LedgerEvent e : events) {
                        out.write(Ledger.toJson(new LedgerEvent(++seq, e.at(), e.type(), e.mailbox(), e.data())));
                        out.write('\n');
                    }
                }
                try (FileChannel c = FileChannel.open(temporary,
                        StandardOpenOption.WRITE)) {
                    c.force(true);
                }
                Files.move(temporary, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger " + journal + " could not be written: "
                    + e.getMessage(), e);
        }
    }
}
