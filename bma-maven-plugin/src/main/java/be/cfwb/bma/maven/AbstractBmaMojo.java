package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaConfiguration;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.MailboxSelection;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

import javax.inject.Inject;

import java.io.File;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * What every goal shares: the {@code bma.*} parameters, building the core's configuration,
 * and turning the core's outcome into Maven's. Configuration and infrastructure problems
 * become {@link MojoExecutionException}; an unsuccessful result becomes
 * {@link MojoFailureException} (see {@link #fail}).
 */
public abstract class AbstractBmaMojo extends AbstractMojo {

    /** The inventory file: the FW-B open-data export or our own CSV format (detected). */
    @Parameter(property = "bma.inventory", required = true)
    protected File inventory;

    /** The ledger directory. Keep it outside {@code target/}: it remembers what was sent and copied. */
    @Parameter(property = "bma.ledger", defaultValue = "${project.basedir}/bma-ledger", required = true)
    protected File ledger;

    /** Where reports and generated files go. */
    @Parameter(property = "bma.output", defaultValue = "${project.build.directory}/bma", required = true)
    protected File outputDirectory;

    /** Comma-separated addresses or short forms ({@code ec001394,po000478}); empty means all. */
    @Parameter(property = "bma.mailboxes")
    protected String mailboxes;

    /** The day to act for, ISO ({@code 2024-11-04}); empty means today. */
    @Parameter(property = "bma.date")
    protected String date;

    /** Show what would be done, change nothing. */
    @Parameter(property = "bma.dryRun", defaultValue = "false")
    protected boolean dryRun;

    /** Skip this goal. */
    @Parameter(property = "bma.skip", defaultValue = "false")
    protected boolean skip;

    @Parameter(defaultValue = "${settings}", readonly = true)
    private Settings settings;

    @Inject
    private SettingsDecrypter settingsDecrypter;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("bma: skipped (bma.skip)");
            return;
        }
        Bma bma;
        try {
            bma = configuration().load();
        } catch (BmaException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        try {
            run(bma);
        } catch (BmaException e) {
            throw new MojoExecutionException("[" + e.code() + "] " + e.getMessage(), e);
        }
    }

    /** The core configuration these parameters describe; pure, no side effect. */
    protected BmaConfiguration configuration() {
        return Bma.configure()
                .inventory(inventory.toPath())
                .ledgerDirectory(ledger.toPath())
                .outputDirectory(outputDirectory.toPath());
    }

    /** The goal itself: one call into {@code bma}, then rendering its result. */
    protected abstract void run(Bma bma) throws MojoExecutionException, MojoFailureException;

    protected MailboxSelection selection() {
        return MailboxSelection.parse(mailboxes);
    }

    /** {@code bma.date}, or empty for today's goal semantics. */
    protected java.util.Optional<LocalDate> day() {
        if (date == null || date.isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(LocalDate.parse(date.strip()));
        } catch (DateTimeParseException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "bma.date '" + date + "' is not a date; write it as YYYY-MM-DD, e.g. 2024-11-04");
        }
    }

    /**
     * The login for a {@code settings.xml} server id (or its environment variables), or a
     * clear error naming the id.
     *
     * @param purpose what it is for, for the error message, e.g. "the legacy IMAP server"
     */
    protected ServerCredentials credentials(String serverId, String purpose) throws MojoExecutionException {
        return CredentialsLookup.of(settings, settingsDecrypter).require(serverId, purpose);
    }

    /** Fails the build with one summary line that points at the report. */
    protected static MojoFailureException fail(String summary, File report) {
        return new MojoFailureException(summary + (report == null ? "" : " (see " + report + ")"));
    }
}
