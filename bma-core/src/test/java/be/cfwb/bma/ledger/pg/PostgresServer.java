package be.cfwb.bma.ledger.pg;

import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.LeaseSettings;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.testing.RequiredServers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private PostgreSQL for tests: its own cluster in a temporary directory, listening on a free
 * loopback port, never the system service (Debian's {@code postgresql} package; {@code .ci/run}
 * installs it without starting it). initdb refuses to run as root, so as root the cluster belongs
 * to the {@code postgres} user and its tools run through {@code runuser}; as anyone else, as that
 * user. Logins use a password (scram), as a real deployment's would.
 *
 * <p>{@link #startOrSkip()} skips the calling test where PostgreSQL is missing, and fails it where
 * {@link RequiredServers#strict()} (CI).
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "bma";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Path bin;
    private final Path root;
    private final Path data;
    private final int port;
    private final Secret password;
    private final boolean asPostgresUser;

    private PostgresServer(Path bin, Path root, int port, Secret password, boolean asPostgresUser) {
        this.bin = bin;
        this.root = root;
        this.data = root.resolve("data");
        this.port = port;
        this.password = password;
        this.asPostgresUser = asPostgresUser;
    }

    /** The newest installed PostgreSQL's binaries, if any. */
    public static Optional<Path> binaries() {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The server of this test JVM, started on first use and stopped when the JVM exits: each test
     * takes a database of its own ({@link #newDatabase}), so test classes need not each wait for
     * initdb. Skips (fails in strict mode) where PostgreSQL is not installed.
     */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            PostgresServer server = startOrSkip();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bma-postgres-stop"));
            shared = server;
        }
        return shared;
    }

    /** Starts a server, or skips (fails in strict mode) the test where PostgreSQL is not installed. */
    public static PostgresServer startOrSkip() {
        Optional<Path> bin = binaries();
        RequiredServers.assume(bin.isPresent(), () -> "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb);"
                + " install Debian's postgresql package (the tests start their own instance, not the service)");
        return start(bin.get());
    }

    public static PostgresServer start(Path bin) {
        try {
            boolean root = "root".equals(System.getProperty("user.name"))
                    || (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
            Path dir = Files.createTempDirectory("bma-postgres-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Secret password = Secret.of(UUID.randomUUID().toString());
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, password.reveal() + "\n", StandardCharsets.UTF_8);
            if (root) {
                chownTree(dir);
            }
            int port = freePort();
            PostgresServer server = new PostgresServer(bin, dir, port, password, root);
            server.run(60, "initdb", "-D", server.data.toString(), "-U", USER, "-E", "UTF8", "--no-sync",
                    "--auth-host=scram-sha-256", "--auth-local=trust", "--pwfile=" + pwfile);
            Files.delete(pwfile);
            server.run(60, "pg_ctl", "-D", server.data.toString(), "-l", dir.resolve("postgres.log").toString(), "-w",
                    "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                            + " -c max_connections=60", "start");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL could not be started", e);
        }
    }

    private static void chownTree(Path dir) throws IOException {
        Process p = new ProcessBuilder("chown", "-R", "postgres:postgres", dir.toString()).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("chown of " + dir + " to postgres failed: "
                        + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void run(int seconds, String tool, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("bma-pg-" + tool, ".out");
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(tool + " did not finish in " + seconds + " s: " + Files.readString(out));
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(root.resolve("postgres.log")) ? Files.readString(root.resolve("postgres.log")) : "";
                throw new IOException(tool + " failed (" + p.exitValue() + "): " + Files.readString(out) + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public Login login() {
        return new Login(USER, password);
    }

    /** A new, empty database on this server, as a ledger location with this server's login. */
    public LedgerLocation.Database newDatabase(Path files) {
        return newDatabase(files, LeaseSettings.DEFAULT);
    }

    public LedgerLocation.Database newDatabase(Path files, LeaseSettings leases) {
        String name = "bma_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, password.reveal());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("CREATE DATABASE " + name + " failed", e);
        }
        return new LedgerLocation.Database(url(name), Optional.of(login()), files, leases);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        try {
            run(60, "pg_ctl", "-D", data.toString(), "-m", "immediate", "stop");
        } catch (IOException e) {
            // the tree is removed below either way
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
