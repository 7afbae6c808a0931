package be.cfwb.bma.demo;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.graph.GraphConnection;
import be.cfwb.bma.graph.GraphCredentialIssuer;
import be.cfwb.bma.graph.GraphCredentials;
import be.cfwb.bma.graph.GraphSettings;
import be.cfwb.bma.graph.GraphTarget;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.notify.NotificationLinks;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;
import be.cfwb.bma.calendar.PlanningSettings;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A complete migration on loopback servers, through the same API ops use: plan, the four
 * mails, provisioning, pre-stage copy, cutover, final delta, verification and the dashboard,
 * day after day over the 2024 calendar. Everything it needs lives in its state directory
 * (ledger, server ports); run it again after a kill and it continues, sending and copying
 * nothing twice.
 */
public final class Demo {

    /** How many mailboxes the demo migrates unless told otherwise: a few dozen. */
    public static final int DEFAULT_MAILBOXES = 24;

    private static final Duration SERVERS_START = Duration.ofSeconds(90);

    private final Path state;
    private final Path output;
    private final int size;
    private final Consumer<String> out;
    private final RunListener listener;
    /** Copies to the Graph stand-in instead of the IMAP stand-in of Exchange. */
    private final boolean graphTarget;

    /**
     * @param state    where the ledger and the servers' ports live (keep it between runs)
     * @param output   where reports go
     * @param size     how many mailboxes, at least 3
     * @param out      where progress lines go
     * @param listener hears each day's stages and copies
     */
    public Demo(Path state, Path output, int size, Consumer<String> out, RunListener listener) {
        this(state, output, size, out, listener, false);
    }

    private Demo(Path state, Path output, int size, Consumer<String> out, RunListener listener, boolean graphTarget) {
        if (size < 3) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "The demo needs at least 3 mailboxes, not " + size);
        }
        this.state = state.toAbsolutePath();
        this.output = output.toAbsolutePath();
        this.size = size;
        this.out = out;
        this.listener = listener;
        this.graphTarget = graphTarget;
    }

    /**
     * The same demo writing to {@code target} ({@code bma.target}): {@code imap} (the default, an
     * IMAP stand-in of Exchange) or {@code graph} (the Graph stand-in, as {@code bma.target=graph}
     * writes to Exchange Online). Each target keeps its own ledger in the state directory.
     *
     * @throws BmaException naming {@code bma.target} if it is neither
     */
    public Demo target(String target) {
        boolean graph = !TransferSettings.targetIsImap(be.cfwb.bma.config.BmaSettingsReader.of(
                Map.of(be.cfwb.bma.BmaProperties.TARGET, target == null ? "imap" : target)));
        return new Demo(state, output, size, out, listener, graph);
    }

    /**
     * Runs the demo from a plain JVM: {@code java -cp ... be.cfwb.bma.demo.Demo STATE_DIR OUTPUT_DIR [MAILBOXES [imap|graph]]}.
     * Exits with 0 when every mailbox is verified.
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: Demo STATE_DIR OUTPUT_DIR [MAILBOXES [imap|graph]]");
            System.exit(2);
        }
        int size = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_MAILBOXES;
        DemoResult result = new Demo(Path.of(args[0]), Path.of(args[1]), size, System.out::println, RunListener.NONE)
                .target(args.length > 3 ? args[3] : "imap").run();
        System.out.println("Report: " + result.report().toUri());
        System.out.println(result.summaryLine());
        System.exit(result.isSuccess() ? 0 : 1);
    }

    /** Runs the demo to the end, or from where a killed run stopped. */
    public DemoResult run() {
        Inventory inventory = sample(size);
        Map<BmaAddress, Integer> messageCounts = messageCounts(inventory);
        Properties servers = servers(messageCounts);
        SimulatedClock clock = new SimulatedClock(Instant.parse("2024-09-16T06:00:00Z"), PlanningSettings.ZONE);
        try (GraphConnection graph = GraphConnection.open(GraphSettings.builder()
                .credentials(GraphCredentials.staticToken(servers.getProperty("graph.token")))
                .baseUrl(servers.getProperty("graph.url")).clock(clock).build())) {
            Bma bma = configure(inventory, servers, clock, graph);
            List<LocalDate> days = days(bma);
            out.accept("Demo: " + inventory.size() + " mailboxes" + (graphTarget ? " to Microsoft Graph (stand-in)" : "")
                    + " (" + inventory.countByKind().get(BmaKind.PO) + " PO, "
                    + inventory.countByKind().get(BmaKind.EC) + " EC) from the open data, " + days.size()
                    + " working days from " + days.get(0) + " to " + days.get(days.size() - 1));
            CutoverHook cutover = CutoverHook.parse("true", state, Duration.ofSeconds(30));
            for (LocalDate day : days) {
                // After the day's last planned mail (mail 1 at 09:00): a mail never leaves before its time.
                clock.set(day.atTime(LocalTime.of(9, 0)).atZone(PlanningSettings.ZONE).toInstant());
                heartbeat();
                RunResult result = bma.run(day, MailboxSelection.all(), Optional.of(cutover), listener);
                String acted = result.stages().stream().filter(s -> !s.mailboxes().isEmpty())
                        .map(s -> s.stage().label() + " " + s.mailboxes().size()).collect(Collectors.joining(", "));
                if (!acted.isEmpty()) {
                    out.accept(day + ": " + acted);
                }
            }
            Path report = bma.report(MailboxSelection.all());
            DemoResult result = result(bma, inventory, report);
            if (result.isSuccess()) {
                stopServers();
            }
            return result;
        }
    }

    private Bma configure(Inventory inventory, Properties servers, SimulatedClock clock, GraphConnection graph) {
        Sleeper advance = d -> clock.set(clock.instant().plus(d.isNegative() ? Duration.ZERO : d));
        NotificationSettings notifications = NotificationSettings.builder()
                .links(NotificationLinks.of("https://outlook.office.com/mail/",
                        "https://enseignement.be/bma/tutoriel-connexion", "https://enseignement.be/bma/tutoriel-outlook"))
                .notifier(new SmtpNotifier(SmtpSettings.loopback(port(servers, "old.smtp")), advance))
                .credentialIssuer(new GraphCredentialIssuer(graph, advance))
                .sleeper(advance)
                .build();
        CredentialSource demoLogin = mailbox -> new MailboxCredentials.Password(mailbox.toString(),
                Secret.of(DemoServers.DEMO_PASSWORD));
        TransferSettings.Builder transfer = TransferSettings.builder()
                .imapSource(endpoint(servers, "old.imap", "demo old server"), demoLogin, clock)
                .folderMapper(FolderMapper.exchange())
                .parallelism(4)
                .spoolDirectory(state)
                .retries(3, Duration.ofMillis(200));
        if (graphTarget) {
            GraphTarget.configure(transfer, graph);
        } else {
            transfer.imapTarget(endpoint(servers, "new.imap", "demo Exchange stand-in"), demoLogin, clock);
        }
        return Bma.configure().inventory(inventory).ledgerDirectory(ledger()).outputDirectory(output)
                .clock(clock).notifications(notifications).transfer(transfer.build()).load();
    }

    /** Each target its own ledger: copies recorded for one are not in the other. */
    private Path ledger() {
        return state.resolve(graphTarget ? "ledger-graph" : "ledger");
    }

    /** Every day on which something is due: each mail 1, each migration day. */
    private static List<LocalDate> days(Bma bma) {
        Set<LocalDate> days = new TreeSet<>();
        for (PlannedMailbox p : bma.plan(MailboxSelection.all()).plan().mailboxes()) {
            days.add(p.mailDate(1));
            days.add(p.prestageDate());
            days.add(p.migrationDate());
        }
        return new ArrayList<>(days);
    }

    private DemoResult result(Bma bma, Inventory inventory, Path report) {
        List<MailboxStatus> status = bma.status(MailboxSelection.all()).mailboxes();
        long verified = status.stream().filter(s -> s.step() == MailboxStep.VERIFIED).count();
        long missing = 0;
        long notified = 0;
        for (MailboxStatus s : status) {
            notified += s.history().stream().filter(e -> e.event() instanceof Event.MailSent).count();
            missing += s.lastOfEachKind().stream().map(LedgerEvent::event).filter(Event.Verified.class::isInstance)
                    .map(Event.Verified.class::cast).reduce((a, b) -> b).map(Event.Verified::missing).orElse(0L);
        }
        return new DemoResult(inventory.size(), verified, missing, notified, report);
    }

    /**
     * A third organising bodies, two thirds of their establishments, taken in address order
     * from the bundled open data, so every run of the demo migrates the same schools.
     */
    static Inventory sample(int size) {
        Inventory all = Inventory.bundledOpenData();
        Map<BmaAddress, List<Mailbox>> byPo = new TreeMap<>();
        for (Mailbox m : all.mailboxes()) {
            m.organisingBody().ifPresent(po -> byPo.computeIfAbsent(po, p -> new ArrayList<>()).add(m));
        }
        List<Mailbox> chosen = new ArrayList<>();
        for (Map.Entry<BmaAddress, List<Mailbox>> e : byPo.entrySet()) {
            if (chosen.size() >= size || e.getValue().size() < 2) {
                continue;
            }
            chosen.add(all.find(e.getKey()).orElseThrow());
            for (Mailbox ec : e.getValue().subList(0, 2)) {
                if (chosen.size() < size) {
                    chosen.add(ec);
                }
            }
        }
        return Inventory.of(chosen);
    }

    /** Between 4 and 24 messages a mailbox; the first establishment has one, as if read with a POP client. */
    private static Map<BmaAddress, Integer> messageCounts(Inventory inventory) {
        Map<BmaAddress, Integer> counts = new TreeMap<>();
        boolean popMode = true;
        for (Mailbox m : inventory.mailboxes()) {
            if (popMode && m.kind() == BmaKind.EC) {
                counts.put(m.address(), 1);
                popMode = false;
            } else {
                counts.put(m.address(), 4 + Math.floorMod(m.address().number().value() * 7, 21));
            }
        }
        return counts;
    }

    /** The running servers of a previous run, or new ones. */
    private Properties servers(Map<BmaAddress, Integer> messageCounts) {
        try {
            Files.createDirectories(state);
            Path ports = state.resolve(DemoServers.PORTS);
            Optional<Properties> running = running(ports);
            if (running.isPresent()) {
                out.accept("Demo: continuing with the servers of the previous run (pid " + running.get().getProperty("pid") + ")");
                return running.get();
            }
            for (String ledger : List.of("ledger", "ledger-graph")) {
                if (Files.exists(state.resolve(ledger))) {
                    // The servers that held the copies are gone: starting over is the only honest way.
                    out.accept("Demo: the previous run's servers are gone; starting the demo afresh");
                    deleteRecursively(state.resolve(ledger));
                }
            }
            Files.deleteIfExists(state.resolve(DemoServers.STOP));
            heartbeat();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-cp", classpath(), DemoServers.class.getName(), state.toString()));
            messageCounts.forEach((a, n) -> command.add(a + "=" + n));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(state.resolve("servers.log").toFile()).start();
            Instant deadline = Instant.now().plus(SERVERS_START);
            while (Instant.now().isBefore(deadline) && process.isAlive()) {
                Optional<Properties> started = running(ports);
                if (started.isPresent()) {
                    out.accept("Demo: old server, Exchange stand-in and Graph stand-in started (pid "
                            + started.get().getProperty("pid") + ")");
                    return started.get();
                }
                Thread.sleep(200);
            }
            throw new BmaException(BmaErrorCode.CONNECTION_FAILED, (process.isAlive() ? "The demo servers did not start within "
                    + SERVERS_START.toSeconds() + " s" : "The demo servers stopped at start") + "; see " + state.resolve("servers.log"));
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INTERNAL, "The demo cannot start its servers: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BmaException(BmaErrorCode.INTERNAL, "Interrupted while starting the demo servers", e);
        }
    }

    private static Optional<Properties> running(Path ports) throws IOException {
        if (!Files.exists(ports)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(ports)) {
            p.load(in);
        }
        long pid = Long.parseLong(p.getProperty("pid", "-1"));
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> p);
    }

    private void heartbeat() {
        try {
            Path beat = state.resolve(DemoServers.HEARTBEAT);
            if (!Files.exists(beat)) {
                Files.createFile(beat);
            }
            Files.setLastModifiedTime(beat, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // The servers then stop after their idle time; the demo notices and says so.
        }
    }

    private void stopServers() {
        try {
            Files.writeString(state.resolve(DemoServers.STOP), "done");
        } catch (IOException e) {
            // They stop by themselves after their idle time.
        }
    }

    /** The classpath this code was loaded from: the plugin's realm under Maven, else the JVM's. */
    private static String classpath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader cl = Demo.class.getClassLoader(); cl != null; cl = cl.getParent()) {
            if (cl instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        entries.add(new File(url.getPath()).getPath());
                    }
                }
            }
        }
        // Under Maven, SLF4J comes from the core realm, which the plugin realm imports rather than extends.
        for (Class<?> needed : List.of(org.slf4j.LoggerFactory.class)) {
            Optional.ofNullable(needed.getProtectionDomain().getCodeSource())
                    .map(source -> new File(source.getLocation().getPath()).getPath()).ifPresent(entries::add);
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static int port(Properties servers, String key) {
        return Integer.parseInt(servers.getProperty(key));
    }

    private static ImapEndpoint endpoint(Properties servers, String key, String what) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + port(servers, key), what);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
