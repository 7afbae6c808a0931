package be.cfwb.bma.maven;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;

import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code bma:ledger-export} and {@code bma:ledger-import} as the goals run them: paths relative to
 * the project, every event copied, a ledger that holds events never written over, the other side
 * asked for by its key. The copy into and out of PostgreSQL is proved in the core
 * ({@code ledger.pg.PostgresLedgerTest}); a database URL's login comes from settings.xml server
 * {@code bma-ledger}, as {@code BmaAssemblyTest} shows.
 */
class LedgerGoalsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T07:00:00Z"), ZoneOffset.UTC);
    private static final BmaAddress EC = BmaAddress.of(BmaKind.EC, 1394);

    @TempDir
    Path project;

    private MavenProject mavenProject() {
        MavenProject p = new MavenProject(new Model());
        p.setFile(project.resolve("pom.xml").toFile());
        return p;
    }

    private List<LedgerEvent> campaign(Path directory) {
        try (Ledger ledger = Ledger.open(directory, CLOCK)) {
            ledger.append(LedgerEntry.of(new Event.PlanPublished(1, 0, "abc")));
            ledger.append(LedgerEntry.of(new Event.MailSent(1, 1, "<m1@x>", "DGENORS", Optional.of("2024-11-20"),
                    Optional.empty(), "v1", false, false)).mailbox(EC));
            ledger.append(LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(EC));
            return ledger.events();
        }
    }

    @Test
    void exportThenImportCopyEveryEventBetweenDirectoriesOfTheProject() throws Exception {
        List<LedgerEvent> events = campaign(project.resolve("bma-ledger"));

        LedgerExportMojo export = new LedgerExportMojo();
        export.project = mavenProject();
        export.ledger = "bma-ledger";
        export.to = "backup";
        export.execute();
        try (Ledger backup = Ledger.openReadOnly(project.resolve("backup"), CLOCK)) {
            assertThat(backup.events()).isEqualTo(events);
        }

        LedgerImportMojo importing = new LedgerImportMojo();
        importing.project = mavenProject();
        importing.ledger = project.resolve("restored").toString();
        importing.from = "backup";
        importing.execute();
        try (Ledger restored = Ledger.openReadOnly(project.resolve("restored"), CLOCK)) {
            assertThat(restored.events()).isEqualTo(events);
            assertThat(restored.lastOfEachKind(EC)).hasSize(2);
        }
    }

    @Test
    void aLedgerThatHoldsEventsIsNeverWrittenOverAndTheOtherSideIsAskedFor() throws Exception {
        campaign(project.resolve("bma-ledger"));
        campaign(project.resolve("other"));
        byte[] before = Files.readAllBytes(project.resolve("other").resolve(Ledger.JOURNAL));

        LedgerExportMojo export = new LedgerExportMojo();
        export.project = mavenProject();
        export.ledger = "bma-ledger";
        export.to = "other";
        assertThatThrownBy(export::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("INVALID_CONFIGURATION").hasMessageContaining("already holds");
        assertThat(Files.readAllBytes(project.resolve("other").resolve(Ledger.JOURNAL))).isEqualTo(before);

        LedgerImportMojo importing = new LedgerImportMojo();
        importing.project = mavenProject();
        importing.ledger = "bma-ledger";
        assertThatThrownBy(importing::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("-Dbma.ledger.from=");

        LedgerExportMojo toMysql = new LedgerExportMojo();
        toMysql.project = mavenProject();
        toMysql.ledger = "jdbc:mysql://db/bma?password=Pw-123";
        toMysql.to = "x";
        assertThatThrownBy(toMysql::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("jdbc:postgresql").hasMessageNotContaining("Pw-123");
    }
}
