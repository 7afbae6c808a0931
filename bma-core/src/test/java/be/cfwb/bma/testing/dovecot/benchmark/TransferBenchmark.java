package be.cfwb.bma.testing.dovecot.benchmark;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.benchmark.CorpusGenerator.Corpus;
import be.cfwb.bma.testing.dovecot.benchmark.CorpusGenerator.Kind;
import be.cfwb.bma.testing.dovecot.benchmark.CorpusGenerator.Spec;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.Verifier;
import be.cfwb.bma.transfer.VerifyReport;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The transfer benchmark of issue 5: generates the corpus into a source Dovecot, migrates it
 * with the toolkit's {@link SyncEngine} to a second Dovecot (4 mailboxes in parallel,
 * {@code preserve} mapping, master logins on both sides), reruns it, verifies it, then copies
 * the same corpus with {@link RawImapCopy} (the baseline) to fresh Dovecots, and writes the
 * figures as Markdown.
 *
 * <p>Not a test: run it with {@code mvn -B -pl bma-core -am -Pbenchmark -DskipTests verify}
 * (see the {@code benchmark} profile of {@code bma-core/pom.xml}). Arguments: the Markdown file
 * to write. System properties: {@code bma.benchmark.mailboxes} (20),
 * {@code bma.benchmark.messages} per mailbox (300), {@code bma.benchmark.parallelism} (4),
 * {@code bma.benchmark.seed} (9358), {@code bma.benchmark.inboxWeight} (40 of the folders' 100: see
 * {@link CorpusGenerator#INBOX_WEIGHT}), {@code bma.benchmark.repetitions} of the engine and baseline first passes (2),
 * {@code bma.benchmark.tuned} (true: {@link DovecotServer.Builder#throughputTuned}),
 * {@code bma.benchmark.targetStorage} of the targets ({@code mdbox}; the source is Maildir),
 * {@code bma.benchmark.reruns}: how many times the no-op rerun is measured (5),
 * {@code bma.benchmark.fastLogins} (true: {@link DovecotServer.Builder#fastLogins}, for every client alike),
 * {@code bma.benchmark.imapProcessReuse} (100: {@link DovecotServer.Builder#imapProcessReuse}, for every client alike),
 * {@code bma.benchmark.quick} (false; true runs only the first passes and the reruns and prints them, for exploring),
 * {@code bma.benchmark.wan} (false; true runs {@link WanBenchmark} instead: the same copy through latency relays).
 * Where isync's {@code mbsync} is installed, each repetition also copies the corpus with it
 * ({@link MbsyncPeer}) to a fresh target: the peer reference.
 */
public final class TransferBenchmark {

    /** How many times the no-op rerun is measured (best and median reported). */
    private static final int RERUNS = Integer.getInteger("bma.benchmark.reruns", 5);
    /** Dovecot's login high-performance mode on every server (see {@link DovecotServer.Builder#fastLogins}). */
    static final boolean FAST_LOGINS = Boolean.parseBoolean(System.getProperty("bma.benchmark.fastLogins",
            "true"));
    /**
     * Sessions an imap process serves on every server (see {@link DovecotServer.Builder#imapProcessReuse}):
     * Dovecot's "reduce forks" tuning, 100 as its performance page suggests; 1 starts a process per login.
     */
    static final int IMAP_PROCESS_REUSE = Integer.getInteger("bma.benchmark.imapProcessReuse", 100);
    /** Server-side tuning of both Dovecots (see {@link DovecotServer.Builder#throughputTuned}); on by default. */
    static final boolean TUNED = Boolean.parseBoolean(System.getProperty("bma.benchmark.tuned", "true"));
    /** How the targets store mail; the source stays Maildir, as the legacy server. */
    static final DovecotServer.Storage TARGET_STORAGE = DovecotServer.Storage.valueOf(
            System.getProperty("bma.benchmark.targetStorage", "MDBOX").toUpperCase(Locale.ROOT));

    private TransferBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (!DovecotServer.isInstalled()) {
            System.err.println(DovecotServer.absenceReason());
            System.exit(2);
        }
        Path output = Path.of(args.length > 0 ? args[0] : "docs/benchmarks/transfer.md");
        if (Boolean.getBoolean("bma.benchmark.wan")) {
            WanBenchmark.run(output);
            return;
        }
        Spec spec = new Spec(Long.getLong("bma.benchmark.seed", Spec.standard().seed()),
                Integer.getInteger("bma.benchmark.mailboxes", Spec.standard().mailboxes()),
                Integer.getInteger("bma.benchmark.messages", Spec.standard().messagesPerMailbox()));
        int parallelism = Integer.getInteger("bma.benchmark.parallelism", 4);
        int repetitions = Integer.getInteger("bma.benchmark.repetitions", 2);
        boolean quick = Boolean.getBoolean("bma.benchmark.quick");
        String loadBefore = loadAverage();
        Path work = Files.createTempDirectory("bma-benchmark-");
        HeapSampler heap = new HeapSampler();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            DovecotServer source = server().hierarchy(HierarchyStyle.DOT_INBOX_PREFIX).start();
            resources.add(source);
            List<BmaAddress> mailboxes = CorpusGenerator.mailboxes(spec);
            for (BmaAddress a : mailboxes) {
                source.addUser(a.toString(), "unused-" + a.localPart());
            }
            log("generating %d mailboxes x %d messages", spec.mailboxes(), spec.messagesPerMailbox());
            Corpus corpus = CorpusGenerator.writeMaildirs(source, spec);
            log("corpus: %d messages, %.1f MB in %s; indexing it in the source Dovecot", corpus.messages(),
                    corpus.megabytes(), corpus.generation());
            Duration indexing = warmUp(source, mailboxes);
            Clock clock = Clock.systemUTC();

            // Engine and baseline alternate, each on a fresh target, so that both meet the same
            // ups and downs of a shared machine; the best run of each is compared.
            List<Measure> engineRuns = new ArrayList<>();
            List<Measure> baselineRuns = new ArrayList<>();
            List<Measure> peerRuns = new ArrayList<>();
            if (!MbsyncPeer.isInstalled()) {
                log("peer: %s not found, mbsync is not measured (Debian package isync)", MbsyncPeer.MBSYNC);
            }
            DovecotServer target = null;
            Ledger ledger = null;
            TransferSettings settings = null;
            TransferReport firstReport = null;
            for (int rep = 1; rep <= repetitions; rep++) {
                DovecotServer b = newTarget(mailboxes);
                log("baseline: raw Angus FETCH+APPEND, %d mailboxes in parallel (run %d)", parallelism, rep);
                long[] copied = new long[2];
                baselineRuns.add(Measure.of(heap, List.of(source, b), () -> System.arraycopy(
                        rawCopy(source, b, mailboxes, parallelism), 0, copied, 0, 2)));
                check(copied[0] == corpus.messages(), "baseline count " + copied[0]);
                b.stop();

                if (target != null) {
                    ledger.close();
                    target.stop();
                }
                target = newTarget(mailboxes);
                resources.add(target);
                settings = settings(source, target, parallelism, work, clock);
                ledger = Ledger.open(work.resolve("ledger-" + rep), clock);
                resources.add(ledger);
                SyncEngine engine = new SyncEngine(settings, ledger, clock, TransferListener.NONE);
                log("engine: first pass (run %d)", rep);
                TransferReport[] r = new TransferReport[1];
                engineRuns.add(Measure.of(heap, List.of(source, target),
                        () -> r[0] = engine.run(mailboxes, Pass.PRESTAGE)));
                firstReport = r[0];
                check(firstReport.isComplete() && firstReport.copied() == corpus.messages(), firstReport.summary());

                if (MbsyncPeer.isInstalled()) {
                    DovecotServer m = newTarget(mailboxes);
                    log("peer: mbsync, %d mailboxes in parallel (run %d)", parallelism, rep);
                    long[] mbsyncCpu = new long[1];
                    Measure peer = Measure.of(heap, List.of(source, m), () -> mbsyncCpu[0] = mbsync(source, m,
                            mailboxes, parallelism, work));
                    peerRuns.add(new Measure(peer.nanos(), 0, mbsyncCpu[0], peer.dovecotNanos(), peer.sourceNanos(),
                            peer.machineNanos(), peer.load()));
                    long count = messageCount(m, mailboxes);
                    check(count == corpus.messages(), "mbsync copied " + count + " messages");
                    m.stop();
                }
            }
            List<DovecotServer> engineServers = List.of(source, target);
            SyncEngine engine = new SyncEngine(settings, ledger, clock, TransferListener.NONE);
            // A no-op rerun lasts a few tenths of a second: one measure is mostly noise of the
            // shared machine, so it is repeated and the best and the median are reported.
            List<Measure> reruns = new ArrayList<>();
            for (int i = 1; i <= RERUNS; i++) {
                log("engine: no-op rerun (same ledger) %d of %d", i, RERUNS);
                reruns.add(Measure.of(heap, engineServers,
                        () -> check(engine.run(mailboxes, Pass.PRESTAGE).copied() == 0, "rerun copied")));
            }
            if (quick) {
                // Exploration only: the first passes and the reruns, printed, no file written.
                for (int i = 0; i < reruns.size(); i++) {
                    System.out.print(row("rerun " + (i + 1), reruns.get(i), corpus.messages(), corpus.megabytes()));
                }
                for (int i = 0; i < engineRuns.size(); i++) {
                    System.out.print(row("baseline " + (i + 1), baselineRuns.get(i), corpus.messages(), corpus.megabytes()));
                    System.out.print(row("engine " + (i + 1), engineRuns.get(i), corpus.messages(), corpus.megabytes()));
                    if (i < peerRuns.size()) {
                        System.out.print(row("mbsync " + (i + 1), peerRuns.get(i), corpus.messages(), corpus.megabytes()));
                    }
                }
                System.out.println("load average " + loadBefore + " -> " + loadAverage());
                return;
            }
            log("engine: final pass (full listing, flag sync)");
            Measure finalPass = Measure.of(heap, engineServers,
                    () -> check(engine.run(mailboxes, Pass.FINAL).copied() == 0, "final copied"));
            Measure freshLedger;
            TransferSettings last = settings;
            try (Ledger empty = Ledger.open(work.resolve("ledger-empty"), clock)) {
                log("engine: no-op rerun with an empty ledger (trace headers read back from the target)");
                freshLedger = Measure.of(heap, engineServers, () -> check(new SyncEngine(last, empty, clock,
                        TransferListener.NONE).run(mailboxes, Pass.PRESTAGE).copied() == 0, "fresh-ledger rerun"));
            }
            log("probe: one login and one LIST-STATUS per mailbox");
            long[] probed = new long[1];
            Measure probe = Measure.of(heap, List.of(source), () -> probed[0] = statusProbe(source, mailboxes,
                    parallelism));
            check(probed[0] >= (long) mailboxes.size() * CorpusGenerator.folderPaths().size(), "probe saw "
                    + probed[0] + " folders");
            log("verify");
            VerifyReport[] v = new VerifyReport[1];
            Measure verify = Measure.of(heap, engineServers, () -> v[0] = new Verifier(last, clock).verify(mailboxes));
            check(v[0].isSuccess(), "verification failed");

            log("baseline: raw Angus FETCH+APPEND, one mailbox at a time");
            DovecotServer one = newTarget(mailboxes);
            resources.add(one);
            Measure raw1 = Measure.of(heap, List.of(source, one), () -> rawCopy(source, one, mailboxes, 1));
            one.stop();
            int wide = parallelism * 2;
            log("engine: first pass with %d mailboxes in parallel", wide);
            DovecotServer wideTarget = newTarget(mailboxes);
            resources.add(wideTarget);
            Measure widePass;
            try (Ledger wideLedger = Ledger.open(work.resolve("ledger-wide"), clock)) {
                SyncEngine wideEngine = new SyncEngine(settings(source, wideTarget, wide, work, clock), wideLedger,
                        clock, TransferListener.NONE);
                widePass = Measure.of(heap, List.of(source, wideTarget), () -> check(
                        wideEngine.run(mailboxes, Pass.PRESTAGE).copied() == corpus.messages(), "wide pass"));
            }
            wideTarget.stop();

            String loadAfter = loadAverage();
            write(output, spec, parallelism, corpus, indexing, engineRuns, firstReport, reruns, finalPass, freshLedger,
                    verify, raw1, baselineRuns, widePass, wide, probe, peerRuns, loadBefore, loadAfter);
            log("results written to %s", output.toAbsolutePath());
        } finally {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    log("cannot close %s: %s", resources.get(i), e);
                }
            }
            heap.stop();
            deleteTree(work);
        }
    }

    private static DovecotServer newTarget(List<BmaAddress> mailboxes) {
        DovecotServer target = server().hierarchy(HierarchyStyle.SLASH).storage(TARGET_STORAGE).start();
        for (BmaAddress a : mailboxes) {
            target.addUser(a.toString(), "unused-" + a.localPart());
        }
        return target;
    }

    private static TransferSettings settings(DovecotServer source, DovecotServer target, int parallelism, Path work,
                                             Clock clock) {
        return TransferSettings.builder()
                .imapSource(ImapEndpoint.parse(source.imapUrl(), "source"),
                        CredentialSource.master(source.masterUser(), Secret.of(source.masterPassword())), clock)
                .imapTarget(ImapEndpoint.parse(target.imapUrl(), "target"),
                        CredentialSource.master(target.masterUser(), Secret.of(target.masterPassword())), clock)
                .folderMapper(FolderMapper.preserve())
                .parallelism(parallelism)
                .maxMessageSize(64L << 20)
                .spoolDirectory(work)
                .build();
    }

    private static long statusProbe(DovecotServer source, List<BmaAddress> mailboxes, int threads) {
        try {
            return RawImapCopy.statusProbe(source, mailboxes, threads);
        } catch (Exception e) {
            throw new IllegalStateException("status probe failed: " + e, e);
        }
    }

    private static long mbsync(DovecotServer source, DovecotServer target, List<BmaAddress> mailboxes, int threads,
                               Path work) {
        try {
            return MbsyncPeer.copy(source, target, mailboxes, threads, work);
        } catch (Exception e) {
            throw new IllegalStateException("mbsync copy failed: " + e, e);
        }
    }

    /** Messages in every folder of every mailbox of {@code server}, by {@code doveadm mailbox status}. */
    static long messageCount(DovecotServer server, List<BmaAddress> mailboxes) throws IOException,
            InterruptedException {
        long total = 0;
        for (BmaAddress a : mailboxes) {
            Process p = new ProcessBuilder("doveadm", "-c", server.configFile().toString(), "-f", "tab", "mailbox",
                    "status", "-u", a.toString(), "messages", "*").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("doveadm mailbox status failed for " + a + ": " + out);
            }
            if (Boolean.getBoolean("bma.benchmark.debug")) {
                log("doveadm %s: %s", a, out);
            }
            // "-f tab": a header line, then the folder name and its count, tab-separated
            total += out.lines().skip(1).map(l -> l.substring(l.lastIndexOf('\t') + 1).strip())
                    .filter(v -> v.matches("\\d+")).mapToLong(Long::parseLong).sum();
        }
        return total;
    }

    private static long[] rawCopy(DovecotServer source, DovecotServer target, List<BmaAddress> mailboxes, int threads) {
        try {
            return RawImapCopy.copy(source, target, mailboxes, threads);
        } catch (Exception e) {
            throw new IllegalStateException("baseline copy failed: " + e, e);
        }
    }

    /** Indexes the generated Maildirs (and reads them once) so that no run pays Dovecot's first scan. */
    static Duration warmUp(DovecotServer source, List<BmaAddress> mailboxes) throws IOException,
            InterruptedException {
        long t0 = System.nanoTime();
        for (BmaAddress a : mailboxes) {
            Process p = new ProcessBuilder("doveadm", "-c", source.configFile().toString(), "mailbox", "status",
                    "-u", a.toString(), "messages vsize", "*").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("doveadm mailbox status failed for " + a + "\n" + source.logTail(20));
            }
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark run is not correct: " + what);
        }
    }

    private static void write(Path output, Spec spec, int parallelism, Corpus corpus, Duration indexing,
                              List<Measure> engineRuns, TransferReport firstReport, List<Measure> reruns, Measure finalPass,
                              Measure freshLedger, Measure verify, Measure raw1, List<Measure> baselineRuns,
                              Measure widePass, int wide, Measure probe, List<Measure> peerRuns, String loadBefore,
                              String loadAfter)
            throws IOException {
        double mb = corpus.megabytes();
        int n = corpus.messages();
        StringBuilder md = new StringBuilder();
        md.append("# Transfer benchmark\n\n")
                .append("Generated by `").append(TransferBenchmark.class.getName()).append("` on ")
                .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(".\n")
                .append("Rerun: `mvn -B -pl bma-core -am -Pbenchmark -DskipTests verify` (needs `dovecot-core`, ")
                .append("`dovecot-imapd` and root or a normal user as described in `DovecotServer`).\n\n")
                .append("## Set-up\n\n")
                .append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (")
                .append(cpuModel()).append("), load average before ").append(loadBefore).append(", after ")
                .append(loadAfter).append(" (the machine is shared: other builds ran at the same time).\n")
                .append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(", max heap ")
                .append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB; Dovecot ").append(dovecotVersion())
                .append(TUNED ? ", benchmark-tuned servers (`mail_fsync = never`, `mail_save_crlf = yes`, "
                        + "`maildir_very_dirty_syncs = yes`)" : ", `mail_fsync = never`")
                .append(loginTuning())
                .append(", source in Maildir, targets in ").append(TARGET_STORAGE.name().toLowerCase(Locale.ROOT))
                .append(", on the same disk, loopback TCP.\n")
                .append("- Source: a Dovecot with Courier-style folders (`.` separator, `INBOX.` prefix); target: a ")
                .append("second Dovecot (`/` separator). Master (admin) logins on both sides, SASL PLAIN with ")
                .append("authorization identity.\n")
                .append(String.format(Locale.ROOT, "- Corpus (seed %d): %d mailboxes, %d messages, %.1f MB ",
                        spec.seed(), spec.mailboxes(), n, mb))
                .append(String.format(Locale.ROOT, "(MB = 10^6 bytes), %d folders per mailbox (nested, accented), ",
                        corpus.folders()))
                .append(String.format(Locale.ROOT, "largest message %.1f MB, %d without Message-ID, %d exact duplicates. ",
                        corpus.largest() / 1e6, corpus.withoutMessageId(), corpus.duplicates()))
                .append("Mix: ");
        for (Kind k : Kind.values()) {
            md.append(String.format(Locale.ROOT, "%s %d (%.1f MB)%s", k.name().toLowerCase(Locale.ROOT),
                    corpus.count().get(k), corpus.kindBytes().get(k) / 1e6, k == Kind.LARGE ? ".\n" : ", "));
        }
        md.append(String.format(Locale.ROOT, "- Written straight into the source's Maildirs in %.1f s, then indexed "
                + "by `doveadm mailbox status ... vsize` in %.1f s (outside every measure below).%n%n",
                corpus.generation().toMillis() / 1e3, indexing.toMillis() / 1e3));
        md.append("## Results\n\n")
                .append("| run | time (s) | messages/s | MB/s | peak heap (MiB) | CPU (s): client | Dovecots (source + target) | whole machine | load (1 min) after |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < engineRuns.size(); i++) {
            md.append(row("Baseline: raw Angus FETCH+APPEND, " + parallelism + " mailboxes in parallel (run " + (i + 1)
                    + ")", baselineRuns.get(i), n, mb));
            md.append(row("**SyncEngine, first pass, " + parallelism + " mailboxes in parallel (run " + (i + 1) + ")**",
                    engineRuns.get(i), n, mb));
            if (i < peerRuns.size()) {
                md.append(row("Peer: mbsync (" + MbsyncPeer.version() + "), " + parallelism
                        + " mailboxes in parallel (run " + (i + 1) + ")", peerRuns.get(i), n, mb));
            }
        }
        List<Measure> sortedReruns = reruns.stream().sorted(java.util.Comparator.comparingLong(Measure::nanos)).toList();
        Measure rerun = sortedReruns.get(0);
        Measure medianRerun = sortedReruns.get(sortedReruns.size() / 2);
        md.append(row("SyncEngine, no-op rerun (pre-stage, same ledger), best of " + reruns.size(), rerun, n, mb));
        md.append(row("SyncEngine, no-op rerun (pre-stage, same ledger), median of " + reruns.size(), medianRerun, n,
                mb));
        md.append(row("SyncEngine, final pass, nothing new (full listing, flag sync)", finalPass, n, mb));
        md.append(row("SyncEngine, no-op rerun with an empty ledger", freshLedger, n, mb));
        md.append(row("Probe: 1 login + 1 LIST-STATUS per mailbox on the source (the least a no-op rerun needs)",
                probe, n, mb));
        md.append(row("Verifier (every message, by trace key)", verify, n, mb));
        md.append(row("Baseline: raw Angus FETCH+APPEND, 1 mailbox at a time", raw1, n, mb));
        md.append(row("SyncEngine, first pass, " + wide + " mailboxes in parallel", widePass, n, mb));
        Measure first = engineRuns.stream().min(java.util.Comparator.comparingLong(Measure::nanos)).orElseThrow();
        Measure rawN = baselineRuns.stream().min(java.util.Comparator.comparingLong(Measure::nanos)).orElseThrow();
        double firstSeconds = first.seconds();
        md.append(String.format(Locale.ROOT, "%nBest first pass: %.1f s, %.1f MB/s, %.0f messages/s (target ≥ 100 MB/s); "
                        + "best baseline with the same parallelism: %.1f s, %.1f MB/s; engine / baseline throughput: "
                        + "%.2f.%n", firstSeconds, mb / firstSeconds, n / firstSeconds, rawN.seconds(),
                mb / rawN.seconds(), rawN.seconds() / firstSeconds));
        if (!peerRuns.isEmpty()) {
            Measure peer = peerRuns.stream().min(java.util.Comparator.comparingLong(Measure::nanos)).orElseThrow();
            md.append(String.format(Locale.ROOT, "Best mbsync run on the same corpus and servers: %.1f s, %.1f MB/s; "
                    + "engine / mbsync throughput: %.2f; client CPU per MB: engine %.1f ms, mbsync %.1f ms.%n",
                    peer.seconds(), mb / peer.seconds(), peer.seconds() / firstSeconds, 1000 * first.cpuSeconds() / mb,
                    1000 * peer.cpuSeconds() / mb));
        } else {
            md.append("mbsync was not measured: ").append(MbsyncPeer.MBSYNC).append(" is not installed (Debian package isync).\n");
        }
        md.append(String.format(Locale.ROOT, "No-op rerun: %.1f %% of the best first pass (same ledger; best of %d, "
                        + "median %.1f %%; all: %s s), %.1f %% for the final pass, %.1f %% with an empty ledger "
                        + "(target ≤ 5 %%).%n%n",
                100 * rerun.seconds() / firstSeconds, reruns.size(), 100 * medianRerun.seconds() / firstSeconds,
                reruns.stream().map(r -> String.format(Locale.ROOT, "%.2f", r.seconds()))
                        .collect(java.util.stream.Collectors.joining(", ")),
                100 * finalPass.seconds() / firstSeconds,
                100 * freshLedger.seconds() / firstSeconds));
        md.setLength(md.length() - 1);
        md.append(String.format(Locale.ROOT, "The source-side probe (one login and one LIST-STATUS per mailbox) "
                + "takes %.1f %%.%n%n", 100 * probe.seconds() / firstSeconds));
        int cores = Runtime.getRuntime().availableProcessors();
        java.util.Map<String, Measure> cpu = new java.util.LinkedHashMap<>();
        cpu.put("CPU, best engine first pass", first);
        cpu.put("CPU, best baseline in parallel", rawN);
        peerRuns.stream().min(java.util.Comparator.comparingLong(Measure::nanos))
                .ifPresent(p -> cpu.put("CPU, best mbsync run", p));
        for (java.util.Map.Entry<String, Measure> e : cpu.entrySet()) {
            Measure m = e.getValue();
            double ours = m.cpuSeconds() + m.dovecotSeconds();
            md.append(String.format(Locale.ROOT, "- %s: the client and the two Dovecots used %.1f CPU-s (%.0f ms per MB), "
                            + "%.0f %% of the machine's busy time (%.1f of %d × %.1f core-s); with the %d cores to "
                            + "themselves that would be about %.0f MB/s.%n",
                    e.getKey(), ours,
                    1000 * ours / mb, m.machineSeconds() > 0 ? 100 * ours / m.machineSeconds() : 0,
                    m.machineSeconds(), cores, m.seconds(), cores, cores * mb / ours));
        }
        md.append("\nEngine report of the first pass:\n\n```\n").append(firstReport.summary().lines().limit(3)
                .reduce((a, b) -> a + "\n" + b).orElse("")).append("\n```\n");
        Files.createDirectories(output.toAbsolutePath().getParent());
        String existing = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        int notes = existing.indexOf("\n" + WanReport.HEADING);
        if (notes < 0) {
            notes = existing.indexOf("\n## Analysis");
        }
        if (notes >= 0) {
            // Keep the WAN mode's figures and the hand-written analysis below the generated figures.
            md.append(existing.substring(notes));
        }
        Files.writeString(output, md.toString(), StandardCharsets.UTF_8);
        System.out.println(md);
    }

    private static String row(String name, Measure m, int messages, double mb) {
        return String.format(Locale.ROOT, "| %s | %.2f | %.0f | %.1f | %d | %.1f | %.1f (%.1f + %.1f) | %.1f | %s |%n",
                name, m.seconds(), messages / m.seconds(), mb / m.seconds(), m.peakHeap() >> 20, m.cpuSeconds(),
                m.dovecotSeconds(), m.sourceSeconds(), m.dovecotSeconds() - m.sourceSeconds(), m.machineSeconds(),
                m.load());
    }

    /** A benchmark server: tuned and logging in as every run of the benchmark has it, for every client alike. */
    static DovecotServer.Builder server() {
        return DovecotServer.builder().throughputTuned(TUNED).fastLogins(FAST_LOGINS).imapProcessReuse(IMAP_PROCESS_REUSE);
    }

    /** How the benchmark's servers were set up for logins, for the reports. */
    static String loginTuning() {
        return (FAST_LOGINS ? ", login high-performance mode on every server for every client alike "
                + "(`service imap-login { service_count = 0; process_min_avail = "
                + Runtime.getRuntime().availableProcessors() + " }`, `service imap { process_min_avail = 16 }`)"
                : "")
                + (IMAP_PROCESS_REUSE > 1 ? ", imap processes reused by later logins (`service imap { service_count = "
                        + IMAP_PROCESS_REUSE + " }`, Dovecot's performance tuning)" : ", an imap process started per login");
    }

    /** CPU time this JVM has used so far, all its threads (the JIT's and the collector's included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static String dovecotVersion() {
        try {
            Process p = new ProcessBuilder(DovecotServer.DOVECOT.toString(), "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return v;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[benchmark %tT] " + format + "%n", prepend(java.time.LocalTime.now(java.time.ZoneOffset.UTC), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }

    /** Wall time, peak heap, and CPU of the JVM, of the Dovecot servers involved and of the whole machine. */
    record Measure(long nanos, long peakHeap, long cpuNanos, long dovecotNanos, long sourceNanos, long machineNanos,
                   String load) {

        static Measure of(HeapSampler heap, List<DovecotServer> servers, Runnable run) {
            System.gc();
            heap.reset();
            long dovecot0 = dovecotCpu(servers);
            long source0 = servers.get(0).cpuTime().toNanos();
            long machine0 = machineCpu();
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            run.run();
            long t = System.nanoTime() - t0;
            long cpu = processCpuNanos() - cpu0;
            // imap processes of closed sessions are counted once their master reaps them
            sleepQuietly(200);
            return new Measure(t, heap.peak(), cpu, dovecotCpu(servers) - dovecot0,
                    servers.get(0).cpuTime().toNanos() - source0, machineCpu() - machine0,
                    loadAverage().split(" ")[0]);
        }

        double seconds() {
            return nanos / 1e9;
        }

        double cpuSeconds() {
            return cpuNanos / 1e9;
        }

        double dovecotSeconds() {
            return dovecotNanos / 1e9;
        }

        /** CPU of the first server measured: the source. */
        double sourceSeconds() {
            return sourceNanos / 1e9;
        }

        double machineSeconds() {
            return machineNanos / 1e9;
        }

        private static long dovecotCpu(List<DovecotServer> servers) {
            return servers.stream().mapToLong(s -> s.cpuTime().toNanos()).sum();
        }

        /** Busy time of all CPUs since boot (user+nice+system+irq+softirq+steal), from /proc/stat. */
        private static long machineCpu() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < f.length && i <= 8; i++) {
                    if (i != 4 && i != 5) { // idle, iowait
                        busy += Long.parseLong(f[i]);
                    }
                }
                return busy * 10_000_000L; // USER_HZ = 100
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        private static void sleepQuietly(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Samples the used heap every 10 ms and keeps the maximum (a lower bound of the true peak). */
    static final class HeapSampler {
        private final Thread thread;
        private volatile long peak;
        private volatile boolean running = true;

        HeapSampler() {
            thread = new Thread(() -> {
                while (running) {
                    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    if (used > peak) {
                        peak = used;
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void reset() {
            peak = 0;
        }

        long peak() {
            return peak;
        }

        void stop() {
            running = false;
            thread.interrupt();
        }
    }
}
