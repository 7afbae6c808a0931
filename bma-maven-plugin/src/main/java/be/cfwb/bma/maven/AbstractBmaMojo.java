package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;
import be.cfwb.bma.BmaConfiguration;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.graph.GraphSettings;
import be.cfwb.bma.ledger.LedgerLocation;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

import javax.inject.Inject;

import java.io.File;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What every goal shares: mapping Maven to the core's two inputs, the {@code bma.*} keys (the
 * environment's {@code BMA_GRAPH_*}, then project properties, then the command line, then the
 * goal's parameters) and a {@link SecretResolver} over settings.xml servers and the environment,
 * then turning the core's outcome into Maven's. The configuration itself is assembled by the
 * core ({@link BmaAssembly}), exactly as an embedder gets it. Configuration and infrastructure
 * problems become {@link MojoExecutionException}; an unsuccessful result becomes
 * {@link MojoFailureException} (see {@link #fail}).
 */
public abstract class AbstractBmaMojo extends AbstractMojo {

    /** The settings.xml server (or environment prefix) of the old server's admin login. */
    static final String SOURCE_SERVER = SecretResolver.SOURCE;
    /** The settings.xml server of the IMAP target's admin login. */
    static final String TARGET_SERVER = SecretResolver.TARGET;
    /** The settings.xml server of the Graph application: username = client id, password = client secret. */
    static final String GRAPH_SERVER = SecretResolver.GRAPH;

    /** The inventory file: the FW-B open-data export or our own CSV format (detected). */
    @Parameter(property = "bma.inventory", required = true)
    protected File inventory;

    /**
     * The ledger: a directory (JSON Lines; keep it outside {@code target/}: it remembers what was sent
     * and copied), or a {@code jdbc:postgresql://host[:port]/database} URL that several runners share,
     * its login in settings.xml server {@code bma-ledger} or the environment.
     */
    @Parameter(property = "bma.ledger", defaultValue = "${project.basedir}/bma-ledger", required = true)
    protected String ledger;

    /** With a database ledger: how long a runner holds a mailbox without renewing its lease (seconds, default 120). */
    @Parameter(property = "bma.ledger.leaseSeconds")
    protected Integer leaseSeconds;

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
    protected Settings settings;

    @Inject
    SettingsDecrypter settingsDecrypter;

    @Parameter(defaultValue = "${session}", readonly = true)
    private MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true)
    MavenProject project;

    /** The core's assembly of this goal's keys and logins; made once per goal, closed when it ends. */
    private BmaAssembly assembly;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("bma: skipped (bma.skip)");
            return;
        }
        try {
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
        } finally {
            if (assembly != null) {
                assembly.close();
                assembly = null;
            }
        }
    }

    /** What this goal does, hence which parts of the configuration it needs. */
    protected abstract BmaAssembly.Verb verb();

    /** The core configuration of this goal ({@link BmaAssembly#configuration}). */
    protected BmaConfiguration configuration() {
        return assembly().configuration(verb());
    }

    /** The goal itself: one call into {@code bma}, then rendering its result. */
    protected abstract void run(Bma bma) throws MojoExecutionException, MojoFailureException;

    /**
     * The core's assembly of {@link #bmaProperties()} and the settings.xml servers; the
     * connections it opens (Microsoft Graph) are closed when the goal ends.
     */
    protected BmaAssembly assembly() {
        if (assembly == null) {
            assembly = BmaAssembly.of(bmaProperties(), CredentialsLookup.of(settings, settingsDecrypter));
        }
        return assembly;
    }

    protected MailboxSelection selection() {
        return assembly().selection();
    }

    /** {@code bma.date}, or empty for today's goal semantics. */
    protected Optional<LocalDate> day() {
        return assembly().day();
    }

    /**
     * Every {@code bma.*} key of this goal: the non-secret {@code bma.graph.*} keys of the
     * environment ({@code BMA_GRAPH_TENANT}...), overridden by the project's properties, by the
     * command line's, then by the goal's parameters ({@link #parameters}): the one vocabulary the
     * core reads ({@link BmaProperties}), so a goal that combines several steps configures each
     * the same way as the goal of that step does.
     */
    protected Map<String, String> bmaProperties() {
        Map<String, String> properties = new TreeMap<>();
        for (String key : GraphSettings.KEYS) {
            put(properties, key, System.getenv(SecretResolver.environmentName(key)));
        }
        if (project != null) {
            project.getProperties().forEach((k, v) -> property(properties, k, v));
        }
        if (session != null) {
            session.getUserProperties().forEach((k, v) -> property(properties, k, v));
        }
        parameters(properties);
        return properties;
    }

    /** Adds this goal's parameters to {@code properties}, as their {@code bma.*} keys. */
    protected void parameters(Map<String, String> properties) {
        put(properties, BmaProperties.INVENTORY, inventory == null ? null : inventory.getPath());
        put(properties, BmaProperties.LEDGER, ledgerValue(ledger, project));
        if (properties.containsKey(BmaProperties.LEDGER) && LedgerLocation.isDatabase(properties.get(BmaProperties.LEDGER))) {
            // The files kept beside a database ledger (the published plan's copy) stay in the project.
            properties.putIfAbsent(BmaProperties.LEDGER_FILES, basedir(project).resolve("bma-ledger").toString());
        }
        put(properties, BmaProperties.LEDGER_LEASE_SECONDS, leaseSeconds == null ? null : leaseSeconds.toString());
        put(properties, BmaProperties.OUTPUT, outputDirectory == null ? null : outputDirectory.getPath());
        put(properties, BmaProperties.MAILBOXES, mailboxes);
        put(properties, BmaProperties.DATE, date);
        put(properties, BmaProperties.DRY_RUN, Boolean.toString(dryRun));
    }

    /**
     * A {@code bma.ledger} value as the core reads it: a JDBC URL as given, a directory resolved
     * against the project's directory (Maven does so for a file parameter; this one is text, as it
     * may be a URL).
     */
    static String ledgerValue(String value, MavenProject project) {
        if (value == null || value.isBlank() || LedgerLocation.isDatabase(value)) {
            return value;
        }
        return basedir(project).resolve(value.strip()).toString();
    }

    /** The project's directory, or the working directory outside a project. */
    static Path basedir(MavenProject project) {
        return project != null && project.getBasedir() != null ? project.getBasedir().toPath() : Path.of("").toAbsolutePath();
    }

    /** Puts a parameter's value, if it has one. */
    protected static void put(Map<String, String> properties, String key, String value) {
        if (value != null && !value.isBlank()) {
            properties.put(key, value.strip());
        }
    }

    private void property(Map<String, String> properties, Object key, Object value) {
        String k = key.toString();
        if (BmaSettingsReader.SECRET_KEYS.contains(k)) {
            getLog().warn(k + " is ignored here: secrets come from settings.xml (server " + GRAPH_SERVER
                    + ") or the environment, never from the POM or the command line");
            return;
        }
        if (k.startsWith("bma.") && value != null) {
            put(properties, k, value.toString());
        }
    }

    /**
     * The cutover hook of {@code bma.cutover.command} ({@link BmaAssembly#cutoverHook}), run from
     * the project's directory; empty when no command is given (ops record cutovers themselves).
     */
    protected Optional<CutoverHook> cutoverHook() {
        File directory = project != null && project.getBasedir() != null ? project.getBasedir() : new File(".");
        return assembly().cutoverHook(directory.toPath());
    }

    /** Fails the build with one summary line that points at the report. */
    protected static MojoFailureException fail(String summary, File report) {
        return new MojoFailureException(summary + (report == null ? "" : " (see " + report + ")"));
    }
}
