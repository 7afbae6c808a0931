package be.cfwb.bma.maven;

import be.cfwb.bma.BmaAssembly;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.ledger.LedgerCopy;
import be.cfwb.bma.ledger.LedgerLocation;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

import javax.inject.Inject;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code bma:ledger-export} and {@code bma:ledger-import} share: copying every event of one
 * ledger into another, empty one ({@link LedgerCopy}). Needs no inventory. Both sides are read by
 * the core ({@link BmaAssembly#ledger}), a database's login from settings.xml server
 * {@code bma-ledger} or the environment.
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

    /** The key of the other side of the copy: {@code bma.ledger.to} or {@code bma.ledger.from}. */
    protected abstract String otherKey();

    /** The other side of the copy, given by the goal's own parameter. */
    protected abstract String other();

    /** True if {@code bma.ledger} is the source, false if it is the target. */
    protected abstract boolean fromLedger();

    @Override
    public final void execute() throws MojoExecutionException {
        if (other() == null || other().isBlank()) {
            throw new MojoExecutionException("Name the other ledger: -D" + otherKey() + "=<directory>"
                    + (fromLedger() ? " (a new or empty one)" : ""));
        }
        Map<String, String> keys = new TreeMap<>();
        AbstractBmaMojo.put(keys, BmaProperties.LEDGER, AbstractBmaMojo.ledgerValue(ledger, project));
        AbstractBmaMojo.put(keys, otherKey(), AbstractBmaMojo.ledgerValue(other(), project));
        try (BmaAssembly assembly = BmaAssembly.of(keys, CredentialsLookup.of(settings, settingsDecrypter))) {
            LedgerLocation campaign = assembly.ledger(BmaProperties.LEDGER);
            LedgerLocation there = assembly.ledger(otherKey());
            LedgerLocation from = fromLedger() ? campaign : there;
            LedgerLocation to = fromLedger() ? there : campaign;
            long events = LedgerCopy.copy(from, to, Clock.systemUTC());
            getLog().info("Copied " + events + " events from ledger " + from + " to " + to);
        } catch (BmaException e) {
            throw new MojoExecutionException("[" + e.code() + "] " + e.getMessage(), e);
        }
    }
}
