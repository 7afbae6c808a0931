package be.cfwb.bma.faults;

import be.cfwb.bma.config.TestProperties;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxInspector.StoredMessage;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxVerification;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.Verifier;
import be.cfwb.bma.transfer.VerifyReport;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the fault and hostile-input tests share: an old and a new IMAP server, mailboxes on
 * both, settings with short timeouts, and the two proofs every test ends with: the Verifier's
 * verdict and a byte-for-byte comparison of each copy with what the old server returns.
 */
final class FaultHarness {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);
    private static final AtomicInteger NEXT = new AtomicInteger(7000);

    final MailServerFixture oldServer;
    final MailServerFixture newServer;

    FaultHarness(MailServerFixture oldServer, MailServerFixture newServer) {
        this.oldServer = oldServer;
        this.newServer = newServer;
    }

    static String password(BmaAddress mailbox) {
        return "pw;" + mailbox.localPart() + "!faults";
    }

    static CredentialSource passwords() {
        return mailbox -> new MailboxCredentials.Password(mailbox.toString(), Secret.of(password(mailbox)));
    }

    BmaAddress newMailbox() {
        BmaAddress a = BmaAddress.of(BmaKind.EC, NEXT.incrementAndGet());
        oldServer.createUser(a, password(a));
        newServer.createUser(a, password(a));
        return a;
    }

    /** Direct settings (no proxy), short timeouts. */
    TransferSettings.Builder settings(Path spool) {
        return settings(oldServer.imapEndpoint(), newServer.imapEndpoint(), spool);
    }

    /** Settings through the given endpoints; timeouts short so a stall is noticed in a test's time. */
    static TransferSettings.Builder settings(ImapEndpoint source, ImapEndpoint target, Path spool) {
        return TransferSettings.builder()
                .imapSource(source.withTimeout(Duration.ofMillis(1000)), passwords(), CLOCK)
                .imapTarget(target.withTimeout(Duration.ofMillis(1000)), passwords(), CLOCK)
                .folderMapper(FolderMapper.preserve())
                .parallelism(2)
                .maxMessageSize(128L << 20)
                .memoryThreshold(64 * 1024)
                .spoolDirectory(spool)
                .retries(6, Duration.ofMillis(50))
                .maxBackoff(Duration.ofMillis(400));
    }

    /**
     * Settings as the plugin builds them from {@code bma.*} properties: the source at
     * {@code sourceUrl} read with the admin (master) login {@code admin}, the target with each
     * mailbox's own password from the CSV file {@code targetCredentials}.
     */
    static TransferSettings.Builder adminLoginSettings(String sourceUrl, ImapEndpoint target, Path targetCredentials,
                                                       int parallelism, Login admin, Clock clock) {
        return TransferSettings.from(BmaSettingsReader.of(Map.of(
                        BmaProperties.SOURCE_URL, sourceUrl,
                        BmaProperties.TARGET_URL, target.toString(),
                        BmaProperties.TARGET_CREDENTIALS, targetCredentials.toString(),
                        BmaProperties.PARALLELISM, String.valueOf(parallelism))),
                TestProperties.sourceAdmin(admin), clock);
    }

    static ImapEndpoint through(FaultProxy proxy) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "fault proxy");
    }

    static TransferReport run(TransferSettings settings, Ledger ledger, Pass pass, BmaAddress... mailboxes) {
        return new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE).run(List.of(mailboxes), pass);
    }

    /** The Verifier over direct connections: every source message on the target exactly once, alike. */
    void assertVerified(Path spool, BmaAddress... mailboxes) {
        VerifyReport report = new Verifier(settings(spool).build(), CLOCK).verify(List.of(mailboxes));
        assertThat(report.isSuccess()).as(report.toJson()).isTrue();
        for (MailboxVerification v : report.mailboxes()) {
            assertThat(v.present()).isEqualTo(v.source());
        }
    }

    MailboxSeeder seeder(BmaAddress a) {
        return oldServer.seeder(a, password(a));
    }

    MailboxInspector oldBox(BmaAddress a) {
        return oldServer.inspector(a, password(a));
    }

    MailboxInspector newBox(BmaAddress a) {
        return newServer.inspector(a, password(a));
    }

    /**
     * Every message of {@code folder} is on the target exactly once, its bytes the trace header
     * followed by the bytes the OLD server returns (not the seeded bytes: a server may have
     * normalised them on APPEND), with the same flags and date. Returns how many were compared.
     */
    int assertCopiedByteForByte(BmaAddress a, FolderPath folder) {
        try (MailboxInspector old = oldBox(a); MailboxInspector neu = newBox(a)) {
            List<StoredMessage> sources = old.messages(folder);
            Map<Long, StoredMessage> byUid = new HashMap<>();
            for (StoredMessage c : neu.messages(folder)) {
                assertThat(c.trace()).as("trace header on %s", c).isPresent();
                SourceKey key = SourceKey.parse(c.trace().get()).orElseThrow();
                assertThat(byUid.put(key.uid(), c)).as("UID %s of %s copied once", key.uid(), folder).isNull();
            }
            assertThat(byUid.keySet()).as("copies of %s", folder)
                    .containsExactlyInAnyOrderElementsOf(sources.stream().map(StoredMessage::uid).toList());
            for (StoredMessage s : sources) {
                StoredMessage c = byUid.get(s.uid());
                assertThat(c.flags()).isEqualTo(s.flags());
                assertThat(c.internalDate()).isEqualTo(s.internalDate());
                byte[] header = SourceKey.parse(c.trace().get()).orElseThrow().headerLine().getBytes(StandardCharsets.US_ASCII);
                byte[] original = old.raw(folder, s.uid());
                byte[] expected = Arrays.copyOf(header, header.length + original.length);
                System.arraycopy(original, 0, expected, header.length, original.length);
                assertThat(neu.raw(folder, c.uid())).as("bytes of UID %s of %s", s.uid(), folder).isEqualTo(expected);
            }
            return sources.size();
        }
    }

    /** Heals the proxy as soon as it has injected {@code faults} faults (polls in a daemon thread). */
    static void healAfter(FaultProxy proxy, int faults) {
        Thread t = new Thread(() -> {
            while (proxy.faultsInjected() < faults) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
            proxy.heal();
        }, "heal-after-faults");
        t.setDaemon(true);
        t.start();
    }

    /** Heals the proxy after a delay. */
    static void healIn(FaultProxy proxy, Duration delay) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            proxy.heal();
        }, "heal-in");
        t.setDaemon(true);
        t.start();
    }
}
