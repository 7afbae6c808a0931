package be.cfwb.bma.ledger;

import be.cfwb.bma.Bma;
import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.StatusResult;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * How fast status and report answer over a campaign's ledger: the 4,064 mailboxes of the bundled
 * open data, each with the events the demo records for a mailbox (the fixture of
 * {@link LedgerFormatTest}), then the reruns of a long campaign (a new mail copied by a final
 * delta, again and again) up to 4× and 16× as many events. Each measure runs in a JVM of its own
 * with {@code -Xmx256m}. Not a test: a main class, see {@code docs/benchmarks/ledger.md}.
 *
 * <p>Arguments: a work directory, then the scales (default 1 4 16); or {@code breakdown} and a
 * ledger directory, for where the time of a status goes.
 */
public final class LedgerBenchmark {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-12-20T08:00:00Z"), ZoneOffset.UTC);

    private LedgerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("measure")) {
            measure(Path.of(args[1]));
            return;
        }
        if (args.length > 0 && args[0].equals("breakdown")) {
            breakdown(Path.of(args[1]));
            return;
        }
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench-ledger");
        List<Integer> scales = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            scales.add(Integer.parseInt(args[i]));
        }
        if (scales.isEmpty()) {
            scales = List.of(1, 4, 16);
        }
        System.out.println("| ledger | events | MB | open + `status` (all 4,064) | `status` (one, with history) | `report` | peak heap |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (int scale : scales) {
            Path dir = work.resolve(scale + "x");
            long events = Files.exists(dir.resolve(Ledger.JOURNAL)) ? countLines(dir) : generate(dir, scale);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int run = 0; run < 3; run++) {
                Process p = new ProcessBuilder(java, "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                        classpath(), LedgerBenchmark.class.getName(), "measure", dir.toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor(10, TimeUnit.MINUTES);
                System.out.printf("| %d× (run %d) | %,d | %d | %s |%n", scale, run + 1, events,
                        Files.size(dir.resolve(Ledger.JOURNAL)) / 1_000_000, p.exitValue() == 0 ? line : "FAILED (exit " + p.exitValue() + ")");
            }
        }
    }

    /** The test classpath, also under {@code exec:java} (which loads it in a class loader of its own). */
    private static String classpath() throws Exception {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                entries.add(Path.of(url.toURI()).toString());
            }
            return String.join(java.io.File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /** In a fresh JVM: what ops wait for after the plugin has started. */
    private static void measure(Path dir) {
        Inventory inventory = Inventory.bundledOpenData();
        Bma bma = Bma.configure().inventory(inventory).ledgerDirectory(dir).outputDirectory(dir.resolve("out"))
                .clock(CLOCK).load();
        long t0 = System.nanoTime();
        StatusResult all = bma.status(MailboxSelection.all());
        long t1 = System.nanoTime();
        BmaAddress one = inventory.mailboxes().get(inventory.size() / 2).address();
        MailboxStatus row = bma.status(MailboxSelection.parse(one.toString())).mailboxes().get(0);
        int history = row.history().size();
        long t2 = System.nanoTime();
        bma.report(MailboxSelection.all());
        long t3 = System.nanoTime();
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        if (all.totalsByStep().values().stream().mapToInt(Integer::intValue).sum() != inventory.size() || history == 0) {
            throw new IllegalStateException("wrong answer: " + all.totalsByStep() + ", history " + history);
        }
        System.out.printf("%s | %s (%d events) | %s | %d MB%n", ms(t1 - t0), ms(t2 - t1), history, ms(t3 - t2),
                peak / 1_000_000);
    }

    /**
     * Where the time of a status goes, without a profiler (run in a fresh JVM, {@code -Xmx256m}):
     * opening the ledger, then a row per mailbox, then a whole status again with the JVM warm.
     */
    private static void breakdown(Path dir) {
        Inventory inventory = Inventory.bundledOpenData();
        long t0 = System.nanoTime();
        Ledger ledger = Ledger.openReadOnly(dir, CLOCK);
        long t1 = System.nanoTime();
        int kinds = 0;
        for (Mailbox mailbox : inventory.mailboxes()) {
            List<LedgerEvent> last = ledger.lastOfEachKind(mailbox.address());
            kinds += last.size();
            be.cfwb.bma.MailboxStep.of(last);
            be.cfwb.bma.MailboxStep.lastStepEvent(last);
            ledger.historyView(mailbox.address());
        }
        long t2 = System.nanoTime();
        ledger.close();
        Bma bma = Bma.configure().inventory(inventory).ledgerDirectory(dir).outputDirectory(dir.resolve("out"))
                .clock(CLOCK).load();
        long t3 = System.nanoTime();
        bma.status(MailboxSelection.all());
        long t4 = System.nanoTime();
        System.out.printf("open %s | rows %s (%d last events) | status again, warm %s%n", ms(t1 - t0), ms(t2 - t1), kinds,
                ms(t4 - t3));
    }

    private static String ms(long nanos) {
        return String.format("%,d ms", Duration.ofNanos(nanos).toMillis());
    }

    /** Writes the ledger of a campaign {@code scale} times as long; returns the number of events. */
    static long generate(Path dir, int scale) throws IOException {
        Files.createDirectories(dir);
        List<LedgerEvent> fixture;
        Path tmp = Files.createTempDirectory("fixture");
        try (InputStream in = LedgerBenchmark.class.getResourceAsStream(LedgerFormatTest.FIXTURE)) {
            Files.copy(in, tmp.resolve(Ledger.JOURNAL));
        }
        try (Ledger ledger = Ledger.open(tmp)) {
            fixture = ledger.events();
        }
        Map<BmaKind, List<List<LedgerEvent>>> templates = new TreeMap<>();
        for (BmaAddress m : new java.util.TreeSet<>(fixture.stream().flatMap(e -> e.mailbox().stream()).toList())) {
            templates.computeIfAbsent(m.kind(), k -> new ArrayList<>()).add(fixture.stream().filter(e -> e.concerns(m)).toList());
        }
        List<LedgerEvent> runWide = fixture.stream().filter(e -> e.mailbox().isEmpty()).toList();
        Inventory inventory = Inventory.bundledOpenData();
        long seq = 0;
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(Ledger.JOURNAL), StandardCharsets.UTF_8)) {
            for (LedgerEvent e : runWide) {
                out.write(Ledger.toJson(new LedgerEvent(++seq, e.at(), e.type(), e.mailbox(), e.data())));
                out.write('\n');
            }
            int i = 0;
            for (Mailbox mailbox : inventory.mailboxes()) {
                List<List<LedgerEvent>> forKind = templates.get(mailbox.kind());
                List<LedgerEvent> template = forKind.get(i++ % forKind.size());
                String from = template.get(0).mailbox().orElseThrow().localPart();
                for (LedgerEvent e : template) {
                    TreeMap<String, String> data = new TreeMap<>();
                    e.data().forEach((k, v) -> data.put(k, v.replace(from, mailbox.address().localPart())));
                    out.write(Ledger.toJson(new LedgerEvent(++seq, e.at(), e.type(), java.util.Optional.of(mailbox.address()), data)));
                    out.write('\n');
                }
            }
            // The reruns of a long campaign: a final delta that copies one new mail, per mailbox, per round.
            long perCampaign = seq;
            long target = perCampaign * scale;
            Instant at = Instant.parse("2024-12-01T06:00:00Z");
            for (int round = 1; seq < target; round++) {
                at = at.plus(Duration.ofHours(6));
                for (Mailbox mailbox : inventory.mailboxes()) {
                    if (seq >= target) {
                        break;
                    }
                    out.write(Ledger.toJson(new LedgerEvent(++seq, at, Event.FolderSynced.TYPE,
                            java.util.Optional.of(mailbox.address()),
                            new Event.FolderSynced("INBOX", 1796409026L, 10 + round, "final").data())));
                    out.write('\n');
                    out.write(Ledger.toJson(new LedgerEvent(++seq, at, Event.PassDone.TYPE, java.util.Optional.of(mailbox.address()),
                            new Event.PassDone("final", true, java.util.OptionalLong.of(10 + round), 1, 4_000, 9 + round, 0, 0,
                                    0, 0, 0, java.util.Optional.of("."), java.util.Optional.of("")).data())));
                    out.write('\n');
                }
            }
        }
        return seq;
    }

    private static long countLines(Path dir) throws IOException {
        try (var lines = Files.lines(dir.resolve(Ledger.JOURNAL))) {
            return lines.count();
        }
    }
}
