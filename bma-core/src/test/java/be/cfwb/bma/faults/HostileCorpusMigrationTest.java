package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.corpus.HostileCorpus;
import be.cfwb.bma.corpus.HostileCorpus.Sample;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxInspector.StoredMessage;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.RequiredServers;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxVerification;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.Verifier;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@link HostileCorpus} sample seeded into an old mailbox and migrated: each has the
 * outcome docs/guarantees.md promises for it by name ({@link #PROMISED}: on the target byte for
 * byte, the trace header line then the original's bytes; a message over Exchange's limit reported
 * "too large"); none silently dropped, none stopping the mailbox. "The original" is what the OLD
 * server returns for BODY.PEEK[], not the corpus file: a server may normalise a message on
 * APPEND (GreenMail does for some), and the toolkit's promise is about what the old server
 * holds. Where the source server refused a sample outright, that is recorded and printed.
 */
class HostileCorpusMigrationTest extends GreenMailPairTestBase {

    private static final FolderPath INBOX = FolderPath.inbox();
    private static final String COPIED = "copied byte for byte";

    /**
     * What docs/guarantees.md promises for each sample, as this test words the outcome: every one
     * copied byte for byte (three of them as GreenMail, the old server here, stores them altered:
     * LF to CRLF, an empty message as CRLF), the S/MIME signature still verifying. A new sample
     * must say here what it promises.
     */
    private static final Map<String, String> PROMISED = promised();

    private static Map<String, String> promised() {
        Map<String, String> p = new LinkedHashMap<>();
        for (String name : java.util.List.of("no-message-id", "duplicate-message-id-a", "duplicate-message-id-b",
                "unknown-charset", "wrong-charset", "rfc2047-edge-cases", "very-long-line", "nul-bytes",
                "deeply-nested-multipart", "missing-boundary", "calendar-invitation", "tnef-winmail")) {
            p.put(name, COPIED);
        }
        p.put("eight-bit-headers", COPIED + " (the old server stores it altered: 168 bytes in, 176 out)");
        p.put("bare-lf", COPIED + " (the old server stores it altered: 109 bytes in, 114 out)");
        p.put("zero-bytes", COPIED + " (the old server stores it altered: 0 bytes in, 2 out)");
        p.put("smime-signed", COPIED + "; S/MIME signature still verifies (openssl)");
        return p;
    }

    @Test
    void everySampleHasTheOutcomeTheDocumentationPromises() throws Exception {
        BmaAddress a = h.newMailbox();
        Map<Long, Sample> byUid = new LinkedHashMap<>();
        Map<String, String> outcome = new LinkedHashMap<>();
        try (MailboxSeeder s = h.seeder(a)) {
            Instant date = Instant.parse("2024-10-01T08:00:00Z");
            for (Sample sample : HostileCorpus.samples()) {
                try {
                    long uid = s.append(INBOX, sample.bytes(), flags(), date);
                    assertThat(uid).as("UIDPLUS from the old server").isPositive();
                    byUid.put(uid, sample);
                } catch (IllegalStateException e) {
                    outcome.put(sample.name(), "refused by the OLD server on APPEND (" + e.getMessage() + "): nothing to migrate");
                }
            }
        }
        assertThat(byUid).as("the old server took most samples").hasSizeGreaterThanOrEqualTo(HostileCorpus.samples().size() - 1);

        TransferSettings settings = h.settings(temp).build();
        TransferReport report = FaultHarness.run(settings, ledger, Pass.PRESTAGE, a);

        assertThat(report.isAccountedFor()).as(report.summary()).isTrue();
        assertThat(report.mailboxes().get(0).error()).as("no sample stops the mailbox").isEmpty();
        Map<Long, MessageProblem> reported = new HashMap<>();
        report.mailboxes().get(0).skipped().forEach(p -> reported.put(p.uid(), p));
        report.mailboxes().get(0).failed().forEach(p -> reported.put(p.uid(), p));

        int copied = 0;
        try (MailboxInspector old = h.oldBox(a); MailboxInspector neu = h.newBox(a)) {
            Map<Long, StoredMessage> copies = new HashMap<>();
            for (StoredMessage c : neu.messages(INBOX)) {
                SourceKey key = SourceKey.parse(c.trace().orElseThrow()).orElseThrow();
                assertThat(copies.put(key.uid(), c)).as("UID %s copied once", key.uid()).isNull();
            }
            for (Map.Entry<Long, Sample> e : byUid.entrySet()) {
                long uid = e.getKey();
                Sample sample = e.getValue();
                byte[] original = old.raw(INBOX, uid);
                String altered = Arrays.equals(original, sample.bytes()) ? ""
                        : " (the old server stores it altered: " + sample.bytes().length + " bytes in, " + original.length + " out)";
                StoredMessage copy = copies.get(uid);
                if (copy == null) {
                    MessageProblem p = reported.get(uid);
                    assertThat(p).as("%s is neither copied nor reported", sample.name()).isNotNull();
                    assertThat(p.reason()).isNotBlank();
                    outcome.put(sample.name(), "reported: " + p.reason() + altered);
                    continue;
                }
                byte[] header = SourceKey.parse(copy.trace().get()).orElseThrow().headerLine().getBytes(StandardCharsets.US_ASCII);
                byte[] expected = Arrays.copyOf(header, header.length + original.length);
                System.arraycopy(original, 0, expected, header.length, original.length);
                byte[] stored = neu.raw(INBOX, copy.uid());
                assertThat(stored).as("bytes of %s", sample.name()).isEqualTo(expected);
                copied++;
                outcome.put(sample.name(), "copied byte for byte" + altered);
                if (sample.name().equals("smime-signed")) {
                    outcome.put(sample.name(), outcome.get(sample.name()) + "; " + smimeVerifies(stored));
                }
            }
        }
        assertThat(copied + reported.size()).isEqualTo(byUid.size());
        assertThat(report.copied()).isEqualTo(copied);
        System.out.println("Hostile corpus outcome (GreenMail -> GreenMail):");
        outcome.forEach((name, what) -> System.out.println("  " + name + ": " + what));
        // Per named sample, the outcome the documentation promises; not "copied or reported".
        assertThat(outcome.keySet()).as("every sample has its promise").containsExactlyInAnyOrderElementsOf(
                HostileCorpus.samples().stream().map(Sample::name).toList());
        Map<String, String> expected = new LinkedHashMap<>(PROMISED);
        if (outcome.getOrDefault("smime-signed", "").endsWith("openssl absent: signature not checked")) {
            // Only where openssl is missing and the CI switch is off (RequiredServers fails it otherwise).
            expected.put("smime-signed", COPIED + "; openssl absent: signature not checked");
        }
        assertThat(outcome).containsExactlyInAnyOrderEntriesOf(expected);

        // the Verifier agrees: whatever was not reported is present once with its bytes
        MailboxVerification v = new Verifier(settings, FaultHarness.CLOCK).verifyOne(a);
        assertThat(v.error()).isEmpty();
        assertThat(v.duplicated()).isEmpty();
        assertThat(v.mismatched()).isEmpty();
        assertThat(v.missing()).extracting(MessageProblem::uid).containsExactlyInAnyOrderElementsOf(reported.keySet());
    }

    @Test
    void aSixtyMegabyteMessageIsReportedAsTooLargeForExchangeNotDropped() {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            s.append(INBOX, HostileCorpus.large(60), flags("\\Seen"), Instant.parse("2024-10-01T08:00:00Z"));
            s.append(INBOX, HostileCorpus.samples().get(0).bytes(), flags(), Instant.parse("2024-10-02T08:00:00Z"));
        }

        TransferReport report = FaultHarness.run(h.settings(temp).maxMessageSize(TransferSettings.EXCHANGE_MAX_MESSAGE_SIZE)
                .build(), ledger, Pass.PRESTAGE, a);

        assertThat(report.isAccountedFor()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(1);
        assertThat(report.mailboxes().get(0).skipped()).singleElement().satisfies(p -> {
            assertThat(p.uid()).isEqualTo(1);
            assertThat(p.size()).isGreaterThan(60L << 20);
            assertThat(p.reason()).contains("too large", "not downloaded");
        });
        assertThat(report.toCsv() + report.toJson()).contains("too large");
    }

    /** {@code openssl smime -verify -noverify} on the copy, where openssl exists. */
    private String smimeVerifies(byte[] copy) throws IOException, InterruptedException {
        Path file = temp.resolve("smime-copy.eml");
        Files.write(file, copy);
        Process p;
        try {
            p = new ProcessBuilder("openssl", "smime", "-verify", "-noverify", "-in", file.toString(),
                    "-out", temp.resolve("smime-content.txt").toString()).redirectErrorStream(true).start();
        } catch (IOException noOpenssl) {
            if (RequiredServers.strict()) { // in CI the signature must be checked; elsewhere the other checks go on
                RequiredServers.assume(false, () -> "openssl is not installed: the S/MIME signature of the copy cannot be checked");
            }
            return "openssl absent: signature not checked";
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl smime -verify on the copy: %s", output).isZero();
        assertThat(output).contains("Verification successful");
        return "S/MIME signature still verifies (openssl)";
    }
}
