package be.cfwb.bma.maven;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.ledger.LedgerCopy;
import be.cfwb.bma.ledger.LedgerLocation;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

import javax.inject.Inject;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What {@code bma:ledger-export} and {@code bma:ledger-import} share: copying every event of one
 * ledger into another, empty one ({@link LedgerCopy}). Needs no inventory.
 */
abstract class LedgerCopyMojo extends AbstractMojo {

    /** The campaign's ledger: a directory or a {@code jdbc:postgresql:} URL (login: settings.xml server {@code bma-ledger}). */
    @Parameter(property = "bma.ledger", defaultValue = "${project.basedir}/bma-ledger", required = true)
    protected String ledger;

    @Parameter(defaultValue = "${settings}", readonly = true)
    protected Settings settings;

    @Inject
    SettingsDecrypter settingsDecrypter;

    @Parameter(defaultValue = "${project}", readonly = true)
    MavenProject project;

    /** The other side of the copy, given by the goal's own parameter. */
    protected abstract String other();

    /** True if {@code bma.ledger} is the source, false if it is the target. */
    protected abstract boolean fromLedger();

    @Override
    public final void execute() throws MojoExecutionException {
        if (other() == null || other().isBlank()) {
            throw new MojoExecutionException("Name the other ledger: " + (fromLedger()
                    ? "-Dbma.ledger.to=<directory> (an empty or new one)" : "-Dbma.ledger.from=<directory>"));
        }
        try {
            CredentialsLookup credentials = CredentialsLookup.of(settings, settingsDecrypter);
            Path base = project != null && project.getBasedir() != null ? project.getBasedir().toPath() : Path.of("");
            LedgerLocation campaign = LedgerLocations.of(ledger, base, 120, credentials);
            LedgerLocation there = LedgerLocations.of(other(), base, 120, credentials);
            LedgerLocation from = fromLedger() ? campaign : there;
            LedgerLocation to = fromLedger() ? there : campaign;
            long events = LedgerCopy.copy(from, to, Clock.systemUTC());
            getLog().info("Copied " + events + " events from ledger " + from + " to " + to);
        } catch (BmaException e) {
            throw new MojoExecutionException("[" + e.code() + "] " + e.getMessage(), e);
        }
    }
}
