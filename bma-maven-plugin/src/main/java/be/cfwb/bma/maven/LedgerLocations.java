package be.cfwb.bma.maven;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.ledger.LeaseSettings;
import be.cfwb.bma.ledger.LedgerLocation;

import org.apache.maven.plugin.MojoExecutionException;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A {@code bma.ledger} value as a ledger location: a directory, resolved against the project, or a
 * {@code jdbc:postgresql:} URL whose login comes from settings.xml server {@value #SERVER} or the
 * environment ({@code BMA_LEDGER_USERNAME}/{@code _PASSWORD}), never from the POM or the URL.
 */
final class LedgerLocations {

    /** The settings.xml server (or environment prefix) of the database ledger's login. */
    static final String SERVER = "bma-ledger";

    private LedgerLocations() {
    }

    /**
     * @param value        the {@code bma.ledger} value
     * @param base         the project directory, against which a relative directory is resolved
     * @param leaseSeconds how long a runner holds a mailbox without renewing ({@code bma.ledger.leaseSeconds})
     */
    static LedgerLocation of(String value, Path base, int leaseSeconds, CredentialsLookup credentials) {
        LedgerLocation parsed = LedgerLocation.parse(value);
        if (parsed instanceof LedgerLocation.Directory d) {
            return new LedgerLocation.Directory(base.resolve(d.path()));
        }
        LedgerLocation.Database db = ((LedgerLocation.Database) parsed).withFiles(base.resolve("bma-ledger"));
        if (leaseSeconds < 6) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "bma.ledger.leaseSeconds " + leaseSeconds
                    + " is too short: a runner renews its leases every sixth of it; give 6 seconds or more (default 120)");
        }
        Duration lease = Duration.ofSeconds(leaseSeconds);
        db = db.withLeases(new LeaseSettings(lease, lease.dividedBy(6), lease.dividedBy(12), Clock.systemUTC()));
        try {
            return credentials.find(SERVER).map(CredentialsLookup::toLogin).map(db::withLogin).orElse(db);
        } catch (MojoExecutionException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, e.getMessage(), e);
        }
    }
}
