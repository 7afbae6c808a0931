package be.cfwb.bma.maven;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.demo.Demo;
import be.cfwb.bma.demo.DemoResult;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;

/**
 * A complete demo migration on loopback servers: a few dozen real BMAs from the open data,
 * planned over the 2024 calendar, notified, provisioned, copied, cut over, copied again and
 * verified, then the dashboard. Needs {@code be.cfwb.bma:bma-demo} among the plugin's
 * dependencies (the ops example's demo profile adds it), so that the other goals carry neither
 * the demo nor its servers. Kill it and run it again: it continues where it stopped.
 */
@Mojo(name = "demo", requiresProject = false, threadSafe = true)
public class DemoMojo extends AbstractMojo {

    /** Where the demo keeps its ledger and its servers' ports between runs. */
    @Parameter(property = "bma.demo.state", defaultValue = "${project.build.directory}/bma-demo")
    private File state;

    /** Where the reports go. */
    @Parameter(property = "bma.output", defaultValue = "${project.build.directory}/bma")
    private File outputDirectory;

    /** How many mailboxes to migrate. */
    @Parameter(property = "bma.demo.mailboxes", defaultValue = "24")
    private int mailboxes;

    /**
     * Where the demo copies: {@code imap} (an IMAP stand-in of Exchange) or {@code graph} (the
     * Graph stand-in, as {@code bma.target=graph} writes to Exchange Online).
     */
    @Parameter(property = "bma.target", defaultValue = "imap")
    private String target;

    @Parameter(property = "bma.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("bma: skipped (bma.skip)");
            return;
        }
        requireDemoArtifact();
        DemoResult result;
        try {
            result = new Demo(state.toPath(), outputDirectory.toPath(), mailboxes, getLog()::info, ProgressLog.of(getLog()))
                    .target(target).run();
        } catch (BmaException e) {
            throw new MojoExecutionException("[" + e.code() + "] " + e.getMessage(), e);
        }
        getLog().info("Notification mails sent: " + result.notified());
        getLog().info("Report: " + result.report().toUri());
        getLog().info(result.summaryLine());
        if (!result.isSuccess()) {
            throw new MojoFailureException("The demo did not verify every mailbox: " + result.summaryLine()
                    + " (see " + result.report() + ")");
        }
    }

    /** Says what to add, rather than a NoClassDefFoundError, when the demo is not on the plugin's classpath. */
    private static void requireDemoArtifact() throws MojoExecutionException {
        try {
            Class.forName("be.cfwb.bma.demo.Demo", false, DemoMojo.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new MojoExecutionException("bma:demo needs be.cfwb.bma:bma-demo on the plugin's classpath: add it"
                    + " under <plugin><dependencies> of bma-maven-plugin, with the plugin's version (as the demo"
                    + " profile of bma-examples/bma-ops does)", e);
        }
    }
}
