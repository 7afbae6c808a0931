package be.cfwb.bma.testing.dovecot.benchmark;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.benchmark.CorpusGenerator.Corpus;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The client's CPU per megabyte of a first pass, in this process: a generated corpus in one
 * Dovecot copied to a fresh one by the engine, the JVM's CPU time measured around the copy
 * (Dovecot's own is not counted: it runs in processes of its own). A quick before/after probe for
 * the read and write paths, not the benchmark: no peers, no relay. Prints one line per run and
 * the best. System properties: {@code probe.mailboxes} (4), {@code probe.messages} (300 per
 * mailbox), {@code probe.runs} (3), {@code probe.parallelism} (4).
 */
public final class CopyCpuProbe {

    private CopyCpuProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (!DovecotServer.isInstalled()) {
            System.err.println(DovecotServer.absenceReason());
            return;
        }
        CorpusGenerator.Spec spec = new CorpusGenerator.Spec(9358L, Integer.getInteger("probe.mailboxes", 4),
                Integer.getInteger("probe.messages", 300));
        int runs = Integer.getInteger("probe.runs", 3);
        int parallelism = Integer.getInteger("probe.parallelism", 4);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Path work = Files.createTempDirectory("bma-cpu-probe-");
        try (DovecotServer source = DovecotServer.builder().hierarchy(HierarchyStyle.DOT_INBOX_PREFIX)
                .throughputTuned(TransferBenchmark.TUNED).start()) {
            List<BmaAddress> mailboxes = CorpusGenerator.mailboxes(spec);
            for (BmaAddress a : mailboxes) {
                source.addUser(a.toString(), "unused-" + a.localPart());
            }
            Corpus corpus = CorpusGenerator.writeMaildirs(source, spec);
            TransferBenchmark.warmUp(source, mailboxes);
            double best = Double.MAX_VALUE;
            for (int run = 1; run <= runs; run++) {
                try (DovecotServer target = DovecotServer.builder().hierarchy(HierarchyStyle.SLASH)
                        .throughputTuned(TransferBenchmark.TUNED).start()) {
                    for (BmaAddress a : mailboxes) {
                        target.addUser(a.toString(), "unused-" + a.localPart());
                    }
                    Clock clock = Clock.systemUTC();
                    TransferSettings settings = TransferSettings.builder()
                            .imapSource(ImapEndpoint.parse(source.imapUrl(), "source"),
                                    CredentialSource.master(source.masterUser(), Secret.of(source.masterPassword())), clock)
                            .imapTarget(ImapEndpoint.parse(target.imapUrl(), "target"),
                                    CredentialSource.master(target.masterUser(), Secret.of(target.masterPassword())), clock)
                            .folderMapper(FolderMapper.preserve())
                            .parallelism(parallelism)
                            .maxMessageSize(64L << 20)
                            .spoolDirectory(work)
                            .build();
                    System.gc();
                    long cpu = os.getProcessCpuTime();
                    long wall = System.nanoTime();
                    TransferReport report;
                    try (Ledger ledger = Ledger.open(work.resolve("ledger-" + run), clock)) {
                        report = new SyncEngine(settings, ledger, clock, TransferListener.NONE).run(mailboxes, Pass.PRESTAGE);
                    }
                    double cpuMs = (os.getProcessCpuTime() - cpu) / 1e6;
                    double seconds = (System.nanoTime() - wall) / 1e9;
                    double mb = corpus.megabytes();
                    if (!report.isComplete() || report.copied() != corpus.messages()) {
                        throw new IllegalStateException("incomplete copy: " + report.summary());
                    }
                    double perMb = cpuMs / mb;
                    best = Math.min(best, perMb);
                    System.out.printf("run %d: %d messages, %.1f MB in %.2f s (%.1f MB/s), client CPU %.0f ms = %.1f ms/MB%n",
                            run, report.copied(), mb, seconds, mb / seconds, cpuMs, perMb);
                }
            }
            System.out.printf("CPU_MS_PER_MB=%.1f (best of %d)%n", best, runs);
        }
    }
}
