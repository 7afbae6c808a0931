package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.graph.GraphConnection;
import be.cfwb.bma.graph.GraphCredentials;
import be.cfwb.bma.graph.GraphSettings;
import be.cfwb.bma.graph.GraphTarget;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Runs passes in its own JVM, started by {@link BoundedHeapTest} with {@code -Xmx256m}, and
 * prints what they did and the peak heap, so the bound is measured, not assumed.
 *
 * <ul>
 *   <li>{@code imap <source url> <target url> <password> <spool> <ledger> <mailbox>}: a pre-stage
 *       then a final pass between two IMAP servers;</li>
 *   <li>{@code graph <graph base url> <token> <spool> <ledger> <mailbox> <bytes> <seed>}: one
 *       {@link GeneratedMessage} of about {@code bytes}, from a source that makes it as it is
 *       read, to Graph.</li>
 * </ul>
 */
public final class HeapProbe {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);

    private HeapProbe() {
    }

    public static void main(String[] args) {
        // The heap in use, sampled: the pools' own peaks are reached at different times and add up
        // to more than the heap ever held.
        java.util.concurrent.atomic.AtomicLong highest = new java.util.concurrent.atomic.AtomicLong();
        Thread sampler = new Thread(() -> {
            while (true) {
                highest.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        TransferSettings settings;
        Path ledgerDir;
        BmaAddress mailbox;
        GraphConnection graph = null;
        List<Pass> passes;
        if (args[0].equals("imap")) {
            CredentialSource passwords = m -> new MailboxCredentials.Password(m.toString(), Secret.of(args[3]));
            settings = TransferSettings.builder()
                    .imapSource(ImapEndpoint.parse(args[1], "source"), passwords, CLOCK)
                    .imapTarget(ImapEndpoint.parse(args[2], "target"), passwords, CLOCK)
                    .folderMapper(FolderMapper.preserve())
                    .spoolDirectory(Path.of(args[4]))
                    .build();
            ledgerDir = Path.of(args[5]);
            mailbox = BmaAddress.parse(args[6]);
            passes = List.of(Pass.PRESTAGE, Pass.FINAL);
        } else {
            graph = GraphConnection.open(GraphSettings.builder().credentials(GraphCredentials.staticToken(args[2]))
                    .baseUrl(args[1]).maxMessageSize(150L << 20).build());
            mailbox = BmaAddress.parse(args[5]);
            GeneratedMessage message = new GeneratedMessage(Long.parseLong(args[6]), Long.parseLong(args[7]));
            settings = GraphTarget.configure(TransferSettings.builder(), graph)
                    .source(m -> new OneMessageSource(m, message))
                    .folderMapper(FolderMapper.exchange())
                    .spoolDirectory(Path.of(args[3]))
                    .build();
            ledgerDir = Path.of(args[4]);
            passes = List.of(Pass.PRESTAGE);
        }
        try (Ledger ledger = Ledger.open(ledgerDir, CLOCK)) {
            for (Pass pass : passes) {
                TransferReport report = new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE)
                        .run(List.of(mailbox), pass);
                System.out.println(pass.label() + ".COMPLETE=" + report.isComplete());
                System.out.println(pass.label() + ".COPIED=" + report.copied());
                System.out.println(pass.label() + ".PRESENT=" + report.alreadyPresent());
                System.out.print(report.summary());
            }
        } finally {
            if (graph != null) {
                graph.close();
            }
        }
        System.out.println("PEAK_HEAP_MB=" + highest.get() / (1 << 20));
        System.out.println("MAX_HEAP_MB=" + Runtime.getRuntime().maxMemory() / (1 << 20));
    }

    /** An INBOX of one generated message, made as it is read. */
    private record OneMessageSource(BmaAddress mailbox, GeneratedMessage message) implements MailboxSource {

        @Override
        public List<SourceFolder> folders() {
            return List.of(new SourceFolder(FolderPath.inbox(), Optional.of(SpecialUse.INBOX), true));
        }

        @Override
        public FolderListing list(FolderPath folder, long afterUid) {
            return new FolderListing(1, afterUid >= 1 ? List.of() : List.of(new SourceMessage(1, message.size(),
                    MessageFlags.NONE, Instant.parse("2024-10-01T08:00:00Z"), Optional.empty())));
        }

        @Override
        public InputStream open(FolderPath folder, long uidValidity, long uid) {
            return message.open();
        }

        @Override
        public void close() {
        }
    }
}
