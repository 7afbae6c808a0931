package be.cfwb.bma.transfer;

import be.cfwb.bma.EventTypes;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transfer engine end to end against two IMAP servers (old and new) given by
 * {@link #startServer()}: GreenMail here ({@link GreenMailTransferTest}), Dovecot where
 * installed. Each test uses its own mailbox, so the servers are started once per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TransferSuite {

    protected static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);
    private static final AtomicInteger NEXT = new AtomicInteger(100);

    protected MailServerFixture oldServer;
    protected MailServerFixture newServer;
    @TempDir
    protected Path temp;
    protected Ledger ledger;

    /** Starts one server on loopback; called twice (old and new). */
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

    protected static String password(BmaAddress mailbox) {
        return "pw;" + mailbox.localPart() + "!x";
    }

    /** A fresh mailbox on both servers. */
    protected BmaAddress newMailbox() {
        BmaAddress a = BmaAddress.of(BmaKind.EC, NEXT.incrementAndGet());
        oldServer.createUser(a, password(a));
        newServer.createUser(a, password(a));
        return a;
    }

    protected static CredentialSource passwords() {
        return mailbox -> new MailboxCredentials.Password(mailbox.toString(), Secret.of(password(mailbox)));
    }

    protected TransferSettings.Builder settings(FolderMapper mapper) {
        return TransferSettings.builder()
                .imapSource(oldServer.imapEndpoint(), passwords(), CLOCK)
                .imapTarget(newServer.imapEndpoint(), passwords(), CLOCK)
                .folderMapper(mapper)
                .parallelism(4)
                .maxMessageSize(64L << 20)
                .memoryThreshold(64 * 1024)
                .spoolDirectory(temp)
                .retries(3, Duration.ofMillis(10));
    }

    protected TransferReport run(TransferSettings settings, Pass pass, BmaAddress... mailboxes) {
        return new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE).run(List.of(mailboxes), pass);
    }

    protected MailboxSeeder seeder(BmaAddress a) {
        return oldServer.seeder(a, password(a));
    }

    protected MailboxInspector oldBox(BmaAddress a) {
        return oldServer.inspector(a, password(a));
    }

    protected MailboxInspector newBox(BmaAddress a) {
        return newServer.inspector(a, password(a));
    }

    protected static Instant at(String iso) {
        return Instant.parse(iso);
    }

    static final FolderPath INBOX = FolderPath.inbox();
    static final FolderPath NESTED = FolderPath.of("INBOX", "Projets", "Écoles 2024");
    static final FolderPath SENT_FR = FolderPath.of("Éléments envoyés");
    static final FolderPath SLASHED = FolderPath.of("Factures 2023/2024");

    /**
     * A folder whose name holds the other hierarchy separator than the servers': {@link #SLASHED}
     * where they use {@code .}; servers that use {@code /} override it with a {@code .} in the name.
     */
    protected FolderPath slashed() {
        return SLASHED;
    }

    /** A mailbox with what users keep: nested and accented folders, flags, dates, no Message-ID, duplicates. */
    protected int seedTypical(BmaAddress a) {
        try (MailboxSeeder s = seeder(a)) {
            byte[] dup = TestMessage.builder().subject("Circulaire 9358").messageId("dup@cfwb.be").build();
            s.append(INBOX, dup, flags("\\Seen"), at("2024-09-30T10:00:00Z"));
            s.append(INBOX, dup, flags(), at("2024-09-30T10:00:00Z"));
            s.append(INBOX, TestMessage.builder().subject("Sans Message-ID").build(), flags("\\Flagged", "$Forwarded"),
                    at("2024-10-01T08:15:30Z"));
            s.append(INBOX, TestMessage.builder().subject("Réponse").messageId("r1@cfwb.be").build(),
                    flags("\\Seen", "\\Answered"), at("2023-01-02T03:04:05Z"));
            s.append(NESTED, TestMessage.builder().subject("Projet école").messageId("p1@cfwb.be").build(),
                    flags("\\Draft"), at("2022-06-30T23:59:59Z"));
            s.append(SENT_FR, TestMessage.builder().subject("Envoyé").messageId("s1@cfwb.be").build(),
                    flags("\\Seen"), at("2024-02-29T12:00:00Z"));
            s.append(slashed(), TestMessage.builder().subject("Facture").messageId("f1@cfwb.be").build(),
                    flags(), at("2024-03-01T00:00:00Z"));
        }
        return 7;
    }

    /** Every message of {@code from} on the old server is in {@code to} on the new one exactly once, bytes, flags, date. */
    protected void assertCopied(BmaAddress a, FolderPath from, FolderPath to) {
        try (MailboxInspector old = oldBox(a); MailboxInspector neu = newBox(a)) {
            List<StoredMessage> sources = old.messages(from);
            List<StoredMessage> copies = neu.messages(to);
            Map<Long, StoredMessage> byUid = new HashMap<>();
            for (StoredMessage c : copies) {
                assertThat(c.trace()).as("trace header on %s", c).isPresent();
                SourceKey key = SourceKey.parse(c.trace().get()).orElseThrow();
                if (key.folder().equals(from)) {
                    assertThat(byUid.put(key.uid(), c)).as("UID %s copied once", key.uid()).isNull();
                    assertThat(key.mailbox()).isEqualTo(a);
                }
            }
            assertThat(byUid).hasSameSizeAs(sources);
            for (StoredMessage s : sources) {
                StoredMessage c = byUid.get(s.uid());
                assertThat(c).as("copy of UID %s of %s", s.uid(), from).isNotNull();
                assertThat(c.flags()).isEqualTo(s.flags());
                assertThat(c.internalDate()).isEqualTo(s.internalDate());
                byte[] original = old.raw(from, s.uid());
                byte[] copy = neu.raw(to, c.uid());
                String header = SourceKey.parse(c.trace().get()).orElseThrow().headerLine();
                byte[] expected = concat(header.getBytes(StandardCharsets.US_ASCII), original);
                assertThat(copy).as("bytes of UID %s", s.uid()).isEqualTo(expected);
            }
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    protected List<StoredMessage> snapshot(BmaAddress a) {
        List<StoredMessage> all = new ArrayList<>();
        try (MailboxInspector old = oldBox(a)) {
            for (FolderPath f : old.folders()) {
                all.addAll(old.messages(f));
            }
        }
        return all;
    }

    @Test
    void copiesEverythingExactlyAndLeavesTheOldMailboxUnchanged() {
        BmaAddress a = newMailbox();
        int count = seedTypical(a);
        List<StoredMessage> before = snapshot(a);

        TransferReport report = run(settings(FolderMapper.preserve()).build(), Pass.PRESTAGE, a);

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(count);
        assertCopied(a, INBOX, INBOX);
        assertCopied(a, NESTED, NESTED);
        assertCopied(a, SENT_FR, SENT_FR);
        assertCopied(a, slashed(), slashed());
        try (MailboxInspector neu = newBox(a)) {
            assertThat(neu.folders()).contains(FolderPath.of("INBOX", "Projets"), NESTED, SENT_FR, slashed());
        }
        assertThat(snapshot(a)).as("old mailbox unchanged (no \\Seen set, nothing added)").isEqualTo(before);
        assertThat(ledger.events(e -> e.type().equals(EventTypes.TRANSFER_PASS_DONE)))
                .extracting(e -> e.get("pass").orElseThrow() + "/" + e.get("complete").orElseThrow())
                .containsExactly("prestage/true");
    }

    @Test
    void rerunCopiesNothing() {
        BmaAddress a = newMailbox();
        int count = seedTypical(a);
        TransferSettings settings = settings(FolderMapper.preserve()).build();
        run(settings, Pass.PRESTAGE, a);

        TransferReport again = run(settings, Pass.FINAL, a);

        assertThat(again.isComplete()).as(again.summary()).isTrue();
        assertThat(again.copied()).isZero();
        assertThat(again.alreadyPresent()).isEqualTo(count);
        assertCopied(a, INBOX, INBOX);
    }

    @Test
    void crashMidFolderThenRerunGivesTheExactResult() {
        BmaAddress a = newMailbox();
        try (MailboxSeeder s = seeder(a)) {
            for (int i = 0; i < 12; i++) {
                s.append(INBOX, TestMessage.builder().subject("m" + i).messageId("m" + i + "@x").build(), flags(),
                        at("2024-10-01T00:00:00Z").plusSeconds(i));
            }
        }
        TransferSettings settings = settings(FolderMapper.preserve()).build();
        // The process "dies" right after the 5th APPEND reached the server, before any bookkeeping.
        TransferSettings crashing = settings.withConnectors(settings.source(),
                mailbox -> new CrashingTarget(settings.target().open(mailbox), 5));

        TransferReport first = run(crashing, Pass.PRESTAGE, a);
        assertThat(first.isComplete()).isFalse();
        assertThat(first.mailboxes().get(0).error()).get().asString().contains("simulated crash");
        try (MailboxInspector neu = newBox(a)) {
            assertThat(neu.messages(INBOX)).hasSize(5);
        }

        TransferReport second = run(settings, Pass.PRESTAGE, a);

        assertThat(second.isComplete()).as(second.summary()).isTrue();
        assertThat(second.copied()).isEqualTo(7);
        assertThat(second.alreadyPresent()).isEqualTo(5);
        assertCopied(a, INBOX, INBOX);
    }

    @Test
    void throttlingAndDroppedConnectionsAreRetriedWithoutDuplicates() {
        BmaAddress a = newMailbox();
        try (MailboxSeeder s = seeder(a)) {
            for (int i = 0; i < 9; i++) {
                s.append(i % 2 == 0 ? INBOX : NESTED, TestMessage.builder().subject("m" + i).build(), flags(),
                        at("2024-10-01T00:00:00Z").plusSeconds(i));
            }
        }
        TransferSettings settings = settings(FolderMapper.preserve()).build();
        AtomicInteger appends = new AtomicInteger();
        AtomicInteger waits = new AtomicInteger();
        TransferSettings flaky = settings.withConnectors(settings.source(), mailbox -> new FlakyTarget(
                settings.target().open(mailbox), appends, 3, appends.get() < 5
                        ? FlakyTarget.Fault.THROTTLED_BEFORE : FlakyTarget.Fault.DROPPED_AFTER));
        TransferListener listener = new TransferListener() {
            @Override
            public void retrying(BmaAddress mailbox, String reason, int attempt, Duration wait) {
                waits.incrementAndGet();
            }
        };

        TransferReport report = new SyncEngine(flaky, ledger, CLOCK, listener).run(List.of(a), Pass.PRESTAGE);

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.retries()).isPositive().isEqualTo(waits.get());
        assertCopied(a, INBOX, INBOX);
        assertCopied(a, NESTED, NESTED);
        try (MailboxInspector neu = newBox(a)) {
            assertThat(neu.messages(INBOX).size() + neu.messages(NESTED).size()).isEqualTo(9);
        }
    }

    @Test
    void aMessageThatAlwaysFailsIsGivenUpAndReportedWhileTheOthersArrive() {
        BmaAddress a = newMailbox();
        try (MailboxSeeder s = seeder(a)) {
            for (int i = 0; i < 5; i++) {
                s.append(INBOX, TestMessage.builder().subject("m" + i).build(), flags(), at("2024-10-01T00:00:00Z").plusSeconds(i));
            }
        }
        TransferSettings settings = settings(FolderMapper.preserve()).build();
        TransferSettings poisoned = settings.withConnectors(settings.source(), mailbox -> new FlakyTarget(
                settings.target().open(mailbox), new AtomicInteger(), 1, FlakyTarget.Fault.THROTTLED_BEFORE) {
            @Override
            public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
                if (message.key().uid() == 3) {
                    throw TransferException.retryable("Connection reset while sending UID 3", null);
                }
                return delegate().append(folder, message);
            }
        });

        TransferReport report = run(poisoned, Pass.PRESTAGE, a);

        assertThat(report.isComplete()).isFalse();
        assertThat(report.isAccountedFor()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(4);
        assertThat(report.mailboxes().get(0).failed()).singleElement().satisfies(p -> {
            assertThat(p.uid()).isEqualTo(3);
            assertThat(p.reason()).contains("failed 3 times").contains("Connection reset");
        });
    }

    @Test
    void preStageRerunFindsNewMailInNestedAccentedAndSlashedFolders() {
        BmaAddress a = newMailbox();
        int count = seedTypical(a);
        TransferSettings settings = settings(FolderMapper.preserve()).build();
        assertThat(run(settings, Pass.PRESTAGE, a).copied()).isEqualTo(count);
        assertThat(run(settings, Pass.PRESTAGE, a).found()).as("nothing new anywhere").isZero();
        try (MailboxSeeder s = seeder(a)) {
            s.append(NESTED, TestMessage.builder().subject("nouveau projet").messageId("p2@cfwb.be").build(), flags(),
                    at("2024-11-02T00:00:00Z"));
            s.append(slashed(), TestMessage.builder().subject("nouvelle facture").build(), flags("\\Seen"),
                    at("2024-11-02T00:00:01Z"));
        }

        // One STATUS per folder tells which folders have new mail: exactly those two are listed.
        TransferReport again = run(settings, Pass.PRESTAGE, a);

        assertThat(again.isComplete()).as(again.summary()).isTrue();
        assertThat(again.found()).as(again.summary()).isEqualTo(2);
        assertThat(again.copied()).isEqualTo(2);
        assertCopied(a, NESTED, NESTED);
        assertCopied(a, slashed(), slashed());
        assertCopied(a, INBOX, INBOX);
    }

    @Test
    void deltaPassCopiesNewMailAndSyncsFlags() {
        BmaAddress a = newMailbox();
        long uid;
        try (MailboxSeeder s = seeder(a)) {
            uid = s.append(INBOX, TestMessage.builder().subject("old").messageId("old@x").build(), flags(),
                    at("2024-10-01T00:00:00Z"));
        }
        TransferSettings settings = settings(FolderMapper.preserve()).build();
        assertThat(run(settings, Pass.PRESTAGE, a).copied()).isEqualTo(1);
        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, TestMessage.builder().subject("mail 4").messageId("m4@x").build(), flags(),
                    at("2024-11-03T00:00:00Z"));
            s.setFlags(INBOX, uid, flags("\\Seen", "\\Answered", "$Forwarded"));
        }

        TransferReport prestageAgain = run(settings, Pass.PRESTAGE, a);
        assertThat(prestageAgain.found()).as("a pre-stage rerun lists only what is new").isEqualTo(1);
        assertThat(prestageAgain.copied()).isEqualTo(1);

        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, TestMessage.builder().subject("after cutover").build(), flags(), at("2024-11-04T07:00:00Z"));
        }
        TransferReport delta = run(settings, Pass.FINAL, a);

        assertThat(delta.isComplete()).as(delta.summary()).isTrue();
        assertThat(delta.copied()).isEqualTo(1);
        assertThat(delta.mailboxes().get(0).flagsUpdated()).isEqualTo(1);
        assertCopied(a, INBOX, INBOX);
        List<LedgerEvent> passes = ledger.events(e -> e.type().equals(EventTypes.TRANSFER_PASS_DONE));
        assertThat(passes).extracting(e -> e.get("pass").orElseThrow()).containsExactly("prestage", "prestage", "final");
    }

    @Test
    void uidValidityResetDoesNotDuplicate() throws Exception {
        BmaAddress a = newMailbox();
        FolderPath folder = FolderPath.of("Archives");
        byte[] m1 = TestMessage.builder().subject("a1").messageId("a1@x").build();
        byte[] m2 = TestMessage.builder().subject("a2").build();
        try (MailboxSeeder s = seeder(a)) {
            s.append(folder, m1, flags("\\Seen"), at("2024-01-01T00:00:00Z"));
            s.append(folder, m2, flags(), at("2024-01-02T00:00:00Z"));
            s.append(folder, m2, flags(), at("2024-01-02T00:00:00Z"));
        }
        TransferSettings settings = settings(FolderMapper.preserve()).build();
        assertThat(run(settings, Pass.PRESTAGE, a).copied()).isEqualTo(3);
        long before = uidValidity(a, folder);
        int round = 0;
        do {
            try (MailboxSeeder s = seeder(a)) {
                // the server renumbers: same messages, new UIDVALIDITY, UIDs from 1 again, plus a new one
                s.renameFolder(folder, FolderPath.of("Old" + round++));
                Thread.sleep(1100); // GreenMail's UIDVALIDITY is the creation second
                s.append(folder, m2, flags(), at("2024-01-02T00:00:00Z"));
                s.append(folder, m1, flags("\\Seen"), at("2024-01-01T00:00:00Z"));
                s.append(folder, m2, flags(), at("2024-01-02T00:00:00Z"));
                s.append(folder, TestMessage.builder().subject("new").build(), flags(), at("2024-11-01T00:00:00Z"));
            }
        } while (uidValidity(a, folder) == before);

        TransferReport report = run(settings, Pass.PRESTAGE, a);

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        FolderReport archives = report.mailboxes().get(0).folders().stream()
                .filter(f -> f.source().equals(folder)).findFirst().orElseThrow();
        assertThat(archives.copied()).as(report.summary()).isEqualTo(1);
        assertThat(archives.alreadyPresent()).isEqualTo(3);
        assertThat(archives.notes()).anySatisfy(n -> assertThat(n).contains("UIDVALIDITY changed"));
        try (MailboxInspector neu = newBox(a)) {
            assertThat(neu.messages(folder)).hasSize(4);
        }
    }

    private long uidValidity(BmaAddress a, FolderPath folder) {
        try (MailboxSource source = ImapSourceAccess.open(oldServer, a)) {
            return source.list(folder, 0).uidValidity();
        }
    }

    @Test
    void thirtyMegabyteAttachmentStreamsThroughUnchanged() throws Exception {
        BmaAddress a = newMailbox();
        byte[] big = TestMessage.builder().subject("Annexe lourde").messageId("big@x").attachment(30 << 20, 42).build();
        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, big, flags("\\Seen"), at("2024-10-15T09:30:00Z"));
        }
        String expected;
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(new SourceKey(a, INBOX, uidValidity(a, INBOX), 1).headerLine().getBytes(StandardCharsets.US_ASCII));
            expected = java.util.HexFormat.of().formatHex(md.digest(big));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        big = null;

        TransferReport report = run(settings(FolderMapper.preserve()).build(), Pass.PRESTAGE, a);

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copiedBytes()).isGreaterThan(40L << 20);
        try (MailboxInspector neu = newBox(a)) {
            StoredMessage copy = neu.messages(INBOX).get(0);
            assertThat(neu.sha256(INBOX, copy.uid())).isEqualTo(expected);
            assertThat(copy.flags()).isEqualTo(flags("\\Seen"));
        }
        try (java.util.stream.Stream<java.nio.file.Path> spool = java.nio.file.Files.walk(temp)) {
            assertThat(spool.filter(p -> p.getFileName().toString().endsWith(".eml"))).as("spool files removed").isEmpty();
        }
    }

    @Test
    void aMessageDeletedBetweenListingAndABatchedReadIsReportedGoneAndTheOthersArrive() {
        BmaAddress a = newMailbox();
        try (MailboxSeeder s = seeder(a)) {
            for (int i = 0; i < 6; i++) {
                s.append(INBOX, TestMessage.builder().subject("m" + i).messageId("v" + i + "@x").attachment(20_000, i)
                        .build(), flags(), at("2024-10-01T00:00:00Z").plusSeconds(i));
            }
        }
        TransferSettings plain = settings(FolderMapper.preserve()).build();
        java.util.Set<Long> read = RecordingSource.newRecord();
        // The user deletes UID 3 after the listing, before the one UID FETCH that asks for all six.
        TransferSettings vanishing = plain.withConnectors(RecordingSource.recording(plain.source(), read, () -> {
            try (MailboxSeeder s = seeder(a)) {
                s.delete(INBOX, 3);
            }
        }), plain.target());

        TransferReport report = run(vanishing, Pass.PRESTAGE, a);

        assertThat(read).as("asked for in one batch").contains(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(report.isAccountedFor()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(5);
        assertThat(report.mailboxes().get(0).failed()).singleElement().satisfies(p -> {
            assertThat(p.uid()).isEqualTo(3);
            assertThat(p.reason()).contains("gone from the source");
        });
        assertCopied(a, INBOX, INBOX);
    }

    @Test
    void smallMessagesInBatchesAndLargeOnesInBlocksArriveByteForByte() {
        BmaAddress a = newMailbox();
        // Around the batch limit (1 MiB) and the block size (256 KiB): exact multiples, one byte either side.
        int[] attachments = {2_000, 700_000, 3 << 20, 30_000, (1 << 20) + 1, 5_000, 1 << 20, 10_000, (2 << 20) - 100};
        try (MailboxSeeder s = seeder(a)) {
            for (int i = 0; i < attachments.length; i++) {
                s.append(INBOX, TestMessage.builder().subject("mix" + i).messageId("mix" + i + "@x")
                        .attachment(attachments[i], i).build(), flags(i % 2 == 0 ? "\\Seen" : "\\Flagged"),
                        at("2024-10-01T00:00:00Z").plusSeconds(i));
            }
        }

        TransferReport report = run(settings(FolderMapper.preserve()).build(), Pass.PRESTAGE, a);

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(attachments.length);
        assertCopied(a, INBOX, INBOX);
    }

    @Test
    void oneThreadReadsAheadForEveryFolderOfAConnection() {
        BmaAddress a = newMailbox();
        List<FolderPath> folders = List.of(INBOX, FolderPath.of("Archives"), FolderPath.of("Projets"));
        try (MailboxSeeder s = seeder(a)) {
            for (FolderPath f : folders) {
                for (int i = 0; i < 3; i++) {
                    s.append(f, TestMessage.builder().subject(f + " " + i).attachment(2_000, i).build(), flags(),
                            at("2024-10-01T00:00:00Z"));
                }
            }
        }
        TransferSettings plain = settings(FolderMapper.preserve()).parallelism(1).connectionsPerMailbox(1).build();
        java.util.Set<Thread> readers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        TransferReport report = run(plain.withConnectors(RecordingSource.readers(plain.source(), readers), plain.target()),
                Pass.PRESTAGE, a);

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(9);
        // A thread started per folder began its socket reads without the thread's cached buffers.
        assertThat(readers).as("threads that read the three folders' messages ahead").hasSize(1);
        for (FolderPath f : folders) {
            assertCopied(a, f, f);
        }
    }

    @Test
    void oversizeMessageIsReportedNotLost() {
        BmaAddress a = newMailbox();
        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, TestMessage.builder().subject("small").build(), flags(), at("2024-10-01T00:00:00Z"));
            s.append(INBOX, TestMessage.builder().subject("big").attachment(200_000, 7).build(), flags(),
                    at("2024-10-02T00:00:00Z"));
        }
        TransferSettings plain = settings(FolderMapper.preserve()).maxMessageSize(100_000).build();
        java.util.Set<Long> read = RecordingSource.newRecord();
        TransferReport report = run(plain.withConnectors(RecordingSource.recording(plain.source(), read), plain.target()),
                Pass.PRESTAGE, a);

        assertThat(report.isComplete()).isFalse();
        assertThat(report.isAccountedFor()).isTrue();
        assertThat(report.copied()).isEqualTo(1);
        assertThat(report.mailboxes().get(0).skipped()).singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("too large", "not downloaded"));
        assertThat(report.toJson()).contains("too large");
        assertThat(read).as("the big message is refused by the size the old server announces, never downloaded")
                .containsExactly(1L);

        // A rerun reports it again, still without reading it.
        read.clear();
        TransferReport rerun = run(plain.withConnectors(RecordingSource.recording(plain.source(), read), plain.target()),
                Pass.PRESTAGE, a);
        assertThat(rerun.mailboxes().get(0).skipped()).singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("too large"));
        assertThat(read).isEmpty();
    }

    @Test
    void exchangeMappingSendsSpecialFoldersToWellKnownOnes() {
        BmaAddress a = newMailbox();
        try (MailboxSeeder s = seeder(a)) {
            s.append(FolderPath.of("Envoyés"), TestMessage.builder().subject("e").build(), flags(), at("2024-01-01T00:00:00Z"));
            s.append(FolderPath.of("Corbeille"), TestMessage.builder().subject("c").build(), flags(), at("2024-01-01T00:00:00Z"));
            s.append(FolderPath.of("INBOX", "Brouillons"), TestMessage.builder().subject("b").build(), flags(),
                    at("2024-01-01T00:00:00Z"));
            s.append(FolderPath.of("Courrier indésirable"), TestMessage.builder().subject("j").build(), flags(),
                    at("2024-01-01T00:00:00Z"));
            s.append(FolderPath.of("Files"), TestMessage.builder().subject("f").build(), flags(), at("2024-01-01T00:00:00Z"));
            s.append(FolderPath.of("Envoyés", "2019"), TestMessage.builder().subject("e19").build(), flags(),
                    at("2019-01-01T00:00:00Z"));
        }
        try (MailboxSeeder t = newServer.seeder(a, password(a))) {
            t.folder(FolderPath.of("Éléments supprimés")); // an Exchange mailbox set to French
        }

        TransferReport report = run(settings(FolderMapper.exchange()).build(), Pass.PRESTAGE, a);

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertCopied(a, FolderPath.of("Envoyés"), FolderPath.of("Sent Items"));
        assertCopied(a, FolderPath.of("Envoyés", "2019"), FolderPath.of("Sent Items", "2019"));
        assertCopied(a, FolderPath.of("Corbeille"), FolderPath.of("Éléments supprimés"));
        assertCopied(a, FolderPath.of("INBOX", "Brouillons"), FolderPath.of("Drafts"));
        assertCopied(a, FolderPath.of("Courrier indésirable"), FolderPath.of("Junk Email"));
        assertCopied(a, FolderPath.of("Files"), FolderPath.of("Files (migrated)"));
        assertThat(report.toJson()).contains("reserved by Exchange");
    }

    @Test
    void verifierFindsEverythingThenAMissingMessage() {
        BmaAddress a = newMailbox();
        seedTypical(a);
        TransferSettings settings = settings(FolderMapper.preserve()).build();
        run(settings, Pass.PRESTAGE, a);

        VerifyReport ok = new Verifier(settings, CLOCK).verify(List.of(a));
        assertThat(ok.isSuccess()).as(ok.toJson()).isTrue();
        assertThat(ok.mailboxes().get(0).present()).isEqualTo(7);

        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, TestMessage.builder().subject("late").build(), flags(), at("2024-11-04T00:00:00Z"));
        }
        VerifyReport missing = new Verifier(settings, CLOCK).verify(List.of(a));
        assertThat(missing.isSuccess()).isFalse();
        assertThat(missing.mailboxes().get(0).missing()).hasSize(1);
    }

    @Test
    void verifierReportsExtraCopiesPerFolderWithoutFailing() {
        BmaAddress a = newMailbox();
        FolderPath archives = FolderPath.of("Archives");
        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, TestMessage.builder().subject("reste").messageId("r@x").build(), flags(), at("2024-10-01T08:00:00Z"));
            s.append(archives, TestMessage.builder().subject("archivé").messageId("a@x").build(), flags("\\Seen"),
                    at("2024-10-02T08:00:00Z"));
        }
        TransferSettings settings = settings(FolderMapper.preserve()).build();
        run(settings, Pass.PRESTAGE, a);
        long uidValidity = uidValidity(a, INBOX);
        // On the target: a message deleted on the old server after its copy (its key names a UID the
        // old server no longer has), copied twice; and a second copy of the archived one in INBOX.
        SourceKey gone = new SourceKey(a, INBOX, uidValidity, 999);
        byte[] goneCopy = concat(gone.headerLine().getBytes(StandardCharsets.US_ASCII),
                TestMessage.builder().subject("supprimé sur l'ancien serveur").messageId("gone@x").build());
        try (MailboxInspector neu = newBox(a);
             MailboxSeeder target = newServer.seeder(a, password(a))) {
            byte[] archived = neu.raw(archives, neu.messages(archives).get(0).uid());
            target.append(INBOX, goneCopy, flags(), at("2024-09-01T08:00:00Z"));
            target.append(INBOX, goneCopy, flags(), at("2024-09-01T08:00:00Z"));
            target.append(INBOX, archived, flags("\\Seen"), at("2024-10-02T08:00:00Z"));
        }

        VerifyReport report = new Verifier(settings, CLOCK).verify(List.of(a));

        MailboxVerification v = report.mailboxes().get(0);
        assertThat(v.present()).isEqualTo(2);
        assertThat(v.missing()).isEmpty();
        assertThat(v.duplicated()).isEmpty();
        assertThat(v.isSuccess()).as("nothing is lost: extras are reported, not a failure").isTrue();
        assertThat(v.extraCopies()).isEqualTo(3);
        assertThat(v.extra()).extracting(ExtraCopy::targetFolder).containsOnly("[Inbox]");
        assertThat(v.extra()).anySatisfy(x -> {
            assertThat(x.key()).isEqualTo(gone);
            assertThat(x.copies()).isEqualTo(2);
            assertThat(x.reason()).isEqualTo("2 copies in [Inbox]: UID 999 of INBOX is no longer on the old server"
                    + " (deleted or moved there after the copy?)");
        });
        assertThat(v.extra()).anySatisfy(x -> {
            assertThat(x.key().folder()).isEqualTo(archives);
            assertThat(x.copies()).isEqualTo(1);
            assertThat(x.reason()).startsWith("in [Inbox]: another copy of UID 1 of Archives, which the old server still has");
        });
        assertThat(report.summary()).contains("3 extra on the target", "    [Inbox]: 3 extra copies");
        assertThat(report.toJson()).contains("\"extra\"", "\"targetFolder\" : \"[Inbox]\"", "\"copies\" : 2");
    }

    @Test
    void bmaMigratesVerifiesAndRecordsTheSteps() throws Exception {
        BmaAddress a = newMailbox();
        BmaAddress b = newMailbox();
        seedTypical(a);
        seedTypical(b);
        Path output = temp.resolve("out");
        ledger.close(); // Bma opens the ledger itself for each verb
        try {
            be.cfwb.bma.Bma bma = be.cfwb.bma.Bma.configure()
                    .inventory(be.cfwb.bma.address.Inventory.of(List.of(be.cfwb.bma.address.Mailbox.of(a, "École A"),
                            be.cfwb.bma.address.Mailbox.of(b, "École B"))))
                    .ledgerDirectory(temp.resolve("ledger"))
                    .outputDirectory(output)
                    .clock(CLOCK)
                    .transfer(settings(FolderMapper.preserve()).build())
                    .load();
            be.cfwb.bma.address.MailboxSelection both = be.cfwb.bma.address.MailboxSelection.all();

            be.cfwb.bma.MigrateResult dry = bma.migrate(both, Pass.PRESTAGE, true, TransferListener.NONE);
            assertThat(dry.isSuccess()).isTrue();
            assertThat(dry.report().copied()).as("would copy").isEqualTo(14);
            try (MailboxInspector neu = newBox(a)) {
                assertThat(neu.messages(INBOX)).as("a dry run writes nothing").isEmpty();
            }

            be.cfwb.bma.MigrateResult result = bma.migrate(both, Pass.PRESTAGE);
            assertThat(result.isSuccess()).as(result.report().summary()).isTrue();
            assertThat(result.file()).isEqualTo(output.resolve("migrate-report.json")).exists();
            assertThat(output.resolve("migrate-report.csv")).exists();
            String json = java.nio.file.Files.readString(result.file());
            assertThat(json).contains("\"copied\" : 14").doesNotContain(password(a));
            assertThat(java.nio.file.Files.readAllLines(output.resolve("migrate-report.csv")).get(0))
                    .isEqualTo(String.join(";", TransferReport.CSV_HEADER));

            be.cfwb.bma.VerifyResult verified = bma.verify(both);
            assertThat(verified.isSuccess()).as(verified.report().summary()).isTrue();
            assertThat(output.resolve("verify-report.json")).exists();
            be.cfwb.bma.StatusResult status = bma.status(both);
            assertThat(status.mailboxes()).extracting(be.cfwb.bma.MailboxStatus::step)
                    .containsOnly(be.cfwb.bma.MailboxStep.VERIFIED);
        } finally {
            ledger = Ledger.open(temp.resolve("ledger"), CLOCK);
        }
    }

    @Test
    void theLargestMailboxesStartFirstAndTheReportKeepsTheOrderGiven() {
        BmaAddress small = newMailbox();
        BmaAddress unknown = newMailbox();
        BmaAddress large = newMailbox();
        BmaAddress middle = newMailbox();
        List<BmaAddress> given = List.of(small, unknown, large, middle);
        given.forEach(this::seedOne);
        Map<BmaAddress, Long> sizes = Map.of(small, 20_000L, large, 9_000_000L, middle, 400_000L);
        List<BmaAddress> started = java.util.Collections.synchronizedList(new ArrayList<>());

        TransferReport report = new SyncEngine(settings(FolderMapper.preserve()).parallelism(1).build(), ledger, CLOCK,
                startsInto(started)).run(given, Pass.PRESTAGE, false, a -> sizes.getOrDefault(a, 0L));

        assertThat(started).as("started largest first, the unknown size last").containsExactly(large, middle, small, unknown);
        assertThat(report.mailboxes()).extracting(MailboxReport::mailbox).containsExactlyElementsOf(given);
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(4);
    }

    @Test
    void bmaStartsTheMailboxTheSurveyFoundLargestFirst() {
        BmaAddress a = newMailbox();
        BmaAddress b = newMailbox();
        BmaAddress c = newMailbox();
        List.of(a, b, c).forEach(this::seedOne);
        // What each survey found on the old server (bma:run surveys each mailbox once, after mail 1).
        ledger.append(be.cfwb.bma.ledger.LedgerEntry.of(new be.cfwb.bma.ledger.Event.MailboxSurveyed(
                java.util.Optional.empty(), 1, 30_000, 0)).mailbox(a));
        ledger.append(be.cfwb.bma.ledger.LedgerEntry.of(new be.cfwb.bma.ledger.Event.MailboxSurveyed(
                java.util.Optional.empty(), 1, 7_000_000, 0)).mailbox(c));
        ledger.append(be.cfwb.bma.ledger.LedgerEntry.of(new be.cfwb.bma.ledger.Event.MailboxSurveyed(
                java.util.Optional.empty(), 1, 900_000, 0)).mailbox(b));
        ledger.close(); // Bma opens the ledger itself
        List<BmaAddress> started = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            be.cfwb.bma.Bma bma = be.cfwb.bma.Bma.configure()
                    .inventory(be.cfwb.bma.address.Inventory.of(List.of(be.cfwb.bma.address.Mailbox.of(a, "École A"),
                            be.cfwb.bma.address.Mailbox.of(b, "École B"), be.cfwb.bma.address.Mailbox.of(c, "École C"))))
                    .ledgerDirectory(temp.resolve("ledger"))
                    .outputDirectory(temp.resolve("out"))
                    .clock(CLOCK)
                    .transfer(settings(FolderMapper.preserve()).parallelism(1).build())
                    .load();

            be.cfwb.bma.MigrateResult result = bma.migrate(be.cfwb.bma.address.MailboxSelection.all(), Pass.PRESTAGE,
                    false, startsInto(started));

            assertThat(started).containsExactly(c, b, a);
            assertThat(result.report().mailboxes()).extracting(MailboxReport::mailbox).containsExactly(a, b, c);
            assertThat(result.isSuccess()).as(result.report().summary()).isTrue();
        } finally {
            ledger = Ledger.open(temp.resolve("ledger"), CLOCK);
        }
    }

    private static TransferListener startsInto(List<BmaAddress> started) {
        return new TransferListener() {
            @Override
            public void mailboxStarted(BmaAddress mailbox, Pass pass) {
                started.add(mailbox);
            }
        };
    }

    private void seedOne(BmaAddress a) {
        try (MailboxSeeder s = seeder(a)) {
            s.append(INBOX, TestMessage.builder().subject("Un message de " + a.localPart()).messageId(a.localPart() + "@lf")
                    .build(), flags("\\Seen"), at("2024-10-01T08:00:00Z"));
        }
    }

    @Test
    void oneMailboxFailingDoesNotStopTheOthers() {
        BmaAddress good = newMailbox();
        BmaAddress bad = BmaAddress.of(BmaKind.PO, NEXT.incrementAndGet()); // no such user anywhere
        seedTypical(good);

        TransferReport report = run(settings(FolderMapper.preserve()).build(), Pass.PRESTAGE, good, bad);

        assertThat(report.mailboxes()).hasSize(2);
        assertThat(report.mailboxes().get(0).isComplete()).isTrue();
        assertThat(report.mailboxes().get(1).error()).isPresent();
        assertThat(report.mailboxes().get(1).error().get()).doesNotContain(password(bad));
        assertThat(report.isComplete()).isFalse();
    }
}
