package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stateful Microsoft Graph v1.0 stand-in on 127.0.0.1 (ephemeral port), for tests and the demo.
 *
 * <pre>{@code
 * try (GraphStandIn graph = GraphStandIn.start()) {
 *     graph.addUser("ec001394@adm.cfwb.be");
 *     // point the client at graph.baseUrl() with graph.token()
 *     graph.messages("ec001394@adm.cfwb.be", "inbox")...
 * }
 * }</pre>
 *
 * <p>It answers as Graph does for the subset the toolkit uses and refuses what Graph refuses:
 * no or wrong bearer token (401), unknown JSON properties or malformed extended properties
 * (400), a request body over 4 MB (413), an upload session for an attachment under 3 MB
 * (400), more than 4 concurrent requests on one mailbox (429 + Retry-After). A message created
 * without {@code PR_MESSAGE_FLAGS} ({@code Integer 0x0E07}) is a draft, as in Exchange.
 *
 * <p>Faults are injected with {@link #throttleNext}, {@link #failNext}, {@link #dropNext},
 * {@link #loseResponseNext} and {@link #slow}; counters ({@link #requests()},
 * {@link #peakConcurrency(String)}) let a test prove how the client behaved.
 */
public final class GraphStandIn implements AutoCloseable {

    /** The token the stand-in accepts unless told otherwise. */
    public static final String DEFAULT_TOKEN = "stand-in-token";
    /** Graph's write request limit (413 beyond). */
    public static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    /** Attachments of this size or more must go through an upload session; smaller ones must not. */
    public static final long UPLOAD_SESSION_MIN_BYTES = 3_000_000L;
    /** Outlook's documented concurrency limit per app and mailbox. */
    public static final int MAILBOX_CONCURRENCY = 4;

    /** A request as the stand-in received it, for assertions. */
    public record RecordedRequest(String method, String path, String query, boolean bearer, int status) {
    }

    /** A JSON request body as the stand-in received it, for checking it against Graph's metadata. */
    public record RecordedBody(String method, String path, String json) {
    }

    /** Kinds of injected faults. */
    enum FaultKind { THROTTLE, FAIL, DROP, LOSE_RESPONSE }

    /** One injected fault: applies to the next {@code remaining} requests whose path contains {@code pathPart}. */
    static final class Fault {
        final FaultKind kind;
        final String method;
        final String pathPart;
        final Duration retryAfter;
        int remaining;

        Fault(FaultKind kind, int times, String method, String pathPart, Duration retryAfter) {
            this.kind = kind;
            this.remaining = times;
            this.method = method;
            this.pathPart = pathPart;
            this.retryAfter = retryAfter;
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK server leaves Nagle on by default: small answers then wait ~40 ms for a delayed
        // ACK, which makes a test of a few hundred requests crawl. Read once, before the first server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final StandInState state;

    private GraphStandIn(HttpServer server, ExecutorService executor, StandInState state) {
        this.server = server;
        this.executor = executor;
        this.state = state;
    }

    /** Starts a stand-in on 127.0.0.1 on a free port, with the system clock. */
    public static GraphStandIn start() {
        return start(Clock.systemUTC());
    }

    /** Starts a stand-in whose server-side times (drafts, sendMail) come from {@code clock}. */
    public static GraphStandIn start(Clock clock) {
        return start(clock, 0);
    }

    /** Starts a stand-in on 127.0.0.1 and {@code port} (0 for a free one), e.g. for a demo. */
    public static GraphStandIn start(Clock clock, int port) {
        Objects.requireNonNull(clock, "clock");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "graph-stand-in");
                t.setDaemon(true);
                return t;
            });
            StandInState state = new StandInState(clock);
            server.createContext("/", new StandInHandler(state, () -> "http://127.0.0.1:" + server.getAddress().getPort()));
            server.setExecutor(executor);
            server.start();
            return new GraphStandIn(server, executor, state);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Graph stand-in on 127.0.0.1", e);
        }
    }

    /**
     * Runs a stand-in for a demo until the process is stopped:
     * {@code java -cp bma-core.jar:... be.cfwb.bma.testing.graph.GraphStandIn [--port=N] address...}.
     * Prints the base URL and token to give the toolkit ({@code bma.graph.baseUrl}, a static token).
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        List<String> users = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--port=")) {
                port = Integer.parseInt(a.substring("--port=".length()));
            } else {
                users.add(a);
            }
        }
        GraphStandIn standIn = start(Clock.systemUTC(), port);
        users.forEach(standIn::addUser);
        Runtime.getRuntime().addShutdownHook(new Thread(standIn::close));
        System.out.println("Graph stand-in at " + standIn.baseUrl() + " (token " + standIn.token() + ") for " + users);
        Thread.currentThread().join();
    }

    /** The v1.0 base URL to give the client, e.g. {@code http://127.0.0.1:43121/v1.0}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The bearer token requests must carry. */
    public String token() {
        return state.token();
    }

    /** Changes the accepted token (to test a refused or rotated credential). */
    public GraphStandIn token(String token) {
        state.token(Objects.requireNonNull(token, "token"));
        return this;
    }

    /** Adds a user whose mail and user principal name are {@code address}, with the well-known folders. */
    public GraphStandIn addUser(String address) {
        return addUser(address, address);
    }

    /** Adds a user whose principal name and primary SMTP address differ (to test a mismatch). */
    public GraphStandIn addUser(String userPrincipalName, String mail) {
        state.addUser(userPrincipalName, mail);
        return this;
    }

    /** Makes every write on this mailbox answer 403 (an app without rights on it). */
    public GraphStandIn denyWrites(String user) {
        state.user(user).writesDenied = true;
        return this;
    }

    /** The tenant's maximum message size (default 35 MB): bigger messages get 413 ErrorMessageSizeExceeded. */
    public GraphStandIn maxMessageSize(long bytes) {
        state.maxMessageSize = bytes;
        return this;
    }

    /** Concurrent requests allowed per mailbox before 429 (default 4, as Outlook documents). */
    public GraphStandIn mailboxConcurrency(int limit) {
        state.mailboxConcurrency = limit;
        return this;
    }

    /**
     * The next {@code times} requests (optionally only those whose path contains {@code pathPart}) get 429
     * with {@code retryAfter}: whole seconds as Graph sends them, or a decimal ("0.05") for less,
     * which the SDK honours and keeps tests fast.
     */
    public GraphStandIn throttleNext(int times, Duration retryAfter, String pathPart) {
        state.addFault(new Fault(FaultKind.THROTTLE, times, null, pathPart, retryAfter));
        return this;
    }

    public GraphStandIn throttleNext(int times, Duration retryAfter) {
        return throttleNext(times, retryAfter, null);
    }

    /** The next {@code times} matching requests get 503 with Retry-After. */
    public GraphStandIn failNext(int times, Duration retryAfter, String pathPart) {
        state.addFault(new Fault(FaultKind.FAIL, times, null, pathPart, retryAfter));
        return this;
    }

    /** The next {@code times} matching requests see their connection closed before they are handled. */
    public GraphStandIn dropNext(int times, String method, String pathPart) {
        state.addFault(new Fault(FaultKind.DROP, times, method, pathPart, null));
        return this;
    }

    /**
     * The next {@code times} matching requests are carried out, then their connection is closed
     * before the answer: the client cannot know whether its write happened.
     */
    public GraphStandIn loseResponseNext(int times, String method, String pathPart) {
        state.addFault(new Fault(FaultKind.LOSE_RESPONSE, times, method, pathPart, null));
        return this;
    }

    /** Every request waits this long before being handled (zero to stop). */
    public GraphStandIn slow(Duration delay) {
        state.delay = Objects.requireNonNull(delay, "delay");
        return this;
    }

    /** The folder path of a folder id, or of a well-known name, e.g. {@code "Inbox/Projets"}. */
    public Optional<String> folderPath(String user, String folderIdOrWellKnown) {
        synchronized (state) {
            StandInState.Folder f = state.user(user).folder(folderIdOrWellKnown);
            return f == null ? Optional.empty() : Optional.of(state.user(user).path(f));
        }
    }

    /** All folder paths of the mailbox, parents before children. */
    public List<String> folderPaths(String user) {
        synchronized (state) {
            StandInState.User u = state.user(user);
            List<String> out = new ArrayList<>();
            for (StandInState.Folder f : u.folders.values()) {
                out.add(u.path(f));
            }
            return out;
        }
    }

    /** Messages of a folder given by path ("Inbox/Projets"), id or well-known name, in creation order. */
    public List<StoredMessage> messages(String user, String folder) {
        synchronized (state) {
            StandInState.User u = state.user(user);
            StandInState.Folder f = u.folder(folder);
            if (f == null) {
                f = u.folderByPath(folder);
            }
            if (f == null) {
                throw new IllegalArgumentException("No folder " + folder + " in " + user);
            }
            List<StoredMessage> out = new ArrayList<>();
            for (StandInState.Message m : u.messages.values()) {
                if (m.folderId.equals(f.id)) {
                    out.add(state.snapshot(u, m));
                }
            }
            return out;
        }
    }

    /** Every message of the mailbox, in creation order. */
    public List<StoredMessage> allMessages(String user) {
        synchronized (state) {
            StandInState.User u = state.user(user);
            List<StoredMessage> out = new ArrayList<>();
            for (StandInState.Message m : u.messages.values()) {
                out.add(state.snapshot(u, m));
            }
            return out;
        }
    }

    /** What {@code sendMail} accepted, in order, from every sender. */
    public List<SentMail> sentMail() {
        synchronized (state) {
            return List.copyOf(state.sent);
        }
    }

    /** The last passwordProfile PATCHed on this user (password included: the test needs to see it). */
    public Optional<ObjectNode> passwordProfile(String user) {
        synchronized (state) {
            ObjectNode p = state.user(user).passwordProfile;
            return p == null ? Optional.empty() : Optional.of(p.deepCopy());
        }
    }

    /** How many passwordProfile PATCHes this user received. */
    public int passwordChanges(String user) {
        synchronized (state) {
            return state.user(user).passwordChanges;
        }
    }

    /** Keeps every JSON request body from now on ({@link #bodies()}); off by default, as they hold attachments. */
    public GraphStandIn recordBodies() {
        state.recordBodies = true;
        return this;
    }

    /** The JSON request bodies received since {@link #recordBodies()}, in order of arrival. */
    public List<RecordedBody> bodies() {
        synchronized (state) {
            return List.copyOf(state.bodies);
        }
    }

    /** Every request received, in order of arrival. */
    public List<RecordedRequest> requests() {
        synchronized (state) {
            return List.copyOf(state.log);
        }
    }

    /** How many answers had this status. */
    public long countStatus(int status) {
        synchronized (state) {
            return state.log.stream().filter(r -> r.status() == status).count();
        }
    }

    /** The highest number of concurrent requests seen on this mailbox. */
    public int peakConcurrency(String user) {
        synchronized (state) {
            return state.user(user).peakConcurrency;
        }
    }

    /** Raw state access for the package's handler and for assertions on whole mailboxes. */
    Map<String, StandInState.User> users() {
        return state.users;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "GraphStandIn[" + baseUrl() + "]";
    }
}
