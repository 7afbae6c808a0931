package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.graph.GraphStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GraphProvisionerTest {

    private static final BmaAddress OK = BmaAddress.parse("ec001394@adm.cfwb.be");
    private static final BmaAddress MISSING = BmaAddress.parse("ec001395@adm.cfwb.be");
    private static final BmaAddress DENIED = BmaAddress.parse("po000478@adm.cfwb.be");
    private static final BmaAddress MISMATCH = BmaAddress.parse("ec002222@adm.cfwb.be");

    private GraphStandIn standIn;
    private GraphConnection graph;

    @BeforeEach
    void start() {
        standIn = GraphStandIn.start();
        standIn.addUser(OK.toString()).addUser(DENIED.toString()).denyWrites(DENIED.toString())
                .addUser(MISMATCH.toString(), "direction.autre@cfwb.be");
        graph = GraphConnection.open(GraphSettings.builder().credentials(GraphCredentials.staticToken(standIn.token()))
                .baseUrl(standIn.baseUrl()).build());
    }

    @AfterEach
    void stop() {
        graph.close();
        standIn.close();
    }

    private static Map<BmaAddress, List<FolderSpec>> plan(List<FolderSpec> folders, BmaAddress... boxes) {
        Map<BmaAddress, List<FolderSpec>> plan = new LinkedHashMap<>();
        for (BmaAddress b : boxes) {
            plan.put(b, folders);
        }
        return plan;
    }

    @Test
    void eachMailboxIsCheckedOnItsOwnAndFailuresDoNotStopTheOthers() {
        List<FolderSpec> folders = List.of(FolderSpec.under("inbox", List.of("Projets", "2024")),
                FolderSpec.root(List.of("Archives élèves")), FolderSpec.wellKnown("sentitems"));

        ProvisioningResult result = new GraphProvisioner(graph, 2).provision(plan(folders, MISSING, DENIED, OK, MISMATCH));

        assertThat(result.isSuccess()).isFalse();
        assertThat(result.mailboxes()).extracting(MailboxProvisioning::mailbox).containsExactly(MISSING, DENIED, OK, MISMATCH);
        assertThat(result.ready()).extracting(MailboxProvisioning::mailbox).containsExactly(OK);
        MailboxProvisioning missing = result.mailboxes().get(0);
        assertThat(missing.errorCode()).contains(BmaErrorCode.TARGET_MAILBOX_UNAVAILABLE);
        assertThat(missing.failure().orElseThrow()).contains("No account ec001395@adm.cfwb.be");
        MailboxProvisioning denied = result.mailboxes().get(1);
        assertThat(denied.errorCode()).contains(BmaErrorCode.TARGET_MAILBOX_UNAVAILABLE);
        assertThat(denied.failure().orElseThrow()).contains("po000478@adm.cfwb.be").contains("403").contains("permission");
        assertThat(result.mailboxes().get(3).failure().orElseThrow()).contains("direction.autre@cfwb.be");

        assertThat(standIn.folderPaths(OK.toString())).contains("Inbox/Projets", "Inbox/Projets/2024", "Archives élèves");
        assertThat(standIn.allMessages(OK.toString())).as("the write probe leaves nothing").isEmpty();
        assertThat(standIn.folderPaths(DENIED.toString())).doesNotContain("Archives élèves");
        MailboxProvisioning ok = result.mailboxes().get(2);
        assertThat(ok.folder(FolderSpec.under("inbox", List.of("Projets", "2024")))).hasValueSatisfying(f -> {
            assertThat(f.created()).isTrue();
            assertThat(f.totalItemCount()).isZero();
        });
    }

    @Test
    void aRerunReusesWhatExistsAndReadsCountsAndSizes() {
        List<FolderSpec> folders = List.of(FolderSpec.under("inbox", List.of("Projets")));
        GraphProvisioner provisioner = new GraphProvisioner(graph, 1);
        provisioner.provision(plan(folders, OK));
        // Mail already delivered to the new mailbox before the copy.
        com.microsoft.graph.models.Message m = new com.microsoft.graph.models.Message();
        m.setSubject("déjà là");
        var flags = new com.microsoft.graph.models.SingleValueLegacyExtendedProperty();
        flags.setId(MapiProperties.MESSAGE_FLAGS);
        flags.setValue("0");
        m.setSingleValueExtendedProperties(List.of(flags));
        graph.client().users().byUserId(OK.toString()).mailFolders().byMailFolderId("inbox").messages().post(m);

        MailboxProvisioning again = provisioner.provision(plan(folders, OK)).mailboxes().get(0);

        assertThat(again.isReady()).isTrue();
        assertThat(again.folders()).noneMatch(FolderState::created);
        assertThat(standIn.folderPaths(OK.toString()).stream().filter(p -> p.equals("Inbox/Projets"))).hasSize(1);
        FolderState inbox = again.folder(FolderSpec.wellKnown("inbox")).orElseThrow();
        assertThat(inbox.totalItemCount()).isEqualTo(1);
        assertThat(inbox.unreadItemCount()).isEqualTo(1);
        assertThat(inbox.sizeInBytes().orElseThrow()).isPositive();
        assertThat(again.totalItems()).isEqualTo(1);
    }
}
