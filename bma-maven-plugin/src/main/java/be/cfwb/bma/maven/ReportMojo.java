package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;

import org.apache.maven.plugins.annotations.Mojo;

import java.nio.file.Path;

/**
 * Writes the migration dashboard ({@code target/bma/report.html}, with {@code report.json}
 * and {@code report.csv}) from the inventory and the ledger: per wave, what happened to
 * each mailbox, with charts. Changes nothing else.
 */
@Mojo(name = "report", requiresProject = false, threadSafe = true)
public class ReportMojo extends AbstractBmaMojo {

    @Override
    protected BmaAssembly.Verb verb() {
        return BmaAssembly.Verb.REPORT;
    }

    @Override
    protected void run(Bma bma) {
        Path html = bma.report(selection());
        getLog().info("Report: " + html.toAbsolutePath());
    }
}
