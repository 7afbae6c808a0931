package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxInspector.StoredMessage;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only a real server shows: the legacy operators' master login (SASL PLAIN with an
 * authorization identity, which GreenMail lacks), servers with different hierarchy separators
 * on each side, and a Courier-style server whose folders all live under {@code INBOX.}.
 * Skipped where Dovecot is absent.
 */
@RequiresDovecot
class DovecotScenariosTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);
    private static final AtomicInteger NEXT = new AtomicInteger(500);
    private static final Instant DATE = Instant.parse("2024-10-01T08:15:30Z");

    @TempDir
    Path temp;

    @Test
    void theMasterLoginCopiesEveryMailboxWithoutTheirPasswords() throws Exception {
        try (DovecotFixture old = DovecotFixture.start(HierarchyStyle.DOT_INBOX_PREFIX);
             DovecotFixture neu = DovecotFixture.start(HierarchyStyle.SLASH);
             Ledger ledger = Ledger.open(temp.resolve("ledger"), CLOCK)) {
            List<BmaAddress> mailboxes = List.of(mailbox(old, neu), mailbox(old, neu), mailbox(old, neu));
            for (BmaAddress a : mailboxes) {
                try (MailboxSeeder s = old.seeder(a, password(a))) {
                    s.append(FolderPath.inbox(), message("Pour " + a), flags("\\Seen"), DATE);
                }
            }
            DovecotServer src = old.server();
            DovecotServer dst = neu.server();
            TransferSettings settings = TransferSettings.builder()
                    .imapSource(old.imapEndpoint(), CredentialSource.master(src.masterUser(),
                            Secret.of(src.masterPassword())), CLOCK)
                    .imapTarget(neu.imapEndpoint(), CredentialSource.master(dst.masterUser(),
                            Secret.of(dst.masterPassword())), CLOCK)
                    .folderMapper(FolderMapper.preserve())
                    .parallelism(3)
                    .spoolDirectory(temp)
                    .retries(1, Duration.ofMillis(10))
                    .build();

            TransferReport report = new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE)
                    .run(mailboxes, Pass.PRESTAGE);

            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).isEqualTo(3);
            for (BmaAddress a : mailboxes) {
                assertCopied(old, neu, a, FolderPath.inbox(), FolderPath.inbox());
            }
            String written = report.toJson() + report.toCsv() + report.summary()
                    + Files.readString(temp.resolve("ledger").resolve(Ledger.JOURNAL), StandardCharsets.UTF_8);
            assertThat(written).doesNotContain(src.masterPassword(), dst.masterPassword());
        }
    }

    @Test
    void aWrongMasterPasswordFailsEachMailboxWithAClearReason() {
        try (DovecotFixture old = DovecotFixture.start(HierarchyStyle.SLASH);
             DovecotFixture neu = DovecotFixture.start(HierarchyStyle.SLASH);
             Ledger ledger = Ledger.open(temp.resolve("ledger"), CLOCK)) {
            BmaAddress a = mailbox(old, neu);
            TransferSettings settings = TransferSettings.builder()
                    .imapSource(old.imapEndpoint(), CredentialSource.master(old.server().masterUser(),
                            Secret.of("not-the-master-password")), CLOCK)
                    .imapTarget(neu.imapEndpoint(), passwords(), CLOCK)
                    .folderMapper(FolderMapper.preserve())
                    .spoolDirectory(temp)
                    .retries(3, Duration.ofMillis(10))
                    .build();

            TransferReport report = new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE)
                    .run(List.of(a), Pass.PRESTAGE);

            assertThat(report.isComplete()).isFalse();
            assertThat(report.mailboxes().get(0).error()).get().asString()
                    .contains("refused", "check the credentials").doesNotContain("not-the-master-password");
            assertThat(report.retries()).as("a refused login is not retried").isZero();
        }
    }

    @Test
    void aSlashInADotServersFolderNameSurvivesAsALookAlikeOnASlashServer() {
        try (DovecotFixture old = DovecotFixture.start(HierarchyStyle.DOT);
             DovecotFixture neu = DovecotFixture.start(HierarchyStyle.SLASH);
             Ledger ledger = Ledger.open(temp.resolve("ledger"), CLOCK)) {
            BmaAddress a = mailbox(old, neu);
            FolderPath invoices = FolderPath.of("Factures 2023/2024");
            FolderPath nested = FolderPath.of("INBOX", "Projets", "Écoles 2024");
            try (MailboxSeeder s = old.seeder(a, password(a))) {
                s.append(invoices, message("Facture"), flags("\\Seen", "$Forwarded"), DATE);
                s.append(nested, message("Projet école"), flags("\\Draft"), DATE);
            }

            TransferReport report = run(old, neu, ledger, FolderMapper.preserve(), a);

            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertCopied(old, neu, a, invoices, FolderPath.of("Factures 2023\u22152024"));
            assertCopied(old, neu, a, nested, nested);
            assertThat(report.toJson()).contains("contains the target's separator");
        }
    }

    @Test
    void aDotInASlashServersFolderNameSurvivesAsALookAlikeOnADotServer() {
        try (DovecotFixture old = DovecotFixture.start(HierarchyStyle.SLASH);
             DovecotFixture neu = DovecotFixture.start(HierarchyStyle.DOT);
             Ledger ledger = Ledger.open(temp.resolve("ledger"), CLOCK)) {
            BmaAddress a = mailbox(old, neu);
            FolderPath version = FolderPath.of("Circulaires", "v1.2 définitive");
            try (MailboxSeeder s = old.seeder(a, password(a))) {
                s.append(version, message("Circulaire"), flags(), DATE);
            }

            TransferReport report = run(old, neu, ledger, FolderMapper.preserve(), a);

            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertCopied(old, neu, a, version, FolderPath.of("Circulaires", "v1\u20242 définitive"));
        }
    }

    @Test
    void aCourierStyleSourceHasEveryFolderUnderInboxAndItsSpecialFoldersMapToExchangeNames() {
        try (DovecotFixture old = DovecotFixture.start(HierarchyStyle.DOT_INBOX_PREFIX);
             DovecotFixture neu = DovecotFixture.start(HierarchyStyle.SLASH);
             Ledger ledger = Ledger.open(temp.resolve("ledger"), CLOCK)) {
            BmaAddress a = mailbox(old, neu);
            FolderPath sent = FolderPath.of("INBOX", "Éléments envoyés");
            FolderPath trash = FolderPath.of("INBOX", "Corbeille");
            FolderPath projects = FolderPath.of("INBOX", "Projets", "2024/2025");
            try (MailboxSeeder s = old.seeder(a, password(a))) {
                s.append(FolderPath.inbox(), message("Bienvenue"), flags(), DATE);
                s.append(sent, message("Envoyé"), flags("\\Seen"), DATE);
                s.append(trash, message("Supprimé"), flags("\\Seen"), DATE);
                s.append(projects, message("Projet"), flags("\\Flagged"), DATE);
            }

            TransferReport report = run(old, neu, ledger, FolderMapper.exchange(), a);

            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).isEqualTo(4);
            assertCopied(old, neu, a, FolderPath.inbox(), FolderPath.inbox());
            assertCopied(old, neu, a, sent, FolderPath.of("Sent Items"));
            assertCopied(old, neu, a, trash, FolderPath.of("Deleted Items"));
            // Ordinary folders go where the school saw them, at the top (the INBOX. prefix is the
            // server's namespace, not a folder); the '/' in a name becomes a look-alike on a '/' server.
            assertCopied(old, neu, a, projects, FolderPath.of("Projets", "2024\u22152025"));
        }
    }

    private TransferReport run(DovecotFixture old, DovecotFixture neu, Ledger ledger, FolderMapper mapper,
                               BmaAddress... mailboxes) {
        TransferSettings settings = TransferSettings.builder()
                .imapSource(old.imapEndpoint(), passwords(), CLOCK)
                .imapTarget(neu.imapEndpoint(), passwords(), CLOCK)
                .folderMapper(mapper)
                .parallelism(2)
                .spoolDirectory(temp)
                .retries(2, Duration.ofMillis(10))
                .build();
        return new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE).run(List.of(mailboxes), Pass.PRESTAGE);
    }

    private static BmaAddress mailbox(DovecotFixture old, DovecotFixture neu) {
        BmaAddress a = BmaAddress.of(BmaKind.EC, NEXT.incrementAndGet());
        old.createUser(a, password(a));
        neu.createUser(a, password(a));
        return a;
    }

    private static String password(BmaAddress a) {
        return "pw;" + a.localPart() + "!d";
    }

    private static CredentialSource passwords() {
        return mailbox -> new MailboxCredentials.Password(mailbox.toString(), Secret.of(password(mailbox)));
    }

    private static byte[] message(String subject) {
        return TestMessage.builder().subject(subject).build();
    }

    /** Each message of {@code from} (old) is once in {@code to} (new): trace key, flags, date, bytes. */
    private static void assertCopied(DovecotFixture oldServer, DovecotFixture newServer, BmaAddress a,
                                     FolderPath from, FolderPath to) {
        try (MailboxInspector old = oldServer.inspector(a, password(a));
             MailboxInspector neu = newServer.inspector(a, password(a))) {
            List<StoredMessage> sources = old.messages(from);
            Map<Long, StoredMessage> byUid = new HashMap<>();
            for (StoredMessage c : neu.messages(to)) {
                SourceKey key = SourceKey.parse(c.trace().orElseThrow()).orElseThrow();
                if (key.folder().equals(from)) {
                    assertThat(byUid.put(key.uid(), c)).as("UID %s copied once", key.uid()).isNull();
                }
            }
            assertThat(sources).as("messages in %s", from).isNotEmpty();
            assertThat(byUid.keySet()).as("copies of %s in %s", from, to)
                    .containsExactlyInAnyOrderElementsOf(sources.stream().map(StoredMessage::uid).toList());
            for (StoredMessage s : sources) {
                StoredMessage c = byUid.get(s.uid());
                assertThat(c.flags()).isEqualTo(s.flags());
                assertThat(c.internalDate()).isEqualTo(s.internalDate());
                String header = SourceKey.parse(c.trace().orElseThrow()).orElseThrow().headerLine();
                byte[] expected = TransferSuite.concat(header.getBytes(StandardCharsets.US_ASCII), old.raw(from, s.uid()));
                assertThat(neu.raw(to, c.uid())).isEqualTo(expected);
            }
        }
    }
}
