package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a pre-stage rerun with nothing new asks the servers, counted by calm
 * {@link ThrottlingImapProxy}s: on the old server one login, one LIST (which, with LIST-STATUS,
 * also answers whether any folder has new mail) and LOGOUT — the namespace, which only names the
 * folders in the report, is the one the first pass recorded; on the target nothing.
 * This is what makes a no-op rerun a few percent of a first pass (docs/benchmarks/transfer.md).
 */
@RequiresDovecot
class DovecotIdleRerunTest extends TwoServerTestBase<DovecotFixture, DovecotFixture> {

    private static final List<String> COUNTED = List.of("LOGIN", "AUTHENTICATE", "LIST", "NAMESPACE", "STATUS",
            "EXAMINE", "SELECT", "FETCH", "UID FETCH", "APPEND", "CLOSE", "UNSELECT", "LOGOUT");

    @Override
    protected DovecotFixture startOld() {
        return DovecotFixture.start(HierarchyStyle.DOT_INBOX_PREFIX);
    }

    @Override
    protected DovecotFixture startNew() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Test
    void everyRerunWithNothingNewAsksTheOldServerOneListAndLeavesTheTargetAlone() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            List<FolderPath> folders = List.of(FolderPath.inbox(), FolderPath.of("INBOX", "Éléments envoyés"),
                    FolderPath.of("INBOX", "Archives 2023", "Septembre"));
            for (int i = 0; i < 9; i++) {
                s.append(folders.get(i % 3), TestMessage.builder().subject("Circulaire " + i).build(), flags(),
                        Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        try (ThrottlingImapProxy toOld = ThrottlingImapProxy.to(oldServer.imapEndpoint().port());
             ThrottlingImapProxy toNew = ThrottlingImapProxy.to(newServer.imapEndpoint().port())) {
            // Exchange's mapping: the Courier-style "INBOX." prefix is the namespace, dropped on the target.
            TransferSettings settings = FaultHarness.settings(endpoint(toOld), endpoint(toNew), temp)
                    .folderMapper(FolderMapper.exchange()).build();
            TransferReport first = FaultHarness.run(settings, ledger, Pass.PRESTAGE, a);
            quiet(toOld, toNew);
            assertThat(first.copied()).isEqualTo(9);
            // Every rerun alike: the first one's record of the pass must serve the next one too.
            for (int i = 0; i < 2; i++) {
                assertARerunAsksOneListAndLeavesTheTargetAlone(settings, a, first, toOld, toNew);
            }
        }
    }

    private void assertARerunAsksOneListAndLeavesTheTargetAlone(TransferSettings settings, BmaAddress a,
                                                               TransferReport first, ThrottlingImapProxy toOld,
                                                               ThrottlingImapProxy toNew) {
        Map<String, Integer> oldBefore = counts(toOld);
        long oldLinesBefore = toOld.trace().size();
        Map<String, Integer> newBefore = counts(toNew);

        TransferReport rerun = FaultHarness.run(settings, ledger, Pass.PRESTAGE, a);
        quiet(toOld, toNew);

        assertThat(rerun.isComplete()).isTrue();
        assertThat(rerun.copied()).isZero();
        assertThat(targets(rerun)).as("the rerun names the folders as the first pass did")
                .isEqualTo(targets(first)).contains("[Sent Items]", "Archives 2023 › Septembre");
        Map<String, Integer> oldAsked = minus(counts(toOld), oldBefore);
        assertThat(oldAsked.get("LOGIN") + oldAsked.get("AUTHENTICATE")).as("logins %s", oldAsked).isEqualTo(1);
        assertThat(toOld.trace().subList((int) oldLinesBefore, toOld.trace().size()))
                .as("the login in one line (SASL-IR): no continuation, no CAPABILITY after it")
                .noneMatch(l -> l.endsWith("(continuation not traced)")).noneMatch(l -> l.contains(" CAPABILITY"));
        assertThat(oldAsked).as("commands on the old server").containsEntry("LIST", 1).containsEntry("STATUS", 0)
                .containsEntry("EXAMINE", 0).containsEntry("SELECT", 0).containsEntry("FETCH", 0)
                .containsEntry("UID FETCH", 0).containsEntry("NAMESPACE", 0).containsEntry("LOGOUT", 1);
        assertThat(minus(counts(toNew), newBefore).values()).as("commands on the target").containsOnly(0);
    }

    @Test
    void aRerunWithNewMailInOneFolderAsksNoStatusBesidesItsListAndOpensOnlyThatFolder() throws Exception {
        BmaAddress a = h.newMailbox();
        FolderPath sent = FolderPath.of("INBOX", "Éléments envoyés");
        List<FolderPath> folders = List.of(FolderPath.inbox(), sent, FolderPath.of("INBOX", "Archives 2023", "Septembre"));
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < 9; i++) {
                s.append(folders.get(i % 3), TestMessage.builder().subject("Circulaire " + i).build(), flags(),
                        Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        try (ThrottlingImapProxy toOld = ThrottlingImapProxy.to(oldServer.imapEndpoint().port());
             ThrottlingImapProxy toNew = ThrottlingImapProxy.to(newServer.imapEndpoint().port())) {
            TransferSettings settings = FaultHarness.settings(endpoint(toOld), endpoint(toNew), temp)
                    .folderMapper(FolderMapper.exchange()).build();
            assertThat(FaultHarness.run(settings, ledger, Pass.PRESTAGE, a).copied()).isEqualTo(9);
            quiet(toOld, toNew);
            // One connection went through the three folders: each EXAMINE leaves the previous
            // folder, the LOGOUT the last; a CLOSE (a round trip) would remove nothing read-only.
            assertThat(counts(toOld)).as("the first pass on the old server %s", toOld.trace())
                    .containsEntry("EXAMINE", 3).containsEntry("CLOSE", 0).containsEntry("UNSELECT", 0);
            try (MailboxSeeder s = h.seeder(a)) {
                // the last folder the mailbox-wide check reads: every other folder's status was read before it
                s.append(sent, TestMessage.builder().subject("Nouvelle").build(), flags(), Instant.parse("2024-10-02T08:00:00Z"));
            }
            Map<String, Integer> oldBefore = counts(toOld);
            Map<String, Integer> newBefore = counts(toNew);

            TransferReport rerun = FaultHarness.run(settings, ledger, Pass.PRESTAGE, a);
            quiet(toOld, toNew);

            assertThat(rerun.isComplete()).isTrue();
            assertThat(rerun.copied()).isEqualTo(1);
            Map<String, Integer> oldAsked = minus(counts(toOld), oldBefore);
            // "INBOX.Archives 2023", which Dovecot made for Septembre, was done empty: not opened either
            assertThat(oldAsked).as("commands on the old server: the LIST's statuses serve the whole pass %s", toOld.trace())
                    .containsEntry("LIST", 1).containsEntry("STATUS", 0).containsEntry("EXAMINE", 1);
            // The one folder opened on each side is left by the LOGOUT, not closed first.
            assertThat(oldAsked).containsEntry("CLOSE", 0).containsEntry("UNSELECT", 0).containsEntry("LOGOUT", 1);
            Map<String, Integer> newAsked = minus(counts(toNew), newBefore);
            assertThat(newAsked).as("commands on the new server %s", toNew.trace()).containsEntry("SELECT", 1)
                    .containsEntry("APPEND", 1).containsEntry("CLOSE", 0).containsEntry("UNSELECT", 0)
                    .containsEntry("LOGOUT", 1);
        }
    }

    /** The LOGOUTs are sent without waiting for an answer: counted once the proxies have read them. */
    private static void quiet(ThrottlingImapProxy... proxies) {
        for (ThrottlingImapProxy p : proxies) {
            p.awaitQuiet(Duration.ofSeconds(10));
        }
    }

    private static List<String> targets(TransferReport report) {
        return report.mailboxes().get(0).folders().stream().map(FolderReport::target).toList();
    }

    private static Map<String, Integer> counts(ThrottlingImapProxy proxy) {
        return COUNTED.stream().collect(Collectors.toMap(c -> c, proxy::forwarded));
    }

    private static Map<String, Integer> minus(Map<String, Integer> after, Map<String, Integer> before) {
        return after.keySet().stream().collect(Collectors.toMap(c -> c, c -> after.get(c) - before.get(c)));
    }

    private static ImapEndpoint endpoint(ThrottlingImapProxy proxy) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "counting proxy");
    }
}
