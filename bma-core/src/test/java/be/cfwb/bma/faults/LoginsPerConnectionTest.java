package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.testing.net.LatencyRelay;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a pass costs each server in logins, read from the Dovecots' own logs: one per connection
 * the copy uses, however many folders that connection goes through. A login is the costliest
 * thing a copy asks of the shared legacy server after the bytes themselves (a process and its
 * mail set-up); a second login per connection (the store's and the open folder's) doubled it.
 * Further connections open only to a server farther than {@code bma.furtherConnectionsFromMs}.
 */
@RequiresDovecot
class LoginsPerConnectionTest extends TwoDovecotsTestBase {

    private static final List<FolderPath> FOLDERS = List.of(FolderPath.inbox(), FolderPath.of("Sent"),
            FolderPath.of("Archives"), FolderPath.of("Projets", "2024"), FolderPath.of("Projets", "2025"));

    @Test
    void oneConnectionLogsInOnceOnEachServerForAWholeMailbox() {
        BmaAddress a = seeded();
        long oldBefore = logins(oldServer.server(), a);
        long newBefore = logins(newServer.server(), a);

        TransferReport first = pass(a, 1, Pass.PRESTAGE);
        long oldAfterFirst = logins(oldServer.server(), a);
        long newAfterFirst = logins(newServer.server(), a);
        TransferReport rerun = pass(a, 1, Pass.FINAL);

        assertThat(first.isComplete()).as(first.summary()).isTrue();
        assertThat(first.copied()).isEqualTo(FOLDERS.size() * 3);
        assertThat(oldAfterFirst - oldBefore).as("logins to the old server for five folders").isEqualTo(1);
        assertThat(newAfterFirst - newBefore).as("logins to the new server for five folders").isEqualTo(1);
        assertThat(rerun.copied()).as(rerun.summary()).isZero();
        assertThat(logins(oldServer.server(), a) - oldAfterFirst).as("logins to the old server, final pass").isEqualTo(1);
        h.assertVerified(temp, a);
    }

    @Test
    void aRerunWithNewMailInOneFolderLogsInOnceOnAServerWithoutListStatus() {
        // Without LIST-STATUS, each folder's "anything new?" is a STATUS: asked while the folder
        // with new mail is open, it must go over that folder's connection, not a second login.
        try (DovecotFixture legacy = DovecotFixture.of(DovecotServer.builder().hierarchy(HierarchyStyle.SLASH)
                .imapCapability("IMAP4rev1 SASL-IR ID ENABLE IDLE LITERAL+ UIDPLUS NAMESPACE CHILDREN UNSELECT").start())) {
            FaultHarness legacyHarness = new FaultHarness(legacy, newServer);
            BmaAddress a = legacyHarness.newMailbox();
            seed(legacyHarness, a, "first");
            TransferReport first = FaultHarness.run(legacyHarness.settings(temp.resolve("spool")).connectionsPerMailbox(1)
                    .build(), ledger, Pass.PRESTAGE, a);
            try (MailboxSeeder s = legacyHarness.seeder(a)) {
                s.append(FolderPath.inbox(), TestMessage.builder().subject("new").messageId("logins-new@x")
                        .attachment(30_000, 99).build(), flags("\\Seen"), Instant.parse("2024-10-02T08:00:00Z"));
            }
            long before = logins(legacy.server(), a);

            TransferReport rerun = FaultHarness.run(legacyHarness.settings(temp.resolve("spool"))
                    .connectionsPerMailbox(1).build(), ledger, Pass.PRESTAGE, a);

            assertThat(first.copied()).as(first.summary()).isEqualTo(FOLDERS.size() * 3);
            assertThat(rerun.copied()).as(rerun.summary()).isEqualTo(1);
            assertThat(logins(legacy.server(), a) - before).as("logins to the old server, rerun").isEqualTo(1);
        }
    }

    @Test
    void furtherConnectionsLogInOnceEach() {
        BmaAddress a = seeded();
        long oldBefore = logins(oldServer.server(), a);
        long newBefore = logins(newServer.server(), a);

        TransferReport first = pass(a, h.settings(temp.resolve("spool")).connectionsPerMailbox(3)
                .furtherConnectionsFrom(Duration.ZERO), Pass.PRESTAGE);

        assertThat(first.isComplete()).as(first.summary()).isTrue();
        assertThat(first.copied()).isEqualTo(FOLDERS.size() * 3);
        assertThat(logins(oldServer.server(), a) - oldBefore).as("logins to the old server, three connections")
                .isEqualTo(3);
        assertThat(logins(newServer.server(), a) - newBefore).as("logins to the new server, three connections")
                .isEqualTo(3);
        h.assertVerified(temp, a);
    }

    @Test
    void aFurtherConnectionLogsInToBothServersAtOnce() throws Exception {
        BmaAddress a = seeded();
        try (ThrottlingImapProxy source = ThrottlingImapProxy.to(oldServer.server().imapPort());
             ThrottlingImapProxy target = ThrottlingImapProxy.to(newServer.server().imapPort())) {
            // The old server's second login (the further connection's) waits for the target's:
            // logging in one after the other, it would wait the whole minute in vain.
            source.hold("AUTHENTICATE", 2, () -> target.forwarded("AUTHENTICATE") >= 2, Duration.ofMinutes(1));
            ImapEndpoint from = ImapEndpoint.parse("imap://127.0.0.1:" + source.port(), "held source");
            ImapEndpoint to = ImapEndpoint.parse("imap://127.0.0.1:" + target.port(), "counted target");
            Duration patient = Duration.ofMinutes(2);

            TransferReport copy = pass(a, FaultHarness.settings(from, to, temp.resolve("spool"))
                    .imapSource(from.withTimeout(patient), FaultHarness.passwords(), FaultHarness.CLOCK)
                    .imapTarget(to.withTimeout(patient), FaultHarness.passwords(), FaultHarness.CLOCK)
                    .connectionsPerMailbox(2).furtherConnectionsFrom(Duration.ZERO), Pass.PRESTAGE);

            assertThat(copy.copied()).as(copy.summary()).isEqualTo(FOLDERS.size() * 3);
            assertThat(source.holdOutcomes()).as("the further connection's source login, released by its target login")
                    .containsExactly(true);
        }
        h.assertVerified(temp, a);
    }

    @Test
    void furtherConnectionsAskNeitherServerWhatTheFirstConnectionLearnt() throws Exception {
        BmaAddress a = seeded();
        try (ThrottlingImapProxy source = ThrottlingImapProxy.to(oldServer.server().imapPort());
             ThrottlingImapProxy target = ThrottlingImapProxy.to(newServer.server().imapPort())) {
            ImapEndpoint from = ImapEndpoint.parse("imap://127.0.0.1:" + source.port(), "counted source");
            ImapEndpoint to = ImapEndpoint.parse("imap://127.0.0.1:" + target.port(), "counted target");

            TransferReport copy = pass(a, FaultHarness.settings(from, to, temp.resolve("spool"))
                    .connectionsPerMailbox(3).furtherConnectionsFrom(Duration.ZERO), Pass.PRESTAGE);
            source.awaitQuiet(Duration.ofSeconds(10));
            target.awaitQuiet(Duration.ofSeconds(10));

            assertThat(copy.copied()).as(copy.summary()).isEqualTo(FOLDERS.size() * 3);
            assertThat(target.forwarded("AUTHENTICATE")).as("three connections").isEqualTo(3);
            assertThat(commands(target, "LIST \"\" \"*\"")).as("the target's folder list, asked once for three connections")
                    .isEqualTo(1);
            assertThat(commands(source, "LIST \"\" \"\"")).as("the old server's separator, which its folder list gave")
                    .isZero();
        }
        h.assertVerified(temp, a);
    }

    @Test
    void aServersRoundTripIsMeasuredUntilTheRunKnowsIt() throws Exception {
        List<BmaAddress> mailboxes = Stream.generate(this::seeded).limit(5).toList();
        try (ThrottlingImapProxy source = ThrottlingImapProxy.to(oldServer.server().imapPort());
             ThrottlingImapProxy target = ThrottlingImapProxy.to(newServer.server().imapPort())) {
            ImapEndpoint from = ImapEndpoint.parse("imap://127.0.0.1:" + source.port(), "counted source");
            ImapEndpoint to = ImapEndpoint.parse("imap://127.0.0.1:" + target.port(), "counted target");

            TransferReport copy = FaultHarness.run(FaultHarness.settings(from, to, temp.resolve("spool"))
                    .parallelism(1).connectionsPerMailbox(3).furtherConnectionsFrom(Duration.ofMillis(50)).build(),
                    ledger, Pass.PRESTAGE, mailboxes.toArray(BmaAddress[]::new));
            source.awaitQuiet(Duration.ofSeconds(10));
            target.awaitQuiet(Duration.ofSeconds(10));

            assertThat(copy.copied()).as(copy.summary()).isEqualTo(mailboxes.size() * FOLDERS.size() * 3);
            // Two NOOPs a mailbox on each side, until the run has six measures of that server.
            assertThat(source.forwarded("NOOP")).as("NOOPs to the old server for five mailboxes").isEqualTo(6);
            assertThat(target.forwarded("NOOP")).as("NOOPs to the new server for five mailboxes").isEqualTo(6);
            assertThat(target.forwarded("AUTHENTICATE")).as("loopback, nearer than 50 ms: one connection a mailbox")
                    .isEqualTo(mailboxes.size());
        }
        for (BmaAddress a : mailboxes) {
            h.assertVerified(temp, a);
        }
    }

    @Test
    void furtherConnectionsOpenOnlyToAServerFartherThanTheThreshold() throws Exception {
        BmaAddress near = seeded();
        BmaAddress far = seeded();
        long nearBefore = logins(newServer.server(), near);
        long farBefore = logins(newServer.server(), far);
        Duration threshold = Duration.ofMillis(15);

        TransferReport nearCopy = pass(near, h.settings(temp.resolve("spool")).connectionsPerMailbox(3)
                .furtherConnectionsFrom(threshold), Pass.PRESTAGE);
        TransferReport farCopy;
        try (LatencyRelay wan = LatencyRelay.start(newServer.server().imapPort(), Duration.ofMillis(30))) {
            ImapEndpoint target = ImapEndpoint.parse("imap://127.0.0.1:" + wan.port(), "the new server 30 ms away");
            farCopy = pass(far, FaultHarness.settings(oldServer.imapEndpoint(), target, temp.resolve("spool"))
                    .connectionsPerMailbox(3).furtherConnectionsFrom(threshold), Pass.PRESTAGE);
        }

        assertThat(nearCopy.copied()).as(nearCopy.summary()).isEqualTo(FOLDERS.size() * 3);
        assertThat(farCopy.copied()).as(farCopy.summary()).isEqualTo(FOLDERS.size() * 3);
        assertThat(logins(newServer.server(), near) - nearBefore).as("a loopback server: one connection").isEqualTo(1);
        assertThat(logins(newServer.server(), far) - farBefore).as("30 ms away: three connections").isEqualTo(3);
        h.assertVerified(temp, near);
        h.assertVerified(temp, far);
    }

    /** The commands the proxy forwarded whose text (after the tag) starts with {@code command}. */
    private static long commands(ThrottlingImapProxy proxy, String command) {
        return proxy.trace().stream().filter(l -> l.split(" ", 3).length == 3 && l.split(" ", 3)[2].startsWith(command))
                .count();
    }

    private BmaAddress seeded() {
        BmaAddress a = h.newMailbox();
        seed(h, a, "logins");
        return a;
    }

    private static void seed(FaultHarness harness, BmaAddress a, String prefix) {
        try (MailboxSeeder s = harness.seeder(a)) {
            for (int f = 0; f < FOLDERS.size(); f++) {
                for (int i = 0; i < 3; i++) {
                    s.append(FOLDERS.get(f), TestMessage.builder().subject("f" + f + " m" + i)
                                    .messageId(prefix + "-f" + f + "m" + i + "@x").attachment(30_000, f * 10L + i).build(),
                            flags("\\Seen"), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(f * 10L + i));
                }
            }
        }
    }

    private TransferReport pass(BmaAddress a, int connections, Pass pass) {
        return pass(a, h.settings(temp.resolve("spool")).connectionsPerMailbox(connections), pass);
    }

    private TransferReport pass(BmaAddress a, TransferSettings.Builder settings, Pass pass) {
        return FaultHarness.run(settings.build(), ledger, pass, a);
    }

    /** The logins for {@code mailbox} the server has logged so far (a master login names the mailbox as user). */
    private static long logins(DovecotServer server, BmaAddress mailbox) {
        try (Stream<String> lines = Files.lines(server.logFile())) {
            return lines.filter(l -> l.contains("Login: user=<" + mailbox + ">")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
