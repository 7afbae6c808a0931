package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RetryStats} and how a report carries it: sums, refusals, the CSV's last columns. */
class RetryStatsTest {

    @Test
    void addsUpAndRefusesNegatives() {
        RetryStats a = new RetryStats(2, 1, Duration.ofMillis(40));
        RetryStats b = new RetryStats(3, 3, Duration.ofMillis(150));
        assertThat(a.plus(b)).isEqualTo(new RetryStats(5, 4, Duration.ofMillis(190)));
        assertThat(RetryStats.NONE.plus(a)).isEqualTo(a);
        assertThat(RetryStats.NONE.isEmpty()).isTrue();
        assertThat(RetryStats.retries(2)).isEqualTo(new RetryStats(2, 0, Duration.ZERO)).matches(r -> !r.isEmpty());
        assertThatThrownBy(() -> new RetryStats(-1, 0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryStats(0, 0, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportsCarryThemToTotalsJsonCsvAndSummary() {
        BmaAddress one = BmaAddress.of(BmaKind.EC, 4401);
        BmaAddress two = BmaAddress.of(BmaKind.PO, 4402);
        Instant t = Instant.parse("2024-11-04T08:00:00Z");
        FolderReport inbox = new FolderReport(FolderPath.inbox(), "Inbox", List.of(), 7, 3, 300, 3, 300, 0, 0,
                List.of(), List.of(), Optional.empty());
        MailboxReport throttled = new MailboxReport(one, Pass.PRESTAGE, t, Duration.ofSeconds(2),
                new RetryStats(4, 3, Duration.ofMillis(1234)), List.of(inbox), Optional.empty());
        MailboxReport calm = new MailboxReport(two, Pass.PRESTAGE, t, Duration.ofSeconds(1), 1, List.of(inbox),
                Optional.empty());
        assertThat(calm.retryStats()).isEqualTo(RetryStats.retries(1));
        TransferReport report = new TransferReport(Pass.PRESTAGE, t, Duration.ofSeconds(3), List.of(throttled, calm), false);

        assertThat(report.retries()).isEqualTo(5);
        assertThat(report.retryStats()).isEqualTo(new RetryStats(5, 3, Duration.ofMillis(1234)));
        assertThat(report.toJson()).contains("\"throttled\" : 3").contains("\"waitedMillis\" : 1234");
        List<String> csv = report.toCsv().lines().toList();
        assertThat(csv.get(0)).endsWith(";error;mailbox_retries;mailbox_throttled;mailbox_waited_ms");
        assertThat(csv.get(1)).startsWith(one + ";INBOX;Inbox;3;300;").endsWith(";;4;3;1234");
        assertThat(csv.get(2)).endsWith(";;1;0;0");
        assertThat(report.summary()).contains("5 retries, 3 throttled, 1.2 s waited")
                .contains(one + ": complete, 3 found, 3 copied, 0 present, 4 retries, 3 throttled, 1.2 s waited");
    }
}
