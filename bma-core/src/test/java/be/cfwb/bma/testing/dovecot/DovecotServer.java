package be.cfwb.bma.testing.dovecot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Dovecot IMAP server on loopback, started from the Debian package's binary with its
 * own configuration, state and mail storage in a temporary directory: the real legacy-server
 * stand-in for integration tests and benchmarks.
 *
 * <p>Users live in a passwd-file ({@link #addUser}); one master (admin) user may log in as any
 * of them, either as {@code mailbox*master} or through SASL PLAIN with the mailbox as
 * authorization identity, as the legacy server's operators do. Mail is Maildir, owned by a
 * non-root numeric uid when the tests run as root. Folder names may hold the other separator
 * ({@code .} under {@code /}, {@code /} under {@code .}) thanks to Dovecot's listescape plugin.
 *
 * <p>As root (CI), Dovecot keeps its own {@code dovecot}/{@code dovenull} users and the mail
 * belongs to the numeric uid {@link #DEFAULT_MAIL_UID} ({@code first_valid_uid = 1}); as a normal
 * user, every Dovecot process runs as that user, without chroot.
 *
 * <p>Tests should not start it directly when Dovecot may be absent: {@link DovecotExtension}
 * skips them with a clear message instead. Stopping ({@link #close()}) ends every process of the
 * instance and deletes its directory; a JVM shutdown hook does the same for servers a crashed
 * test left running.
 */
public final class DovecotServer implements AutoCloseable {

    /**
     * The server binary: where Debian's {@code dovecot-core} installs it, unless the system
     * property {@code bma.test.dovecot} names another (a missing path shows how tests skip).
     */
    public static final Path DOVECOT = Path.of(System.getProperty("bma.test.dovecot", "/usr/sbin/dovecot"));

    /** The numeric uid/gid that owns the mail when running as root; no {@code /etc/passwd} entry needed. */
    public static final int DEFAULT_MAIL_UID = 64321;

    /** The master user's name; log in as {@code mailbox*bma-admin} or SASL PLAIN authcid. */
    public static final String MASTER_USER = "bma-admin";

    /** Separates the mailbox from the master user in a master login. */
    public static final char MASTER_SEPARATOR = '*';

    private static final Logger LOG = LoggerFactory.getLogger(DovecotServer.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int START_ATTEMPTS = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Builder settings;
    /** imap processes kept ready with {@link Builder#fastLogins}: a few per connection of 4 to 8 parallel mailboxes. */
    private static final int FAST_LOGIN_IMAP_PROCESSES = 16;
    private final Path root;
    private final Path config;
    private final Path baseDir;
    private final Path mailRoot;
    private final Path usersDir;
    private final Path logFile;
    private final String instance;
    private final String masterPassword;
    private final int mailUid;
    private final boolean asRoot;
    private final Set<String> users = new HashSet<>();
    private final Map<String, String> passwords = new HashMap<>();
    private final Thread shutdownHook;
    private int port;
    private boolean stopped;

    private DovecotServer(Builder settings) throws IOException {
        this.settings = settings;
        this.root = Files.createTempDirectory("bma-dovecot-");
        // Dovecot's unprivileged processes (imap as the mail uid, auth as dovecot) must traverse it.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        this.config = root.resolve("dovecot.conf");
        this.baseDir = root.resolve("run");
        this.mailRoot = root.resolve("mail");
        this.usersDir = root.resolve("users");
        this.logFile = root.resolve("dovecot.log");
        this.instance = "bma-" + HexFormat.of().formatHex(randomBytes(4));
        this.masterPassword = HexFormat.of().formatHex(randomBytes(12));
        int ownUid = (Integer) Files.getAttribute(root, "unix:uid");
        this.asRoot = ownUid == 0;
        this.mailUid = asRoot ? settings.mailUid : ownUid;
        Files.createDirectories(baseDir);
        Files.createDirectories(root.resolve("state"));
        Files.createDirectories(mailRoot);
        Files.setPosixFilePermissions(mailRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
        chown(mailRoot);
        writeAtomically(root.resolve("masters"), MASTER_USER + ":{PLAIN}" + masterPassword + "::::::\n");
        Files.createDirectories(usersDir);
        this.shutdownHook = new Thread(this::stopQuietly, "dovecot-stop-" + instance);
    }

    /** Whether the Dovecot binary is installed here. */
    public static boolean isInstalled() {
        return Files.isExecutable(DOVECOT);
    }

    /** Why Dovecot tests are skipped on this machine, for assumptions and logs. */
    public static String absenceReason() {
        return "Dovecot is not installed (" + DOVECOT + " not found): real-server tests are skipped."
                + " Install the Debian packages dovecot-core and dovecot-imapd (.ci/run does) to run them.";
    }

    /** Settings for a new server; {@link Builder#start()} starts it. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a server with the default settings ({@link HierarchyStyle#SLASH}). */
    public static DovecotServer start() {
        return builder().start();
    }

    /** The address the server listens on (always loopback). */
    public String host() {
        return HOST;
    }

    /** The IMAP (plaintext) port, chosen free at start. */
    public int imapPort() {
        return port;
    }

    /** {@code imap://127.0.0.1:port}, the form {@code bma.source.url} takes. */
    public String imapUrl() {
        return "imap://" + HOST + ":" + port;
    }

    public HierarchyStyle hierarchy() {
        return settings.hierarchy;
    }

    /** The master (admin) user, see {@link #MASTER_USER}. */
    public String masterUser() {
        return MASTER_USER;
    }

    /** The master user's password, generated at random for this instance. */
    public String masterPassword() {
        return masterPassword;
    }

    /** The login name that opens {@code address}'s mailbox with the master password. */
    public String masterLogin(String address) {
        return address + MASTER_SEPARATOR + MASTER_USER;
    }

    /**
     * Adds a mailbox user (effective at once, no restart). The mailbox itself is created on
     * first login or by {@link #maildir(String)}.
     *
     * @throws IllegalArgumentException if the name or password cannot go in a passwd-file,
     *         or the user exists
     */
    public synchronized DovecotServer addUser(String address, String password) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(password, "password");
        if (!address.matches("[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*")) {
            throw new IllegalArgumentException("Dovecot user name '" + address
                    + "' must be made of letters, digits and . _ @ + -, and not start with '.'");
        }
        if (password.isEmpty() || password.chars().anyMatch(c -> c == ':' || c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("the password of Dovecot user '" + address
                    + "' must be non-empty, without ':' or control characters");
        }
        if (users.contains(address)) {
            throw new IllegalArgumentException("Dovecot user '" + address + "' already exists");
        }
        users.add(address);
        passwords.put(address, password);
        // One file per user: Dovecot checks a known passwd-file for changes at most once a
        // second, but opens a file it has never seen at once, so a new user can log in now.
        writeUser(address, "");
        return this;
    }

    /**
     * Sets the storage quota of one user ({@code quota_rule = *:storage=<bytes>B} as a userdb
     * field): an APPEND that would take the mailbox over it is refused with
     * {@code NO [OVERQUOTA]}. 0 removes the limit. Needs {@link Builder#userQuotas(boolean)}.
     * Takes effect for sessions opened more than a second later: Dovecot rereads a changed
     * passwd-file at most once a second, so this waits that long.
     */
    public synchronized DovecotServer userQuota(String address, long bytes) {
        if (!settings.userQuotas) {
            throw new IllegalStateException("start the server with userQuotas(true) to set a user's quota");
        }
        if (!users.contains(address)) {
            throw new IllegalArgumentException("unknown Dovecot user '" + address + "': addUser first");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("quota must be >= 0, was " + bytes);
        }
        writeUser(address, bytes == 0 ? "" : "userdb_quota_rule=*:storage=" + bytes + "B");
        sleepQuietly(1100);
        return this;
    }

    private void writeUser(String address, String extraFields) {
        try {
            writeAtomically(usersDir.resolve(address),
                    address + ":{PLAIN}" + passwords.get(address) + "::::::" + extraFields + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Dovecot user file in " + usersDir, e);
        }
    }

    /**
     * The Maildir of a user ({@code <mail>/<address>/Maildir}), created with {@code cur/new/tmp}
     * and owned by the mail uid if missing. Files written into it by tests must be handed over
     * with {@link #fixMailOwnership()} before Dovecot reads them.
     */
    public Path maildir(String address) {
        if (settings.storage != Storage.MAILDIR) {
            throw new IllegalStateException("this server stores mail as " + settings.storage + ", not Maildir");
        }
        if (!users.contains(address)) {
            throw new IllegalArgumentException("unknown Dovecot user '" + address + "': addUser first");
        }
        Path home = mailRoot.resolve(address);
        Path maildir = home.resolve("Maildir");
        try {
            for (String sub : List.of("cur", "new", "tmp")) {
                Files.createDirectories(maildir.resolve(sub));
            }
            chown(home);
            chown(maildir);
            for (String sub : List.of("cur", "new", "tmp")) {
                chown(maildir.resolve(sub));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Maildir " + maildir, e);
        }
        return maildir;
    }

    /** Gives every file under the mail root to the mail uid/gid (no-op when not root). */
    public void fixMailOwnership() {
        if (!asRoot) {
            return;
        }
        try {
            Files.walkFileTree(mailRoot, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    chown(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    chown(file);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + mailRoot + " to uid " + mailUid, e);
        }
    }

    /** The numeric uid (and gid) that owns the mail. */
    public int mailUid() {
        return mailUid;
    }

    /** The generated configuration file, e.g. for {@code doveadm -c}. */
    public Path configFile() {
        return config;
    }

    /** The server's log file. */
    public Path logFile() {
        return logFile;
    }

    /** The last lines of the server's log, for failure messages (Dovecot does not log passwords). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The live (non-zombie) processes of this instance: master and children. */
    public List<Long> processIds() {
        List<Long> pids = new ArrayList<>();
        String childPrefix = "dovecot-" + instance + "/";
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            proc.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (!(cmdline.startsWith(childPrefix) || cmdline.contains(config.toString()))) {
                        return;
                    }
                    String stat = Files.readString(p.resolve("stat"), StandardCharsets.UTF_8);
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    if (state != 'Z' && state != 'X') {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // The process ended while we looked: not live.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc", e);
        }
        return pids;
    }

    /**
     * CPU time used so far by the instance: its live processes plus the children its master
     * has reaped (the imap processes of finished sessions), from {@code /proc}. For benchmarks.
     */
    public Duration cpuTime() {
        long master = -1;
        try {
            master = Long.parseLong(Files.readString(baseDir.resolve("master.pid"), StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            // not running: only what is left
        }
        long ticks = 0;
        for (long pid : processIds()) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // After the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                if (pid == master) {
                    ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
                }
            } catch (IOException | RuntimeException e) {
                // ended while we looked
            }
        }
        return Duration.ofMillis(ticks * 10); // USER_HZ is 100 on Linux
    }

    /** Stops every process of the instance and deletes its directory. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Already shutting down, or never registered (start failed).
        }
        terminate();
        deleteTree(root);
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "DovecotServer[" + imapUrl() + ", " + settings.hierarchy + ", " + instance + "]";
    }

    private void launch() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        String lastFailure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                port = freePort();
                writeAtomically(config, configuration());
                // To a file, not a pipe: the daemonized master inherits it and would never close a pipe.
                Path startLog = root.resolve("start.out");
                Process process = new ProcessBuilder(DOVECOT.toString(), "-c", config.toString())
                        .redirectErrorStream(true).redirectOutput(startLog.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
                boolean returned = process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                String output = Files.readString(startLog, StandardCharsets.UTF_8).trim();
                if (!returned) {
                    process.destroyForcibly();
                    lastFailure = "dovecot did not return within " + START_TIMEOUT;
                } else if (process.exitValue() != 0) {
                    lastFailure = "dovecot exited with " + process.exitValue() + ": " + output + "\n" + logTail(20);
                } else if (awaitGreeting()) {
                    LOG.info("Dovecot {} started on {} ({})", instance, imapUrl(), settings.hierarchy);
                    return;
                } else {
                    lastFailure = "no Dovecot greeting on port " + port + " within " + START_TIMEOUT
                            + "\n" + logTail(20);
                }
            } catch (IOException e) {
                lastFailure = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while starting Dovecot", e);
            }
            LOG.warn("Dovecot {} failed to start (attempt {}/{}): {}", instance, attempt, START_ATTEMPTS, lastFailure);
            terminate();
        }
        stop();
        throw new IllegalStateException("cannot start Dovecot after " + START_ATTEMPTS + " attempts: " + lastFailure);
    }

    private boolean awaitGreeting() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                socket.setSoTimeout(5000);
                String greeting = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                // Another process may have taken the port between our probe and Dovecot's bind.
                return greeting != null && greeting.startsWith("* OK") && greeting.contains("Dovecot")
                        && Files.exists(baseDir.resolve("master.pid"));
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    private void terminate() {
        Path pidFile = baseDir.resolve("master.pid");
        try {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("cannot read {}: {}", pidFile, e.toString());
        }
        // Dovecot's master does not end imap processes whose client is still connected.
        processIds().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        List<Long> left = processIds();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            sleepQuietly(50);
            left = processIds();
        }
        if (!left.isEmpty()) {
            LOG.warn("Dovecot {} left processes {} after SIGTERM; killing them", instance, left);
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("cannot stop Dovecot {}: {}", instance, e.toString());
        }
    }

    private String configuration() {
        HierarchyStyle style = settings.hierarchy;
        String users = usersDir.resolve("%u").toString();
        StringBuilder conf = new StringBuilder();
        conf.append("# Generated by ").append(DovecotServer.class.getName()).append(" for a test; do not edit.\n")
                .append("base_dir = ").append(baseDir).append('\n')
                .append("state_dir = ").append(root.resolve("state")).append('\n')
                .append("log_path = ").append(logFile).append('\n')
                .append("instance_name = ").append(instance).append('\n')
                .append("protocols = imap\n")
                .append("listen = ").append(HOST).append('\n')
                .append("ssl = no\n")
                .append("disable_plaintext_auth = no\n")
                .append("auth_mechanisms = plain login\n")
                .append("auth_master_user_separator = ").append(MASTER_SEPARATOR).append('\n')
                .append("mail_location = ").append(settings.storage.location).append('\n')
                .append("mail_fsync = ").append(settings.fsync ? "optimized" : "never").append('\n')
                .append("first_valid_uid = 1\n")
                .append("mail_max_userip_connections = ").append(settings.maxUserIpConnections).append('\n')
                .append("default_process_limit = 200\n");
        if (settings.throughputTuned) {
            // Benchmarks only: what an operator tuning a server for a bulk import would set.
            // Saved mail keeps the CRLF it arrives with (no conversion on APPEND, none on FETCH
            // of what was saved), Maildir directories are not rescanned on every sync (nothing
            // else writes them).
            conf.append("mail_save_crlf = yes\n")
                    .append("maildir_very_dirty_syncs = yes\n");
        }
        // Without anvil's growing per-IP penalty, one test's wrong password does not slow down
        // the next tests; the 2 s delay of each failed login remains.
        conf.append("service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n");
        if (!asRoot) {
            conf.append("  chroot =\n");
        }
        conf.append("}\n");
        if (!asRoot) {
            String me = System.getProperty("user.name");
            String group;
            try {
                group = Files.readAttributes(root, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the group of " + root, e);
            }
            conf.append("default_internal_user = ").append(me).append('\n')
                    .append("default_internal_group = ").append(group).append('\n')
                    .append("default_login_user = ").append(me).append('\n');
        }
        if (settings.imapCapability != null) {
            conf.append("imap_capability = ").append(settings.imapCapability).append('\n');
        }
        List<String> plugins = new ArrayList<>(List.of("listescape"));
        if (settings.maxMessageSize > 0 || settings.quotaBytes > 0 || settings.userQuotas) {
            plugins.add("quota");
        }
        conf.append("mail_plugins = $mail_plugins ").append(String.join(" ", plugins)).append('\n');
        if (plugins.contains("quota")) {
            conf.append("plugin {\n  quota = count:User quota\n  quota_vsizes = yes\n");
            if (settings.userQuotas) {
                // Dovecot lets the last message go 10 % over by default; tests want the exact limit.
                conf.append("  quota_grace = 0\n");
            }
            if (settings.maxMessageSize > 0) {
                conf.append("  quota_max_mail_size = ").append(settings.maxMessageSize).append("B\n");
            }
            if (settings.quotaBytes > 0) {
                conf.append("  quota_rule = *:storage=").append(settings.quotaBytes).append("B\n");
            }
            conf.append("}\n");
        }
        conf.append("namespace inbox {\n  inbox = yes\n  separator = ").append(style.separator()).append('\n');
        if (!style.prefix().isEmpty()) {
            conf.append("  prefix = ").append(style.prefix()).append('\n');
        }
        if (settings.specialUse) {
            for (String[] special : new String[][] {{"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
                    {"Trash", "\\Trash"}, {"Junk", "\\Junk"}}) {
                conf.append("  mailbox ").append(special[0]).append(" {\n    auto = create\n    special_use = ")
                        .append(special[1]).append("\n  }\n");
            }
        }
        conf.append("}\n")
                .append("service imap-login {\n")
                .append("  inet_listener imap {\n    address = ").append(HOST).append("\n    port = ").append(port)
                .append("\n  }\n")
                .append("  inet_listener imaps {\n    port = 0\n  }\n");
        if (!asRoot) {
            conf.append("  chroot =\n");
        }
        if (settings.fastLogins) {
            // Dovecot's "high-performance mode": login processes serve many clients and stay,
            // instead of one process started per connection.
            conf.append("  service_count = 0\n  process_min_avail = ")
                    .append(Runtime.getRuntime().availableProcessors()).append('\n');
        }
        conf.append("}\n");
        if (settings.fastLogins || settings.imapProcessReuse > 1) {
            conf.append("service imap {\n");
            if (settings.fastLogins) {
                // imap processes started ahead of the logins that need them
                conf.append("  process_min_avail = ").append(FAST_LOGIN_IMAP_PROCESSES).append('\n');
            }
            if (settings.imapProcessReuse > 1) {
                // Dovecot's "reduce forks" tuning: a finished session's process serves the next login
                conf.append("  service_count = ").append(settings.imapProcessReuse).append('\n');
            }
            conf.append("}\n");
        }
        conf
                .append("passdb {\n  driver = passwd-file\n  args = ").append(root.resolve("masters"))
                .append("\n  master = yes\n  result_success = continue\n}\n")
                .append("passdb {\n  driver = passwd-file\n  args = username_format=%u ").append(users).append("\n}\n")
                .append("userdb {\n  driver = passwd-file\n  args = username_format=%u ").append(users)
                .append("\n  default_fields = uid=").append(mailUid).append(" gid=").append(mailUid)
                .append(" home=").append(mailRoot).append("/%u\n}\n");
        return conf.toString();
    }

    private void chown(Path path) throws IOException {
        if (asRoot) {
            Files.setAttribute(path, "unix:uid", mailUid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", mailUid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // Already gone.
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }

    /** Dovecot mail storage formats a server may use. */
    public enum Storage {
        /** One file per message in {@code cur/new/tmp} directories: the legacy server's format. */
        MAILDIR("maildir:~/Maildir"),
        /** Dovecot's single-dbox: one file per message, no file name parsing. */
        SDBOX("sdbox:~/sdbox"),
        /** Dovecot's multi-dbox: many messages per file, the cheapest to append to. */
        MDBOX("mdbox:~/mdbox");

        private final String location;

        Storage(String location) {
            this.location = location;
        }
    }

    /** Settings of a server to start; each setter returns this builder. */
    public static final class Builder {
        private HierarchyStyle hierarchy = HierarchyStyle.SLASH;
        private boolean specialUse;
        private long maxMessageSize;
        private long quotaBytes;
        private boolean fsync;
        private boolean userQuotas;
        private int mailUid = DEFAULT_MAIL_UID;
        private Storage storage = Storage.MAILDIR;
        private boolean throughputTuned;
        private boolean fastLogins;
        private int imapProcessReuse = 1;
        private int maxUserIpConnections = 500;
        private String imapCapability;

        private Builder() {
        }

        /**
         * Connections one user may hold open from one address at once (Dovecot's
         * {@code mail_max_userip_connections}; a master login counts for the mailbox); 500 by
         * default, so that tests are not limited. Beyond it a login is refused.
         */
        public Builder maxUserIpConnections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("maxUserIpConnections must be >= 1, was " + connections);
            }
            this.maxUserIpConnections = connections;
            return this;
        }

        /**
         * The capabilities the server announces after login instead of Dovecot's own list
         * ({@code imap_capability}), e.g. to mimic a server without MULTIAPPEND; null (the default)
         * keeps Dovecot's.
         */
        public Builder imapCapability(String capabilities) {
            this.imapCapability = capabilities;
            return this;
        }

        /**
         * Dovecot's login "high-performance mode", a standard production setting:
         * {@code service imap-login { service_count = 0; process_min_avail = <cores> }} (login
         * processes kept and shared) and {@code service imap { process_min_avail = 16 }} (imap
         * processes started ahead). Off by default; benchmarks use it for every client alike.
         */
        public Builder fastLogins(boolean on) {
            this.fastLogins = on;
            return this;
        }

        /**
         * Sessions one imap process serves before it ends ({@code service imap { service_count }});
         * 1, Dovecot's default, by default: a process started per login. Dovecot's performance
         * tuning page suggests a higher value (e.g. 100) to reduce forks; where starting a process
         * is dear (about 20 ms of CPU a login on the benchmark machine, against 2 ms reused) it
         * sets what a login costs the server. Benchmarks use it for every client alike.
         */
        public Builder imapProcessReuse(int sessions) {
            if (sessions < 1) {
                throw new IllegalArgumentException("imapProcessReuse must be >= 1, was " + sessions);
            }
            this.imapProcessReuse = sessions;
            return this;
        }

        /** How mail is stored; {@link Storage#MAILDIR} by default (the only one {@link #maildir} serves). */
        public Builder storage(Storage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /**
         * Server settings for bulk throughput, for benchmarks: {@code mail_save_crlf = yes},
         * {@code maildir_very_dirty_syncs = yes}. Off by default.
         */
        public Builder throughputTuned(boolean on) {
            this.throughputTuned = on;
            return this;
        }

        /** Separator and prefix; {@link HierarchyStyle#SLASH} by default. */
        public Builder hierarchy(HierarchyStyle style) {
            this.hierarchy = Objects.requireNonNull(style, "style");
            return this;
        }

        /**
         * Creates Drafts, Sent, Trash and Junk for every user and marks them with RFC 6154
         * SPECIAL-USE attributes, as a modern server does. Off by default (Courier has none).
         */
        public Builder specialUse(boolean on) {
            this.specialUse = on;
            return this;
        }

        /** Refuses APPEND of messages larger than this (Dovecot's quota_max_mail_size); 0 = no limit. */
        public Builder maxMessageSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxMessageSize must be >= 0, was " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** A storage quota per user in bytes (APPEND over it is refused); 0 = none. */
        public Builder quota(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("quota must be >= 0, was " + bytes);
            }
            this.quotaBytes = bytes;
            return this;
        }

        /**
         * Enables the quota plugin (count backend, virtual sizes) without a server-wide limit, so
         * that {@link DovecotServer#userQuota(String, long)} can give one user a small one.
         */
        public Builder userQuotas(boolean on) {
            this.userQuotas = on;
            return this;
        }

        /**
         * Whether Dovecot fsyncs saved mail ({@code mail_fsync = optimized}, Dovecot's default).
         * Off by default ({@code never}): tests and benchmarks measure the client, not the disk.
         */
        public Builder fsync(boolean on) {
            this.fsync = on;
            return this;
        }

        /** The numeric uid/gid owning the mail when running as root; {@link #DEFAULT_MAIL_UID} by default. */
        public Builder mailUid(int uid) {
            if (uid <= 0) {
                throw new IllegalArgumentException("mailUid must be a positive, non-root uid, was " + uid);
            }
            this.mailUid = uid;
            return this;
        }

        /**
         * Starts the server on a free loopback port.
         *
         * @throws IllegalStateException if Dovecot is not installed or does not start (with its log)
         */
        public DovecotServer start() {
            if (!isInstalled()) {
                throw new IllegalStateException(absenceReason());
            }
            DovecotServer server;
            try {
                server = new DovecotServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare a Dovecot directory", e);
            }
            server.launch();
            return server;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "DovecotServer.Builder[%s, %s, specialUse=%s, maxMessageSize=%d, quota=%d,"
                    + " throughputTuned=%s, fastLogins=%s, imapProcessReuse=%d, maxUserIpConnections=%d, imapCapability=%s]",
                    hierarchy, storage, specialUse, maxMessageSize, quotaBytes, throughputTuned, fastLogins,
                    imapProcessReuse, maxUserIpConnections,
                    imapCapability);
        }
    }
}
