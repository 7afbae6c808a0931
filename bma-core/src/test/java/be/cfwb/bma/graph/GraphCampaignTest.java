package be.cfwb.bma.graph;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TargetTraces;
import be.cfwb.bma.transfer.TraceProbe;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Campaign identity on the Graph path, against the Graph stand-in: copies carry their campaign in
 * the property {@code BmaCampaign}, and the Graph probe tells another campaign's copies (or copies
 * without campaign) from ours and from a mailbox holding none.
 */
class GraphCampaignTest extends GraphMigrationTestBase {

    static final String A = "c20241104-aaaaaaaaaaaa";
    static final String B = "c20241104-bbbbbbbbbbbb";

    GraphConnection graph;

    @BeforeEach
    void connect() {
        graph = GraphConnection.open(GraphSettings.builder().credentials(GraphCredentials.staticToken(standIn.token()))
                .baseUrl(standIn.baseUrl()).build());
    }

    @AfterEach
    void disconnect() {
        graph.close();
    }

    @Test
    void theProbeFindsAnotherCampaignsCopiesAndNotOurs() {
        BmaAddress copied = mailbox(1, CampaignSeed::two);
        BmaAddress empty = mailbox(2, (s, a) -> { });
        TransferSettings settings = toGraph(graph).build();
        copy(settings.withCampaign(A), copied);
        TraceProbe probe = settings.probe().orElseThrow();

        TargetTraces seenByB = probe.probe(copied, Optional.of(B));
        assertThat(seenByB.foreign()).isTrue();
        assertThat(seenByB.campaign()).contains(A);
        assertThat(probe.probe(copied, Optional.of(A))).as("our own copies").isEqualTo(TargetTraces.NONE);
        assertThat(probe.probe(empty, Optional.of(B))).as("a mailbox with no copy").isEqualTo(TargetTraces.NONE);
        // A mailbox the tenant does not have yet holds nothing of ours.
        assertThat(probe.probe(BmaAddress.parse("ec009999@adm.cfwb.be"), Optional.of(B))).isEqualTo(TargetTraces.NONE);
    }

    @Test
    void copiesMadeBeforeCampaignsHadIdsAreForeignWithoutAName() {
        BmaAddress copied = mailbox(3, CampaignSeed::two);
        TransferSettings settings = toGraph(graph).build();
        copy(settings, copied);

        TargetTraces found = settings.probe().orElseThrow().probe(copied, Optional.of(A));

        assertThat(found.foreign()).isTrue();
        assertThat(found.campaign()).isEmpty();
    }

    private void copy(TransferSettings settings, BmaAddress mailbox) {
        assertThat(new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE).run(List.of(mailbox), Pass.PRESTAGE)
                .isComplete()).isTrue();
    }

    /** Two small messages in the INBOX. */
    static final class CampaignSeed {
        static void two(MailboxSeeder s, BmaAddress a) {
            for (int n = 1; n <= 2; n++) {
                s.append(FolderPath.inbox(), ("From: a@example.org\r\nTo: " + a + "\r\nSubject: m" + n
                        + "\r\nMessage-ID: <g" + n + "@example.org>\r\n\r\nCorps\r\n").getBytes(StandardCharsets.UTF_8),
                        MessageFlags.NONE, Instant.parse("2024-09-0" + n + "T08:00:00Z"));
            }
        }

        private CampaignSeed() {
        }
    }
}
