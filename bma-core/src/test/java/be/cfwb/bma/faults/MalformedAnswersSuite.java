package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.faults.MalformingImapProxy.Fault;
import be.cfwb.bma.faults.MalformingImapProxy.Rule;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxInspector.StoredMessage;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine migrating through a {@link MalformingImapProxy} that makes the OLD server or the
 * TARGET answer badly: a garbled FETCH line, a literal cut short, an untagged
 * BYE in the middle of a FETCH, a NO without a response code. Each failure stays with its
 * message, is reported with the server's words, and never becomes a duplicate, a truncated
 * copy or a message silently left behind: once the server behaves, a rerun completes and the
 * Verifier finds every message exactly once, byte for byte.
 */
@Timeout(90)
abstract class MalformedAnswersSuite extends TwoServerTestBase<MailServerFixture, MailServerFixture> {

    private static final FolderPath INBOX = FolderPath.inbox();
    private static final FolderPath ARCHIVES = FolderPath.of("Archives");
    private static final int COUNT = 5;
    /** Message #3 of INBOX (UID 3 on a fresh GreenMail folder) is the one the servers garble. */
    private static final String THIRD = "^\\* 3 FETCH";

    private MalformingImapProxy toOld;
    private MalformingImapProxy toNew;

    @BeforeEach
    void startProxies() throws Exception {
        toOld = MalformingImapProxy.to(port(oldServer));
        toNew = MalformingImapProxy.to(port(newServer));
    }

    private static int port(MailServerFixture server) {
        return java.net.URI.create(server.imapEndpoint().toString()).getPort();
    }

    @AfterEach
    void stopProxies() {
        toOld.close();
        toNew.close();
    }

    /** Five messages of about 27 kB in INBOX, one in Archives. */
    private BmaAddress seeded() {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i <= COUNT; i++) {
                s.append(i < COUNT ? INBOX : ARCHIVES, TestMessage.builder().subject("Circulaire " + i)
                                .messageId("m" + i + "@cfwb.be").attachment(20_000, i).build(),
                        i % 2 == 0 ? flags("\\Seen") : flags("\\Flagged"), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        return a;
    }

    private TransferSettings throughProxies() {
        return FaultHarness.settings(endpoint(toOld), endpoint(toNew), temp).build();
    }

    private static ImapEndpoint endpoint(MalformingImapProxy proxy) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "malforming proxy");
    }

    private TransferReport run(Pass pass, BmaAddress a) {
        return FaultHarness.run(throughProxies(), ledger, pass, a);
    }

    private static FolderReport folder(TransferReport report, FolderPath path) {
        return report.mailboxes().get(0).folders().stream().filter(f -> f.source().equals(path)).findFirst().orElseThrow();
    }

    /** Each message of {@code path} on the target at most once: no duplicate, whatever happened. */
    private void assertNoDuplicate(BmaAddress a, FolderPath path) {
        try (MailboxInspector neu = h.newBox(a)) {
            Map<Long, Long> perUid = neu.messages(path).stream().map(StoredMessage::trace)
                    .map(t -> SourceKey.parse(t.orElseThrow()).orElseThrow().uid())
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(perUid.values()).as("copies per UID in %s: %s", path, perUid).allMatch(n -> n == 1);
        }
    }

    /** After the server is healed, a rerun finishes and every message is there once, byte for byte. */
    private void healedRerunCompletes(BmaAddress a, Pass pass) {
        toOld.heal();
        toNew.heal();
        TransferReport rerun = run(pass, a);
        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, INBOX)).isEqualTo(COUNT);
        assertThat(h.assertCopiedByteForByte(a, ARCHIVES)).isEqualTo(1);
    }

    private static List<MessageProblem> problems(TransferReport report) {
        return report.mailboxes().stream().flatMap(m -> java.util.stream.Stream.concat(m.failed().stream(),
                m.skipped().stream())).toList();
    }

    // ---- the old server -------------------------------------------------------------------

    @Test
    void oldServerGarblesOneMessageInTheListingOnEveryPass() {
        BmaAddress a = seeded();
        int rule = toOld.add(Rule.of("INTERNALDATE", THIRD, Fault.GARBLE));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(toOld.hits(rule)).as("the listing was garbled").isPositive();
        // the folder is not blocked by its one unreadable message: the others are copied
        assertThat(folder(report, INBOX).copied()).as(report.summary()).isEqualTo(COUNT - 1);
        assertThat(folder(report, ARCHIVES).copied()).isEqualTo(1);
        assertThat(report.isComplete()).as("one message is missing: not complete").isFalse();
        assertThat(problems(report)).singleElement().satisfies(p -> {
            assertThat(p.uid()).isEqualTo(3);
            assertThat(p.reason()).as("the server's words").contains("X-GARBLED%%");
        });
        assertNoDuplicate(a, INBOX);

        healedRerunCompletes(a, Pass.PRESTAGE);
    }

    @Test
    void oldServerGarblesOneMessageBodyOnEveryRead() {
        BmaAddress a = seeded();
        int rule = toOld.add(Rule.of("BODY\\.PEEK\\[\\]", THIRD, Fault.GARBLE));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(toOld.hits(rule)).isPositive();
        assertThat(folder(report, INBOX).copied()).as(report.summary()).isEqualTo(COUNT - 1);
        assertThat(problems(report)).singleElement().satisfies(p -> {
            assertThat(p.uid()).isEqualTo(3);
            assertThat(p.reason()).contains("X-GARBLED%%");
        });
        try (MailboxInspector neu = h.newBox(a)) {
            // never an empty or cut copy in its place
            assertThat(neu.messages(INBOX)).hasSize(COUNT - 1).allMatch(m -> m.size() > 20_000);
        }

        healedRerunCompletes(a, Pass.PRESTAGE);
    }

    @Test
    void oldServerCutsABodyLiteralShortTwice() {
        BmaAddress a = seeded();
        int rule = toOld.add(Rule.of("BODY\\.PEEK\\[\\]", THIRD, Fault.TRUNCATE_LITERAL).times(2));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(toOld.hits(rule)).isEqualTo(2);
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.retries()).isPositive();
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, INBOX)).isEqualTo(COUNT);
    }

    @Test
    void oldServerCutsOneBodyLiteralShortOnEveryRead() {
        BmaAddress a = seeded();
        toOld.add(Rule.of("BODY\\.PEEK\\[\\]", THIRD, Fault.TRUNCATE_LITERAL));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(folder(report, INBOX).copied()).as(report.summary()).isEqualTo(COUNT - 1);
        assertThat(problems(report)).singleElement().satisfies(p -> assertThat(p.uid()).isEqualTo(3));
        try (MailboxInspector neu = h.newBox(a)) {
            assertThat(neu.messages(INBOX)).hasSize(COUNT - 1).allMatch(m -> m.size() > 20_000);
        }

        healedRerunCompletes(a, Pass.PRESTAGE);
    }

    @Test
    void oldServerSaysByeInTheMiddleOfABatchedFetch() {
        BmaAddress a = seeded();
        int rule = toOld.add(Rule.of("UID FETCH .*BODY\\.PEEK\\[\\]", "^\\* 2 FETCH", Fault.BYE)
                .saying("Server shutting down").times(1));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(toOld.hits(rule)).isEqualTo(1);
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, INBOX)).isEqualTo(COUNT);
    }

    @Test
    void oldServerSaysByeOnEveryReadOfOneMessage() {
        BmaAddress a = seeded();
        toOld.add(Rule.of("BODY\\.PEEK\\[\\]", THIRD, Fault.BYE).saying("Lost the index of message 3"));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(folder(report, INBOX).copied()).as(report.summary()).isEqualTo(COUNT - 1);
        assertThat(problems(report)).singleElement().satisfies(p -> {
            assertThat(p.uid()).isEqualTo(3);
            assertThat(p.reason()).contains("Lost the index of message 3");
        });

        healedRerunCompletes(a, Pass.PRESTAGE);
    }

    @Test
    void oldServerAnswersNoWithoutACodeToOneMessage() {
        BmaAddress a = seeded();
        // the batch read of INBOX and every read of message 3 are refused, in the server's words only
        toOld.add(Rule.of("(UID FETCH \\S*,?\\S*:.*|FETCH 3 )\\(.*BODY\\.PEEK\\[\\]", "^\\S+ OK", Fault.NO)
                .saying("Message is unavailable"));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(folder(report, INBOX).copied()).as(report.summary()).isEqualTo(COUNT - 1);
        assertThat(problems(report)).singleElement().satisfies(p -> {
            assertThat(p.uid()).isEqualTo(3);
            assertThat(p.reason()).contains("Message is unavailable");
        });

        healedRerunCompletes(a, Pass.PRESTAGE);
    }

    @Test
    void oldServerOpensAFolderWithoutItsUidValidity() {
        BmaAddress a = seeded();
        // The status code renamed, same length: the EXAMINE of Archives answers without UIDVALIDITY.
        int rule = toOld.add(Rule.rewriting("EXAMINE .*Archives", "^\\* OK \\[UIDVALIDITY ",
                s -> s.replace("[UIDVALIDITY ", "[UIDVALIDITX ")));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(toOld.hits(rule)).as("Archives was opened without its UIDVALIDITY").isPositive();
        // that folder alone is reported, in words naming it; the mailbox's other folder is copied
        assertThat(folder(report, ARCHIVES).error()).as(report.summary()).hasValueSatisfying(e ->
                assertThat(e).contains("Archives", "without a UIDVALIDITY"));
        assertThat(folder(report, ARCHIVES).copied()).isZero();
        assertThat(folder(report, INBOX).copied()).as(report.summary()).isEqualTo(COUNT);
        assertThat(report.mailboxes().get(0).error()).as("the mailbox went on").isEmpty();
        assertThat(report.isComplete()).isFalse();
        try (MailboxInspector neu = h.newBox(a)) {
            assertThat(neu.messages(ARCHIVES)).as("nothing copied without a key").isEmpty();
        }

        healedRerunCompletes(a, Pass.PRESTAGE);
    }

    // ---- the target --------------------------------------------------------------------------

    /** A first pass through the faithful proxies: everything copied once. */
    private BmaAddress copiedOnce() {
        BmaAddress a = seeded();
        TransferReport first = run(Pass.PRESTAGE, a);
        assertThat(first.isComplete()).as(first.summary()).isTrue();
        return a;
    }

    @Test
    void targetAnswersACopysTraceHeaderUnreadably() {
        BmaAddress a = copiedOnce();
        // the copy of UID 3 comes back with its trace header mangled (same length: the literal stays valid)
        int rule = toNew.add(Rule.rewriting(SourceKey.HEADER, THIRD,
                s -> s.replaceFirst("(?i)(X-BMA-Source: )v=1", "$1#?!")));

        TransferReport report = run(Pass.FINAL, a);

        assertThat(toNew.hits(rule)).isPositive();
        assertNoDuplicate(a, INBOX);
        assertThat(report.isComplete()).as(report.summary()).isFalse();
        assertThat(folder(report, INBOX).error()).as(report.summary()).hasValueSatisfying(e -> assertThat(e).contains("#?!"));
        assertThat(folder(report, ARCHIVES).isComplete()).as("the other folder goes on").isTrue();

        healedRerunCompletes(a, Pass.FINAL);
    }

    @Test
    void targetGarblesOneCopyInItsListingOnEveryRead() {
        BmaAddress a = copiedOnce();
        int rule = toNew.add(Rule.of("INTERNALDATE", THIRD, Fault.GARBLE));

        TransferReport report = run(Pass.FINAL, a);

        assertThat(toNew.hits(rule)).isPositive();
        assertNoDuplicate(a, INBOX);
        assertThat(folder(report, INBOX).error()).as(report.summary()).hasValueSatisfying(e -> assertThat(e).contains("X-GARBLED%%"));
        assertThat(folder(report, ARCHIVES).isComplete()).as(report.summary()).isTrue();

        healedRerunCompletes(a, Pass.FINAL);
    }

    @Test
    void targetSaysByeInTheMiddleOfItsListing() {
        BmaAddress a = copiedOnce();
        int rule = toNew.add(Rule.of("INTERNALDATE", "^\\* 2 FETCH", Fault.BYE).saying("Too many commands").times(2));

        TransferReport report = run(Pass.FINAL, a);

        assertThat(toNew.hits(rule)).isEqualTo(2);
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertNoDuplicate(a, INBOX);
        h.assertVerified(temp, a);
    }

    @Test
    void targetSaysByeInsteadOfTheAppendsOk() {
        BmaAddress a = seeded();
        // the copy is stored, but the client hears BYE: the retry must find it, not copy it again
        int rule = toNew.add(Rule.of("APPEND", "^\\S+ OK", Fault.BYE).saying("Server restarting").times(2));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(toNew.hits(rule)).isEqualTo(2);
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertNoDuplicate(a, INBOX);
        h.assertVerified(temp, a);
    }

    /** A bare NO to one APPEND: Archives holds one message, so its APPEND is never a MULTIAPPEND. */
    @Test
    void targetAnswersNoWithoutACodeToOneAppend() {
        BmaAddress a = seeded();
        int rule = toNew.add(Rule.of("APPEND \"?Archives\"? ", "^\\S+ OK", Fault.NO).saying("Cannot store this message")
                .times(1));

        TransferReport report = run(Pass.PRESTAGE, a);

        assertThat(toNew.hits(rule)).isEqualTo(1);
        assertThat(problems(report)).singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("Cannot store this message"));
        assertThat(report.copied()).isEqualTo(COUNT);
        assertNoDuplicate(a, INBOX);

        healedRerunCompletes(a, Pass.PRESTAGE);
    }
}
