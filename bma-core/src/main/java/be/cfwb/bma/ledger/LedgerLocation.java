package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.credentials.Login;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the ledger is: a directory holding the JSON Lines journal (the default), or a PostgreSQL
 * database named by a {@code jdbc:postgresql://host[:port]/database} URL that several runners
 * share. Opening is the one way in: {@link #open} for the writer of a verb or a day, {@link
 * #openReadOnly} for views that must answer while it writes.
 */
public sealed interface LedgerLocation {

    /** Opens the ledger for writing. */
    Ledger open(Clock clock);

    /** Opens the ledger to read a consistent snapshot, never waiting for a writer. */
    Ledger openReadOnly(Clock clock);

    /**
     * The location a {@code bma.ledger} value names: a JDBC URL or a directory.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} for a JDBC URL of another database
     */
    static LedgerLocation parse(String value) {
        String v = Objects.requireNonNull(value, "bma.ledger").strip();
        if (isDatabase(v)) {
            return Database.of(v);
        }
        return new Directory(Path.of(v));
    }

    /** Whether a {@code bma.ledger} value names a database (a JDBC URL) rather than a directory. */
    static boolean isDatabase(String value) {
        return value.strip().toLowerCase(Locale.ROOT).startsWith("jdbc:");
    }

    /** The JSON Lines journal in {@code path}: one writer at a time (a file lock), readers never blocked. */
    record Directory(Path path) implements LedgerLocation {
        public Directory {
            Objects.requireNonNull(path, "ledger directory");
        }

        @Override
        public Ledger open(Clock clock) {
            return Ledger.open(path, clock);
        }

        @Override
        public Ledger openReadOnly(Clock clock) {
            return Ledger.openReadOnly(path, clock);
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    /**
     * A PostgreSQL database. {@code login} is the caller's (settings.xml server {@code bma-ledger},
     * or the environment); without one, the driver's own (a {@code .pgpass}, peer login). {@code
     * files} is the local directory for the files kept beside the ledger (the published plan's copy).
     * {@code leases} says how long a runner holds a mailbox without a heartbeat.
     */
    record Database(String url, Optional<Login> login, Path files, LeaseSettings leases) implements LedgerLocation {
        public Database {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(login, "login");
            Objects.requireNonNull(files, "files");
            Objects.requireNonNull(leases, "leases");
            if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
                // The URL is not repeated: it may carry a login.
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "bma.ledger names a database the toolkit"
                        + " does not support (" + url.substring(0, Math.min(url.length(), url.indexOf(':', 5) + 1))
                        + "…); use jdbc:postgresql://host[:port]/database or a directory");
            }
        }

        /** The database at {@code url}, with the driver's own login, default leases and {@code bma-ledger} for files. */
        public static Database of(String url) {
            return new Database(url, Optional.empty(), Path.of("bma-ledger"), LeaseSettings.DEFAULT);
        }

        public Database withLogin(Login login) {
            return new Database(url, Optional.of(login), files, leases);
        }

        public Database withFiles(Path files) {
            return new Database(url, login, files, leases);
        }

        public Database withLeases(LeaseSettings leases) {
            return new Database(url, login, files, leases);
        }

        @Override
        public Ledger open(Clock clock) {
            return PostgresLedger.open(this, clock, false);
        }

        @Override
        public Ledger openReadOnly(Clock clock) {
            return PostgresLedger.open(this, clock, true);
        }

        /** The URL without its query (which may carry a password), for messages. */
        public String displayUrl() {
            int q = url.indexOf('?');
            return q < 0 ? url : url.substring(0, q);
        }

        @Override
        public String toString() {
            return displayUrl() + login.map(l -> " as " + l.user()).orElse("");
        }
    }
}
