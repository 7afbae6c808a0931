package be.cfwb.bma.notify;

import be.cfwb.bma.EventTypes;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.notify.NotificationOutcome.Status;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A notification run in its own JVM, killed with SIGKILL in the middle of the batch (wherever
 * it happens to be: sending, writing the ledger, sleeping), then rerun: every mail arrives,
 * the ledger records each exactly once, and at most the one mail in flight arrives twice,
 * flagged.
 */
class KilledRunTest {

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(ServerSetupTest.SMTP.createCopy("127.0.0.1")
            .dynamicPort()).withPerMethodLifecycle(true);

    @TempDir
    Path work;

    @Test
    void killedMidBatchThenRerunSendsEachMailOnceOrFlagsTheOneInFlight() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                KilledRunChild.class.getName(), Integer.toString(GREENMAIL.getSmtp().getPort()), work.toString())
                .redirectErrorStream(true).start();
        int seen = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("SENT ")) {
                    seen = Integer.parseInt(line.substring(5));
                    if (seen == 9) {
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).as("the child was killed mid-batch").isEqualTo(9);
        int total = KilledRunChild.MAILBOXES * 4;
        assertThat(GREENMAIL.getReceivedMessages().length).isBetween(9, total - 1);

        NotifyResult rerun = KilledRunChild.bma(KilledRunChild.settings(
                new SmtpNotifier(SmtpSettings.loopback(GREENMAIL.getSmtp().getPort())))
                .sleeper(d -> { }).build(), work).notify(MailboxSelection.all(), KilledRunChild.MIGRATION);

        assertThat(rerun.isSuccess()).isTrue();
        assertThat(rerun.possibleDuplicates()).hasSizeLessThanOrEqualTo(1);
        Map<String, Long> copies = java.util.Arrays.stream(GREENMAIL.getReceivedMessages())
                .collect(Collectors.groupingBy(KilledRunTest::messageId, Collectors.counting()));
        assertThat(copies).hasSize(total);
        List<String> twice = copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertThat(twice).hasSizeLessThanOrEqualTo(1);
        assertThat(copies.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
        twice.forEach(id -> assertThat(rerun.possibleDuplicates()).extracting(o -> "<" + o.messageId() + ">").contains(id));
        try (Ledger ledger = Ledger.open(work.resolve("ledger"))) {
            for (BmaAddress a : KilledRunChild.mailboxes().stream().map(m -> m.address()).toList()) {
                List<String> mails = ledger.history(a).stream().filter(e -> e.type().equals(EventTypes.MAIL_SENT))
                        .map(e -> e.get("mail").orElseThrow()).toList();
                assertThat(mails).as(a.toString()).containsExactly("1", "2", "3", "4");
            }
            assertThat(ledger.events()).extracting(LedgerEvent::type).doesNotContainNull();
        }
        // The rerun sent what the killed run had not recorded, and nothing it had.
        assertThat(rerun.withStatus(Status.SENT)).hasSizeLessThanOrEqualTo(total - 8);
    }

    private static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }
}
