package be.cfwb.bma.examples;

import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.StatusResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the example as a user would, so that it cannot go stale. */
class EmbeddingExampleTest {

    @Test
    void printsTheStatusOfTheRequestedMailboxes(@TempDir Path ledger) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatusResult status = EmbeddingExample.run(ledger, "ec001394,po000478",
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("ec001394@adm.cfwb.be", "Ecole primaire libre Saint-Donat",
                "po000478@adm.cfwb.be", "Wallonie-Bruxelles Enseignement");
        assertThat(status.mailboxes()).allSatisfy(m -> assertThat(m.step()).isEqualTo(MailboxStep.PENDING));
    }
}
