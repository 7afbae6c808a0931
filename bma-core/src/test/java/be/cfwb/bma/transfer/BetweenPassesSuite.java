package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxInspector.StoredMessage;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What people do between the pre-stage and the final pass, one scenario per kind of change, and
 * the policy each one proves (docs/guarantees.md, "Changes between passes"): the user's action on
 * the new mailbox wins; a message the old server still has is never lost; nothing is copied twice.
 * Run against GreenMail ({@link GreenMailBetweenPassesTest}) and Dovecot ({@link DovecotBetweenPassesTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BetweenPassesSuite {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);
    private static final AtomicInteger NEXT = new AtomicInteger(700);
    private static final FolderPath INBOX = FolderPath.inbox();
    private static final FolderPath ARCHIVES = FolderPath.of("Archives");

    private MailServerFixture oldServer;
    private MailServerFixture newServer;
    @TempDir
    Path temp;
    private Ledger ledger;

    protected abstract MailServerFixture startServer();

    @BeforeAll
    void startServers() {
        oldServer = startServer();
        newServer = startServer();
    }

    @AfterAll
    void stopServers() {
        if (oldServer != null) {
            oldServer.close();
        }
        if (newServer != null) {
            newServer.close();
        }
    }

    @BeforeEach
    void openLedger() {
        ledger = Ledger.open(temp.resolve("ledger"), CLOCK);
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    @Test
    void aMessageMovedOnTheOldServerIsMovedOnTheTargetNotCopiedAgain() {
        BmaAddress a = newMailbox();
        long moved;
        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, message("reste", "r@x"), flags("\\Seen"), at("2024-10-01T08:00:00Z"));
            moved = s.append(INBOX, message("a archiver", "m@x"), flags(), at("2024-10-02T08:00:00Z"));
            s.folder(ARCHIVES);
        }
        assertThat(prestage(a).copied()).isEqualTo(2);
        try (MailboxSeeder s = seeder(a)) {
            s.move(INBOX, moved, ARCHIVES);
        }

        TransferReport last = finalPass(a);

        assertThat(last.isComplete()).as(last.summary()).isTrue();
        assertThat(last.copied()).as("the copy followed the message: " + last.summary()).isZero();
        try (MailboxInspector neu = newBox(a)) {
            assertThat(subjects(neu, INBOX)).containsExactly("reste");
            assertThat(subjects(neu, ARCHIVES)).as("before: the old copy stayed in INBOX and a second came here")
                    .containsExactly("a archiver");
        }
        assertThat(folder(last, ARCHIVES).notes()).anySatisfy(n -> assertThat(n).contains("moved on the old server"));
        MailboxVerification v = verify(a);
        assertThat(v.isSuccess()).as(v.toString()).isTrue();
        assertThat(v.present()).isEqualTo(2);
        assertThat(v.extra()).isEmpty();
        assertThat(prestageOrFinalRerun(a).copied()).as("a rerun finds the moved copy by its content").isZero();
    }

    @Test
    void messagesMovedBetweenFoldersCopiedOverTwoConnectionsAreMovedNotCopiedAgain() {
        BmaAddress a = newMailbox();
        FolderPath projects = FolderPath.of("Projets");
        long toArchives;
        long toProjects;
        long toInbox;
        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, message("reste", "r@x"), flags("\\Seen"), at("2024-10-01T08:00:00Z"));
            toArchives = s.append(INBOX, message("vers archives", "a@x"), flags(), at("2024-10-02T08:00:00Z"));
            toProjects = s.append(ARCHIVES, message("vers projets", null), flags("\\Flagged"), at("2024-10-03T08:00:00Z"));
            s.append(ARCHIVES, message("archive", "k@x"), flags(), at("2024-10-04T08:00:00Z"));
            toInbox = s.append(projects, message("vers inbox", "i@x"), flags("\\Seen"), at("2024-10-05T08:00:00Z"));
        }
        assertThat(prestage(a, 2).copied()).isEqualTo(5);
        try (MailboxSeeder s = seeder(a)) {
            // The folders are synced at the same time: a copy may be taken from a folder another connection is in.
            s.move(INBOX, toArchives, ARCHIVES);
            s.move(ARCHIVES, toProjects, projects);
            s.move(projects, toInbox, INBOX);
        }

        TransferReport last = finalPass(a, 2);

        assertThat(last.isComplete()).as(last.summary()).isTrue();
        assertThat(last.copied()).as("each copy followed its message: " + last.summary()).isZero();
        try (MailboxInspector neu = newBox(a)) {
            assertThat(subjects(neu, INBOX)).containsExactlyInAnyOrder("reste", "vers inbox");
            assertThat(subjects(neu, ARCHIVES)).containsExactlyInAnyOrder("archive", "vers archives");
            assertThat(subjects(neu, projects)).containsExactly("vers projets");
        }
        MailboxVerification v = verify(a);
        assertThat(v.isSuccess()).as(v.toString()).isTrue();
        assertThat(v.present()).isEqualTo(5);
        assertThat(v.extra()).isEmpty();
        TransferReport rerun = finalPass(a, 1);
        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        assertThat(rerun.copied()).as("a rerun finds every moved copy by its key").isZero();
        assertThat(last.mailboxes().get(0).folders()).extracting(FolderReport::source)
                .as("reported in the mapping's order, as with one connection")
                .containsExactlyElementsOf(rerun.mailboxes().get(0).folders().stream().map(FolderReport::source).toList());
    }

    @Test
    void aFolderRenamedOnTheOldServerIsFollowedOnTheTargetNotCopiedAgain() {
        BmaAddress a = newMailbox();
        FolderPath projects = FolderPath.of("Projets");
        FolderPath renamed = FolderPath.of("Projets 2024");
        try (MailboxSeeder s = seeder(a)) {
            s.append(projects, message("plan", "p1@x"), flags("\\Seen"), at("2024-10-01T08:00:00Z"));
            s.append(projects, message("budget", null), flags("\\Flagged"), at("2024-10-02T08:00:00Z"));
        }
        assertThat(prestage(a).copied()).isEqualTo(2);
        try (MailboxSeeder s = seeder(a)) {
            s.renameFolder(projects, renamed);
        }

        TransferReport last = finalPass(a);

        assertThat(last.isComplete()).as(last.summary()).isTrue();
        assertThat(last.copied()).as(last.summary()).isZero();
        try (MailboxInspector neu = newBox(a)) {
            assertThat(subjects(neu, renamed)).containsExactlyInAnyOrder("plan", "budget");
            assertThat(neu.messages(projects)).as("the old name's folder is left, empty").isEmpty();
        }
        MailboxVerification v = verify(a);
        assertThat(v.isSuccess()).as(v.toString()).isTrue();
        assertThat(v.present()).isEqualTo(2);
    }

    @Test
    void aMessageDeletedOnTheOldServerKeepsItsCopyAndVerifyShowsIt() {
        BmaAddress a = newMailbox();
        long deleted;
        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, message("reste", "r@x"), flags(), at("2024-10-01T08:00:00Z"));
            deleted = s.append(INBOX, message("supprime", "d@x"), flags(), at("2024-10-02T08:00:00Z"));
        }
        prestage(a);
        try (MailboxSeeder s = seeder(a)) {
            s.delete(INBOX, deleted);
        }

        TransferReport last = finalPass(a);

        assertThat(last.isComplete()).as(last.summary()).isTrue();
        assertThat(last.copied()).isZero();
        try (MailboxInspector neu = newBox(a)) {
            assertThat(subjects(neu, INBOX)).as("the toolkit never deletes on the target")
                    .containsExactlyInAnyOrder("reste", "supprime");
        }
        MailboxVerification v = verify(a);
        assertThat(v.isSuccess()).isTrue();
        assertThat(v.extra()).singleElement().satisfies(x -> {
            assertThat(x.key().uid()).isEqualTo(deleted);
            assertThat(x.reason()).contains("is no longer on the old server");
        });
    }

    @Test
    void aFlagTheUserChangedOnTheTargetIsKeptWhileTheOldServersChangesArrive() {
        BmaAddress a = newMailbox();
        long unread;
        long read;
        try (MailboxSeeder s = seeder(a)) {
            unread = s.append(INBOX, message("non lu", "u@x"), flags(), at("2024-10-01T08:00:00Z"));
            read = s.append(INBOX, message("lu", "l@x"), flags("\\Seen"), at("2024-10-02T08:00:00Z"));
        }
        prestage(a);
        try (MailboxInspector neu = newBox(a);
             MailboxSeeder target = newServer.seeder(a, password(a));
             MailboxSeeder source = seeder(a)) {
            // After mail 3 the user reads and flags on the new mailbox; the old server still changes too.
            long copyOfUnread = copyOf(neu, INBOX, unread).uid();
            target.setFlags(INBOX, copyOfUnread, flags("\\Seen", "\\Flagged"));
            long copyOfRead = copyOf(neu, INBOX, read).uid();
            target.setFlags(INBOX, copyOfRead, flags());
            source.setFlags(INBOX, unread, flags("\\Answered"));
            source.setFlags(INBOX, read, flags("\\Seen", "$Forwarded"));
        }

        TransferReport last = finalPass(a);

        assertThat(last.isComplete()).as(last.summary()).isTrue();
        try (MailboxInspector neu = newBox(a)) {
            assertThat(copyOf(neu, INBOX, unread).flags()).as("the user's \\Seen \\Flagged kept, the old server's"
                    + " \\Answered added (before: reset to \\Answered)").isEqualTo(flags("\\Seen", "\\Flagged", "\\Answered"));
            assertThat(copyOf(neu, INBOX, read).flags()).as("the user's unread kept, $Forwarded added")
                    .isEqualTo(flags("$Forwarded"));
        }
        MailboxVerification v = verify(a);
        assertThat(v.isSuccess()).as("the user's flags are no difference: " + v).isTrue();
        assertThat(finalPass(a).mailboxes().get(0).flagsUpdated()).as("a rerun changes nothing more").isZero();
    }

    @Test
    void aMessageTheUserDeletedOnTheTargetIsNotCopiedAgain() {
        BmaAddress a = newMailbox();
        long gone;
        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, message("garde", "k@x"), flags(), at("2024-10-01T08:00:00Z"));
            gone = s.append(INBOX, message("publicite", "ad@x"), flags(), at("2024-10-02T08:00:00Z"));
        }
        prestage(a);
        try (MailboxInspector neu = newBox(a);
             MailboxSeeder target = newServer.seeder(a, password(a))) {
            target.delete(INBOX, copyOf(neu, INBOX, gone).uid());
        }

        TransferReport last = finalPass(a);

        assertThat(last.isComplete()).as(last.summary()).isTrue();
        assertThat(last.copied()).as("before: copied again").isZero();
        assertThat(last.mailboxes().get(0).deletedOnTarget()).isEqualTo(1);
        assertThat(folder(last, INBOX).isAccountedFor()).isTrue();
        try (MailboxInspector neu = newBox(a)) {
            assertThat(subjects(neu, INBOX)).containsExactly("garde");
        }
        MailboxVerification v = verify(a);
        assertThat(v.isSuccess()).as(v.toString()).isTrue();
        assertThat(v.missing()).isEmpty();
        assertThat(v.deletedOnTarget()).singleElement().satisfies(p -> {
            assertThat(p.uid()).isEqualTo(gone);
            assertThat(p.reason()).contains("deleted (or moved away) on the target by the user");
        });
        try (MailboxInspector old = oldBox(a)) {
            assertThat(old.messages(INBOX)).as("the old server still has it").hasSize(2);
        }
    }

    @Test
    void aUidValidityResetThatAlsoChangedTheDatesDoesNotDuplicate() throws Exception {
        BmaAddress a = newMailbox();
        byte[] m1 = message("a1", "a1@x");
        byte[] m2 = message("a2", null);
        try (MailboxSeeder s = seeder(a)) {
            s.append(ARCHIVES, m1, flags("\\Seen"), at("2024-01-01T00:00:00Z"));
            s.append(ARCHIVES, m2, flags(), at("2024-01-02T00:00:00Z"));
        }
        assertThat(prestage(a).copied()).isEqualTo(2);
        long before = uidValidity(a, ARCHIVES);
        for (int round = 0; uidValidity(a, ARCHIVES) == before; round++) {
            if (round > 0) {
                // GreenMail's UIDVALIDITY is the folder's creation second: the server's clock, not ours.
                Thread.sleep(1100);
            }
            try (MailboxSeeder s = seeder(a)) {
                // The server rebuilt the folder: new UIDVALIDITY, and every INTERNALDATE is the rebuild's.
                s.deleteFolder(ARCHIVES);
                s.append(ARCHIVES, m2, flags(), at("2024-11-03T10:00:00Z"));
                s.append(ARCHIVES, m1, flags("\\Seen"), at("2024-11-03T10:00:01Z"));
            }
        }

        TransferReport last = finalPass(a);

        assertThat(last.isComplete()).as(last.summary()).isTrue();
        assertThat(last.copied()).as("before: both copied again (date + Message-ID no longer match)").isZero();
        try (MailboxInspector neu = newBox(a)) {
            assertThat(subjects(neu, ARCHIVES)).containsExactlyInAnyOrder("a1", "a2");
        }
        MailboxVerification v = verify(a);
        assertThat(v.isSuccess()).as(v.toString()).isTrue();
        assertThat(v.present()).isEqualTo(2);
        assertThat(v.extra()).isEmpty();
    }

    // --- helpers

    private static String password(BmaAddress mailbox) {
        return "pw;" + mailbox.localPart() + "!b";
    }

    private BmaAddress newMailbox() {
        BmaAddress a = BmaAddress.of(BmaKind.EC, NEXT.incrementAndGet());
        oldServer.createUser(a, password(a));
        newServer.createUser(a, password(a));
        return a;
    }

    private TransferSettings settings() {
        return settings(1);
    }

    private TransferSettings settings(int connections) {
        CredentialSource passwords = m -> new MailboxCredentials.Password(m.toString(), Secret.of(password(m)));
        return TransferSettings.builder()
                .imapSource(oldServer.imapEndpoint(), passwords, CLOCK)
                .imapTarget(newServer.imapEndpoint(), passwords, CLOCK)
                .folderMapper(FolderMapper.preserve())
                .parallelism(1)
                .connectionsPerMailbox(connections)
                .furtherConnectionsFrom(Duration.ZERO)
                .spoolDirectory(temp)
                .retries(3, Duration.ofMillis(10))
                .build();
    }

    private TransferReport prestage(BmaAddress a) {
        return prestage(a, 1);
    }

    private TransferReport prestage(BmaAddress a, int connections) {
        TransferReport r = new SyncEngine(settings(connections), ledger, CLOCK, TransferListener.NONE).run(List.of(a), Pass.PRESTAGE);
        assertThat(r.isComplete()).as(r.summary()).isTrue();
        return r;
    }

    private TransferReport finalPass(BmaAddress a) {
        return finalPass(a, 1);
    }

    private TransferReport finalPass(BmaAddress a, int connections) {
        return new SyncEngine(settings(connections), ledger, CLOCK, TransferListener.NONE).run(List.of(a), Pass.FINAL);
    }

    private TransferReport prestageOrFinalRerun(BmaAddress a) {
        TransferReport r = finalPass(a);
        assertThat(r.isComplete()).as(r.summary()).isTrue();
        return r;
    }

    private MailboxVerification verify(BmaAddress a) {
        return new Verifier(settings(), CLOCK, m -> MessageWaivers.waived(ledger, m), m -> SyncedFlags.load(ledger, m))
                .verifyOne(a);
    }

    private MailboxSeeder seeder(BmaAddress a) {
        return oldServer.seeder(a, password(a));
    }

    private MailboxInspector oldBox(BmaAddress a) {
        return oldServer.inspector(a, password(a));
    }

    private MailboxInspector newBox(BmaAddress a) {
        return newServer.inspector(a, password(a));
    }

    private long uidValidity(BmaAddress a, FolderPath folder) {
        try (MailboxSource source = be.cfwb.bma.transfer.imap.ImapSource.connector(oldServer.imapEndpoint(),
                m -> new MailboxCredentials.Password(m.toString(), Secret.of(password(m))), CLOCK).open(a)) {
            return source.list(folder, 0).uidValidity();
        }
    }

    private static byte[] message(String subject, String messageId) {
        TestMessage b = TestMessage.builder().subject(subject);
        return (messageId == null ? b : b.messageId(messageId)).build();
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    private static List<String> subjects(MailboxInspector box, FolderPath folder) {
        return box.messages(folder).stream().map(m -> subject(box, folder, m)).toList();
    }

    private static String subject(MailboxInspector box, FolderPath folder, StoredMessage m) {
        String raw = new String(box.raw(folder, m.uid()), java.nio.charset.StandardCharsets.UTF_8);
        for (String line : raw.split("\r?\n")) {
            if (line.startsWith("Subject: ")) {
                return line.substring("Subject: ".length());
            }
        }
        return "";
    }

    /** The copy (in {@code folder} on the target) of UID {@code uid} of {@code folder} on the old server. */
    private static StoredMessage copyOf(MailboxInspector neu, FolderPath folder, long uid) {
        return neu.messages(folder).stream()
                .filter(c -> SourceKey.parse(c.trace().orElseThrow()).orElseThrow().uid() == uid)
                .findFirst().orElseThrow();
    }

    private static FolderReport folder(TransferReport report, FolderPath source) {
        return report.mailboxes().get(0).folders().stream().filter(f -> f.source().equals(source)).findFirst()
                .orElseThrow();
    }
}
