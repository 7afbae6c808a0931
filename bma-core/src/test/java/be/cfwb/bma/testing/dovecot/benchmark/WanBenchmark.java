package be.cfwb.bma.testing.dovecot.benchmark;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.benchmark.CorpusGenerator.Corpus;
import be.cfwb.bma.testing.dovecot.benchmark.CorpusGenerator.Spec;
import be.cfwb.bma.testing.dovecot.benchmark.TransferBenchmark.HeapSampler;
import be.cfwb.bma.testing.dovecot.benchmark.TransferBenchmark.Measure;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static be.cfwb.bma.testing.dovecot.benchmark.TransferBenchmark.check;
import static be.cfwb.bma.testing.dovecot.benchmark.TransferBenchmark.log;

/**
 * The WAN mode of the transfer benchmark (issue 15): the same corpus copied by the engine and by
 * the peers (mbsync; dsync pulling over imapc) with a {@link be.cfwb.bma.testing.net.LatencyRelay}
 * in front of every server, at round-trip times of 0, 10, 20 and 40 ms, each tool meeting the same
 * source and identically configured fresh targets in the same minutes; plus an Exchange-like
 * target profile (no MULTIAPPEND, 35 MB message limit, a per-mailbox connection limit), the
 * engine's no-op pre-stage rerun and the probe (one login and one status listing per mailbox), and
 * the engine's final pass with nothing new (every folder listed and compared on both sides).
 * Writes the "WAN" section of {@code docs/benchmarks/transfer.md}, before the hand-written analysis.
 *
 * <p>Run with {@code -Dbma.benchmark.wan=true} in the benchmark profile. System properties, besides
 * those of {@link TransferBenchmark}: {@code bma.benchmark.rtts} (0,10,20,40, in ms),
 * {@code bma.benchmark.reruns} (5) and {@code bma.benchmark.finals} (2),
 * {@code bma.benchmark.exchangeConnections} (16: connections one mailbox may hold on the
 * Exchange-like target, Exchange's default per user).
 */
final class WanBenchmark {

    /** What Exchange Online announces (../shared/EXCHANGE.md), less the AUTH= the login adds. */
    static final String EXCHANGE_CAPABILITIES = "IMAP4rev1 SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+";
    /** Exchange Online's fixed limit for IMAP migration. */
    static final long EXCHANGE_MESSAGE_LIMIT = 35_000_000L;

    private static final int RERUNS = Integer.getInteger("bma.benchmark.reruns", 5);
    /** Final passes with nothing new after the reruns: the migration day's delta pass, which reads every folder. */
    private static final int FINALS = Integer.getInteger("bma.benchmark.finals", 2);
    private static final int EXCHANGE_CONNECTIONS = Integer.getInteger("bma.benchmark.exchangeConnections", 16);
    /** The engine's connections per mailbox; the product's default unless set. */
    private static final Integer CONNECTIONS = Integer.getInteger("bma.benchmark.connectionsPerMailbox");
    /** Rounds of unmeasured warm-up passes before the measures (see {@link #warmUpEngine}). */
    private static final int WARM_UP_ROUNDS = Integer.getInteger("bma.benchmark.warmUpRounds", 3);
    /** Which runs to make (names of {@link Run}, comma-separated); all by default. */
    private static final String RUNS = System.getProperty("bma.benchmark.runs", "");

    private WanBenchmark() {
    }

    /** The tools and profiles measured at each round-trip time, in the order they run. */
    enum Run {
        ENGINE("bma engine"), MBSYNC("mbsync"), DSYNC("dsync (imapc pull)"), ENGINE_EXCHANGE(
                "bma engine, Exchange-like target"), MBSYNC_EXCHANGE("mbsync, Exchange-like target");

        final String label;

        Run(String label) {
            this.label = label;
        }
    }

    /** What one round-trip time gave. */
    record Rtt(int millis, Map<Run, List<Measure>> runs, List<Measure> reruns, List<Measure> finals, Measure probe,
               Duration relayCpu) {

        Measure best(Run run) {
            return runs.getOrDefault(run, List.of()).stream().min(Comparator.comparingLong(Measure::nanos))
                    .orElse(null);
        }

        /** The fastest no-op rerun, null if none was measured. */
        Measure bestRerun() {
            return reruns.stream().min(Comparator.comparingLong(Measure::nanos)).orElse(null);
        }
    }

    static void run(Path output) throws Exception {
        Spec spec = new Spec(Long.getLong("bma.benchmark.seed", Spec.standard().seed()),
                Integer.getInteger("bma.benchmark.mailboxes", Spec.standard().mailboxes()),
                Integer.getInteger("bma.benchmark.messages", Spec.standard().messagesPerMailbox()));
        int parallelism = Integer.getInteger("bma.benchmark.parallelism", 4);
        int repetitions = Integer.getInteger("bma.benchmark.repetitions", 1);
        int[] rtts = Arrays.stream(System.getProperty("bma.benchmark.rtts", "0,10,20,40").split(","))
                .map(String::strip).mapToInt(Integer::parseInt).toArray();
        String loadBefore = TransferBenchmark.loadAverage();
        Instant started = Instant.now();
        Path work = Files.createTempDirectory("bma-wan-benchmark-");
        HeapSampler heap = new HeapSampler();
        List<AutoCloseable> resources = new ArrayList<>();
        try (RelayProcess relays = RelayProcess.start()) {
            DovecotServer source = TransferBenchmark.server().hierarchy(HierarchyStyle.DOT_INBOX_PREFIX).start();
            resources.add(source);
            List<BmaAddress> mailboxes = CorpusGenerator.mailboxes(spec);
            for (BmaAddress a : mailboxes) {
                source.addUser(a.toString(), "unused-" + a.localPart());
            }
            Corpus corpus = CorpusGenerator.writeMaildirs(source, spec);
            log("corpus: %d messages, %.1f MB; indexing it", corpus.messages(), corpus.megabytes());
            TransferBenchmark.warmUp(source, mailboxes);
            Clock clock = Clock.systemUTC();
            List<Double> warmUpCpu = warmUpEngine(source, mailboxes, parallelism, work, clock, corpus);
            // Each repetition runs every round-trip time in turn, in the reverse order every other time
            // (0, 20, 20, 0, ...), so that a ratio between two of them compares passes minutes apart
            // and a drift over the run (the shared machine's load, a JIT still warming) favours none.
            Map<Integer, Collected> collected = new LinkedHashMap<>();
            for (int rtt : rtts) {
                collected.put(rtt, new Collected(relays.relay(source.imapPort(), Duration.ofMillis(rtt))));
            }
            for (int rep = 1; rep <= repetitions; rep++) {
                List<Integer> inTurn = new ArrayList<>(Arrays.stream(rtts).boxed().toList());
                if (rep % 2 == 0) {
                    Collections.reverse(inTurn);
                }
                for (int rtt : inTurn) {
                    Collected c = collected.get(rtt);
                    Duration relayCpu0 = relays.cpuTime();
                    measureRound(relays, source, c.sourcePort, rtt, rep, rep == repetitions, mailboxes, parallelism,
                            work, clock, corpus, heap, c);
                    c.relayCpu = c.relayCpu.plus(relays.cpuTime().minus(relayCpu0));
                }
            }
            List<Rtt> results = new ArrayList<>();
            for (int rtt : rtts) {
                Collected c = collected.get(rtt);
                log("RTT %d ms: probe", rtt);
                Duration relayCpu0 = relays.cpuTime();
                long[] probed = new long[1];
                Measure probe = Measure.of(heap, List.of(source), () -> probed[0] = peer(
                        () -> RawImapCopy.statusProbe(source, c.sourcePort, mailboxes, parallelism)));
                check(probed[0] >= (long) mailboxes.size() * CorpusGenerator.folderPaths().size(),
                        "probe saw " + probed[0] + " folders");
                c.relayCpu = c.relayCpu.plus(relays.cpuTime().minus(relayCpu0));
                results.add(new Rtt(rtt, c.runs, c.reruns, c.finals, probe, c.relayCpu));
            }
            String section = WanReport.section(spec, corpus, parallelism, repetitions, EXCHANGE_CONNECTIONS, results,
                    warmUpCpu, loadBefore, TransferBenchmark.loadAverage(), started);
            System.out.println(section);
            WanReport.write(output, section);
            log("WAN results written to %s", output.toAbsolutePath());
        } finally {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    log("cannot close %s: %s", resources.get(i), e);
                }
            }
            heap.stop();
            TransferBenchmark.deleteTree(work);
        }
    }

    /** What one round-trip time has gathered so far over the repetitions. */
    private static final class Collected {
        final int sourcePort;
        final Map<Run, List<Measure>> runs = new LinkedHashMap<>();
        final List<Measure> reruns = new ArrayList<>();
        final List<Measure> finals = new ArrayList<>();
        Duration relayCpu = Duration.ZERO;

        Collected(int sourcePort) {
            this.sourcePort = sourcePort;
        }
    }

    /**
     * One repetition at one round-trip time: every tool and profile once, each to a fresh target;
     * in the last repetition the engine's no-op reruns and final passes follow its first pass.
     */
    private static void measureRound(RelayProcess relays, DovecotServer source, int sourcePort, int rtt, int rep,
                                     boolean lastRepetition, List<BmaAddress> mailboxes, int parallelism, Path work,
                                     Clock clock, Corpus corpus, HeapSampler heap, Collected into) throws Exception {
        Duration roundTrip = Duration.ofMillis(rtt);
        for (Run run : Run.values()) {
            if (!RUNS.isBlank() && !Arrays.asList(RUNS.split(",")).contains(run.name())) {
                continue;
            }
            if (run == Run.MBSYNC || run == Run.MBSYNC_EXCHANGE) {
                if (!MbsyncPeer.isInstalled()) {
                    continue;
                }
            } else if (run == Run.DSYNC && !DsyncPeer.isInstalled()) {
                continue;
            }
            boolean exchange = run == Run.ENGINE_EXCHANGE || run == Run.MBSYNC_EXCHANGE;
            DovecotServer target = newTarget(mailboxes, exchange);
            int targetPort = relays.relay(target.imapPort(), roundTrip);
            log("RTT %d ms, run %d: %s", rtt, rep, run.label);
            Measure m;
            switch (run) {
                case ENGINE, ENGINE_EXCHANGE -> {
                    boolean last = run == Run.ENGINE && lastRepetition;
                    try (Ledger ledger = Ledger.open(work.resolve("ledger-" + rtt + "-" + run + rep), clock)) {
                        SyncEngine engine = new SyncEngine(settings(source, sourcePort, target, targetPort,
                                parallelism, work, clock), ledger, clock, TransferListener.NONE);
                        TransferReport[] r = new TransferReport[1];
                        m = Measure.of(heap, List.of(source, target),
                                () -> r[0] = engine.run(mailboxes, Pass.PRESTAGE));
                        check(r[0].isComplete() && r[0].copied() == corpus.messages(), r[0].summary());
                        if (last) {
                            for (int i = 1; i <= RERUNS; i++) {
                                log("RTT %d ms: no-op rerun %d of %d", rtt, i, RERUNS);
                                into.reruns.add(Measure.of(heap, List.of(source, target), () -> check(
                                        engine.run(mailboxes, Pass.PRESTAGE).copied() == 0, "rerun copied")));
                            }
                            for (int i = 1; i <= FINALS; i++) {
                                log("RTT %d ms: final pass, nothing new, %d of %d", rtt, i, FINALS);
                                TransferReport[] f = new TransferReport[1];
                                into.finals.add(Measure.of(heap, List.of(source, target),
                                        () -> f[0] = engine.run(mailboxes, Pass.FINAL)));
                                check(f[0].isComplete() && f[0].copied() == 0
                                        && f[0].alreadyPresent() == corpus.messages(), f[0].summary());
                            }
                        }
                    }
                }
                case MBSYNC, MBSYNC_EXCHANGE -> {
                    long[] cpu = new long[1];
                    Measure p = Measure.of(heap, List.of(source, target), () -> cpu[0] = peer(
                            () -> MbsyncPeer.copy(source, sourcePort, target, targetPort, mailboxes,
                                    parallelism, work)));
                    m = clientCpu(p, cpu[0]);
                }
                case DSYNC -> {
                    long[] cpu = new long[1];
                    Measure p = Measure.of(heap, List.of(source, target), () -> cpu[0] = peer(
                            () -> DsyncPeer.copy(source, sourcePort, target, mailboxes, parallelism, work)));
                    m = clientCpu(p, cpu[0]);
                }
                default -> throw new IllegalStateException(run.name());
            }
            long count = TransferBenchmark.messageCount(target, mailboxes);
            check(count == corpus.messages(), run.label + " left " + count + " messages on the target");
            into.runs.computeIfAbsent(run, k -> new ArrayList<>()).add(m);
            log("  %.2f s, %.1f MB/s, client CPU %.1f s, source CPU %.1f s, target CPU %.1f s,"
                            + " source logins so far %d, target logins %d", m.seconds(),
                    corpus.megabytes() / m.seconds(), m.cpuSeconds(), m.sourceNanos() / 1e9,
                    (m.dovecotNanos() - m.sourceNanos()) / 1e9, logins(source), logins(target));
            target.stop();
        }
    }

    /**
     * Unmeasured engine passes, straight to fresh targets, in rounds of one pass per path the
     * measured runs take: one connection per mailbox (RTT 0), further connections (the far runs:
     * folders over several connections, listings read ahead), and the Exchange-like target (one
     * APPEND per message). The JIT compiles each path here rather than in the measured passes (the
     * peers are native programs): on the benchmark machine the client's CPU per pass kept falling
     * for six passes or so (after one round: 3.1 CPU-s at the first measured pass, about 2 from the
     * fourth), so one round left the RTT measured last with the warmer JVM.
     *
     * @return the client CPU of each round, in seconds: level by the last rounds once the JVM is warm
     */
    private static List<Double> warmUpEngine(DovecotServer source, List<BmaAddress> mailboxes, int parallelism,
                                             Path work, Clock clock, Corpus corpus) throws Exception {
        List<Double> roundCpu = new ArrayList<>();
        for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
            long cpu0 = TransferBenchmark.processCpuNanos();
            for (WarmUp warmUp : WarmUp.values()) {
                log("engine: unmeasured warm-up pass (JIT), round %d of %d, %s", round, WARM_UP_ROUNDS, warmUp.label);
                DovecotServer target = newTarget(mailboxes, warmUp == WarmUp.EXCHANGE_LIKE);
                try (Ledger ledger = Ledger.open(work.resolve("ledger-warm-up-" + round + "-" + warmUp), clock)) {
                    TransferSettings settings = settings(source, source.imapPort(), target, target.imapPort(),
                            parallelism, work, clock);
                    if (warmUp == WarmUp.FURTHER_CONNECTIONS) {
                        settings = settings.toBuilder().furtherConnectionsFrom(Duration.ZERO).build();
                    }
                    TransferReport r = new SyncEngine(settings, ledger, clock, TransferListener.NONE)
                            .run(mailboxes, Pass.PRESTAGE);
                    check(r.copied() == corpus.messages(), r.summary());
                } finally {
                    target.stop();
                }
            }
            roundCpu.add((TransferBenchmark.processCpuNanos() - cpu0) / 1e9);
            log("engine: warm-up round %d used %.1f client CPU-s", round, roundCpu.get(roundCpu.size() - 1));
        }
        return roundCpu;
    }

    private enum WarmUp {
        ONE_CONNECTION("one connection per mailbox"),
        FURTHER_CONNECTIONS("further connections whatever the round trip"),
        EXCHANGE_LIKE("Exchange-like target");

        private final String label;

        WarmUp(String label) {
            this.label = label;
        }
    }

    /** A fresh target: as the standard benchmark's, or Exchange-like. */
    private static DovecotServer newTarget(List<BmaAddress> mailboxes, boolean exchange) {
        DovecotServer.Builder b = TransferBenchmark.server().hierarchy(HierarchyStyle.SLASH)
                .storage(TransferBenchmark.TARGET_STORAGE);
        if (exchange) {
            b.imapCapability(EXCHANGE_CAPABILITIES).maxMessageSize(EXCHANGE_MESSAGE_LIMIT)
                    .maxUserIpConnections(EXCHANGE_CONNECTIONS);
        }
        DovecotServer target = b.start();
        for (BmaAddress a : mailboxes) {
            target.addUser(a.toString(), "unused-" + a.localPart());
        }
        return target;
    }

    private static TransferSettings settings(DovecotServer source, int sourcePort, DovecotServer target,
                                             int targetPort, int parallelism, Path work, Clock clock) {
        TransferSettings.Builder b = TransferSettings.builder()
                .imapSource(ImapEndpoint.parse("imap://" + source.host() + ":" + sourcePort, "source"),
                        CredentialSource.master(source.masterUser(), Secret.of(source.masterPassword())), clock)
                .imapTarget(ImapEndpoint.parse("imap://" + target.host() + ":" + targetPort, "target"),
                        CredentialSource.master(target.masterUser(), Secret.of(target.masterPassword())), clock)
                .folderMapper(FolderMapper.preserve())
                .parallelism(parallelism)
                .maxMessageSize(64L << 20)
                .spoolDirectory(work);
        if (CONNECTIONS != null) {
            b.connectionsPerMailbox(CONNECTIONS);
        }
        return b.build();
    }

    /** Logins the server's log shows so far: what each tool's sessions cost the legacy server. */
    private static long logins(DovecotServer server) {
        try (var lines = Files.lines(server.logFile())) {
            return lines.filter(l -> l.contains("Login: user=<")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A peer's measure with the peer processes' CPU as the client's and no JVM heap. */
    private static Measure clientCpu(Measure m, long cpuNanos) {
        return new Measure(m.nanos(), 0, cpuNanos, m.dovecotNanos(), m.sourceNanos(), m.machineNanos(), m.load());
    }

    interface PeerRun {
        long run() throws Exception;
    }

    private static long peer(PeerRun run) {
        try {
            return run.run();
        } catch (Exception e) {
            throw new IllegalStateException("peer run failed: " + e, e);
        }
    }
}
