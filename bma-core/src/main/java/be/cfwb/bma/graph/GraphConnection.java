package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.credentials.AccessToken;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.credentials.TokenSupplier;
import be.cfwb.bma.retry.RetryPolicy;
import be.cfwb.bma.transfer.RetryStats;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.KiotaClientFactory;
import com.microsoft.kiota.http.middleware.RetryHandler;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static be.cfwb.bma.internal.Failures.hasIoCause;
import static be.cfwb.bma.internal.Failures.rootMessage;

/**
 * One app-only connection to Microsoft Graph, shared by every mailbox of a run and safe to use
 * from several threads. A request answered 429, 503 or 504 is sent again after the server's
 * {@code Retry-After}, up to {@link GraphSettings#maxRetries()} times, by the toolkit's
 * {@link RetryPolicy} (in place of the SDK's retry handler, so that the wait goes through the
 * settings' sleeper); each mailbox is held to Outlook's limits before a request leaves.
 *
 * <p>OkHttp's silent retry on a dropped connection is switched off: a POST whose answer was
 * lost may have created the message, so the caller decides (by looking the message up by its
 * source key) instead of the HTTP stack sending it twice.
 *
 * <p>A request Graph answers 401 (the token revoked or expired before its stated expiry) is sent
 * again once with a token obtained afresh, bypassing caches; a token Graph refused is never sent
 * again, so a token that cannot be replaced costs one refused request, after which every call
 * and every mailbox opened fails at once with one clear reason, without reaching Graph.
 */
public final class GraphConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GraphConnection.class);
    private static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";
    /** The scope of app-only tokens for Exchange Online's IMAP and SMTP (SASL XOAUTH2). */
    public static final String EXCHANGE_SCOPE = "https://outlook.office365.com/.default";

    private final GraphSettings settings;
    private final OkHttpClient http;
    private final GraphServiceClient client;
    private final GraphTokens tokens;
    /** The app's tokens for Graph itself. */
    private final TokenSupplier graphTokens;
    /** The last Graph token handed out: a supplier is told of its refusal by the value it issued. */
    private volatile AccessToken lastToken;
    private final Map<String, MailboxBudget> budgets = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong budgetWaits = new AtomicLong();
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong budgetLookups = new AtomicLong();
    /**
     * What each mailbox's calls waited out inside this connection (the Retry-After waits, our
     * budget's waits). A few counters per mailbox of the run; kept for the
     * connection's life so that a target's figures never go back.
     */
    private final Map<String, MailboxWaits> waits = new ConcurrentHashMap<>();
    /**
     * The call running on this thread: the SDK runs the interceptors on the calling thread
     * (Kiota's adapter executes synchronously, and our retry waits in place), so the
     * interceptors know whose attempt they see.
     */
    @SuppressWarnings("ThreadLocalUsage") // per connection on purpose: each has its own mailboxes' waits
    private final ThreadLocal<CallWaits> current = new ThreadLocal<>();
    /** Tokens Graph refused: never sent again (a refused token stays in MSAL's cache until its expiry). */
    private final Set<String> refusedTokens = ConcurrentHashMap.newKeySet();
    /** Why the last refused token could not be replaced, for messages; never the token. */
    private volatile String unreplaced = "";

    private GraphConnection(GraphSettings settings) {
        this.settings = settings;
        GraphTokens tokens = GraphTokens.of(settings);
        this.tokens = tokens;
        this.graphTokens = tokens.forScope(GRAPH_SCOPE);
        URI base = settings.baseUrl();
        String root = base.getPath().substring(0, base.getPath().lastIndexOf('/'));
        AccessTokenProvider provider = new AccessTokenProvider() {
            private final AllowedHostsValidator hosts = new AllowedHostsValidator(base.getHost());

            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                // The token goes to Graph's own paths only, never to a pre-authenticated upload URL.
                boolean graph = base.getHost().equalsIgnoreCase(uri.getHost()) && uri.getPort() == base.getPort()
                        && (uri.getPath().startsWith(root + "/v1.0/") || uri.getPath().startsWith(root + "/beta/"));
                return graph ? bearer() : "";
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return hosts;
            }
        };
        // The SDK's retry handler sleeps in real time: ours, with the settings' sleeper, replaces it.
        ArrayList<Interceptor> interceptors = new ArrayList<>(Arrays.stream(
                        GraphClientFactory.createDefaultGraphInterceptors(new RequestOption[0]))
                .filter(i -> !(i instanceof RetryHandler)).toList());
        interceptors.add(new GraphRetry(settings, this::retried));
        // After the retry: a 401 is answered once with a fresh token, within one attempt.
        interceptors.add(this::renewOnRefusal);
        // Innermost: sees every attempt, so throttling answers are counted.
        interceptors.add(this::count);
        this.http = KiotaClientFactory.create(interceptors)
                .retryOnConnectionFailure(false)
                .connectTimeout(30, TimeUnit.SECONDS)
                .readTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .build();
        this.client = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(provider), http);
        client.getRequestAdapter().setBaseUrl(base.toString());
    }

    /** Opens a connection; tokens are obtained on first use. */
    public static GraphConnection open(GraphSettings settings) {
        GraphConnection connection = new GraphConnection(settings);
        LOG.info("Graph connection to {} with {}", settings.baseUrl(), settings.credentials());
        return connection;
    }

    public GraphSettings settings() {
        return settings;
    }

    /**
     * App-only tokens of this connection's Entra app for Exchange Online's IMAP and SMTP
     * ({@value #EXCHANGE_SCOPE}; permissions {@code IMAP.AccessAsApp}, {@code SMTP.SendAsApp}),
     * for {@link be.cfwb.bma.credentials.CredentialSource#oauth2}. Each token is kept and Entra ID
     * asked again five minutes before it expires ({@link TokenSupplier#refreshing}, on the
     * settings' clock: client credentials give no refresh token); a token a server refused is
     * replaced by one obtained afresh, bypassing MSAL's cache.
     */
    public TokenSupplier exchangeTokens() {
        return TokenSupplier.refreshing(tokens.forScope(EXCHANGE_SCOPE), Duration.ofMinutes(5), settings.clock());
    }

    /**
     * Obtains a token now (MSAL keeps it): a mailbox's target is opened only once the app can
     * get one, so a wrong client secret shows as a refused login, before any folder is touched.
     *
     * @throws be.cfwb.bma.BmaException {@code CREDENTIAL_FAILED} if Entra ID refused (a
     *                                  {@link TokenRefused} if Graph refused every token to be had),
     *                                  {@code CONNECTION_FAILED} if it could not be reached
     */
    void authenticate() {
        bearer();
    }

    /**
     * A Graph token fit to send: one Graph refused is not, and then there is none.
     *
     * @throws TokenRefused if Graph refused the token the source still gives
     */
    private String bearer() {
        String token = graphToken();
        if (refusedTokens.contains(token)) {
            throw new TokenRefused("Graph " + settings.baseUrl() + " refused the app's access token (HTTP 401, " + settings.credentials()
                    + ")" + unreplaced + "; check the credentials: that the token is issued for https://graph.microsoft.com,"
                    + " not revoked, and that the app holds its application permissions (admin consent)");
        }
        return token;
    }

    /**
     * Graph refused the app's access token and no other was to be had, or a fresh one was
     * refused too. The same token serves every mailbox: callers report it as the app's login.
     */
    static final class TokenRefused extends BmaException {
        private static final long serialVersionUID = 1L;

        TokenRefused(String message) {
            super(BmaErrorCode.CREDENTIAL_FAILED, message);
        }
    }

    /**
     * Sends a request Graph answered 401 again, once, with a token obtained afresh: a revoked or
     * early-expired token is replaced and the run goes on. Without another token (or with a fresh
     * one refused too) the 401 goes to the caller, and {@link #bearer} gives no token any more.
     */
    private Response renewOnRefusal(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        Response response = chain.proceed(request);
        String authorization = request.header("Authorization");
        if (response.code() != 401 || authorization == null || !authorization.startsWith("Bearer ")) {
            return response;
        }
        String fresh;
        try {
            fresh = freshToken(authorization.substring("Bearer ".length()));
        } catch (RuntimeException e) {
            response.close(); // no token to be had (Entra ID unreachable or refusing): the caller gets that
            throw e;
        }
        if (fresh == null) {
            LOG.warn("Graph refused the app's access token for {} {}{}: no request is sent with it any more",
                    request.method(), request.url().encodedPath(), unreplaced);
            return response;
        }
        response.close();
        CallWaits call = current.get();
        if (call != null) {
            call.mailbox.renewed.incrementAndGet();
        }
        LOG.info("Graph refused the app's access token before its expiry for {} {}: sending it once more with a"
                + " fresh token", request.method(), request.url().encodedPath());
        Response again = chain.proceed(request.newBuilder().header("Authorization", "Bearer " + fresh).build());
        if (again.code() == 401) {
            refusedTokens.add(fresh);
            unreplaced = ", and a fresh one too";
            LOG.warn("Graph refused a fresh access token too for {} {}: no request is sent with it any more",
                    request.method(), request.url().encodedPath());
        }
        return again;
    }

    /**
     * A token other than {@code refused}, or null if none is to be had. One thread at a time: when
     * several calls were refused the same token, the first obtains a new one and the others use it.
     */
    private synchronized String freshToken(String refused) {
        refusedTokens.add(refused);
        String now = graphToken();
        if (refusedTokens.contains(now)) {
            AccessToken last = lastToken;
            graphTokens.invalidate(last != null && last.token().reveal().equals(refused) ? last
                    : new AccessToken(Secret.of(refused), Instant.EPOCH));
            now = graphToken();
        }
        if (refusedTokens.contains(now)) {
            unreplaced = ", and no other token was to be had";
            return null;
        }
        return now;
    }

    private String graphToken() {
        AccessToken t = Objects.requireNonNull(graphTokens.token(), "the token supplier returned null");
        lastToken = t;
        return t.token().reveal();
    }

    /** Counters since the connection was opened. */
    public GraphStats stats() {
        return new GraphStats(requests.get(), throttled.get(), unavailable.get(), budgetWaits.get(), uploaded.get());
    }

    GraphServiceClient client() {
        return client;
    }

    /**
     * What the calls for {@code mailbox} waited out inside this connection since it was opened:
     * throttling answers the SDK retried after their Retry-After (a retry each, with the wait),
     * requests sent again with a fresh token after a 401 (a retry each), and the waits of our
     * per-mailbox budget (waits only). An answer the SDK gave up on is not here:
     * it reaches the caller as a failure.
     */
    public RetryStats retryStats(String mailbox) {
        MailboxWaits w = waits.get(mailbox.toLowerCase(Locale.ROOT));
        return w == null ? RetryStats.NONE : w.snapshot();
    }

    private MailboxWaits waitsOf(String mailbox) {
        return waits.computeIfAbsent(mailbox.toLowerCase(Locale.ROOT), m -> new MailboxWaits());
    }

    /** One mailbox's counters; updated from the threads working for it. */
    private static final class MailboxWaits {
        final AtomicLong retried = new AtomicLong();
        /** Requests sent again with a fresh token after a 401: retries, not throttling. */
        final AtomicLong renewed = new AtomicLong();
        final AtomicLong waitedNanos = new AtomicLong();

        RetryStats snapshot() {
            int r = (int) Math.min(Integer.MAX_VALUE, retried.get());
            int t = (int) Math.min(Integer.MAX_VALUE - r, renewed.get());
            return new RetryStats(r + t, r, Duration.ofNanos(waitedNanos.get()));
        }
    }

    /** One call in progress, for the mailbox whose counters its retries go to. */
    private static final class CallWaits {
        final MailboxWaits mailbox;

        CallWaits(MailboxWaits mailbox) {
            this.mailbox = mailbox;
        }
    }

    private CallWaits begin(String mailbox) {
        CallWaits call = new CallWaits(waitsOf(mailbox));
        current.set(call);
        return call;
    }

    /**
     * Runs one Graph call for {@code mailbox} within its budget, translating SDK failures into
     * {@link GraphFailure}. {@code what} names the call in error messages.
     */
    <T> T call(String mailbox, String what, Supplier<T> call) {
        return call(mailbox, what, 0, call);
    }

    /** As {@link #call(String, String, Supplier)}, counting {@code bytes} against the mailbox's upload budget. */
    private <T> T call(String mailbox, String what, long bytes, Supplier<T> call) {
        MailboxBudget budget = budget(mailbox);
        acquire(budget, mailbox, bytes);
        begin(mailbox);
        try {
            return call.get();
        } catch (ApiException e) {
            throw translate(mailbox, what, e);
        } catch (UncheckedIOException e) {
            throw lost(mailbox, what, e);
        } catch (RuntimeException e) {
            if (hasIoCause(e)) {
                throw lost(mailbox, what, e);
            }
            throw e;
        } finally {
            current.remove();
            budget.release();
        }
    }

    /**
     * One ranged PUT of an upload session, through the SDK's request adapter so that the retry
     * after a 429/503/504 applies; the URL is pre-authenticated, so the token provider adds no bearer to it.
     */
    void putChunk(String mailbox, String uploadUrl, byte[] chunk, long offset, long total) {
        String range = offset + "-" + (offset + chunk.length - 1);
        call(mailbox, "upload of bytes " + range + " of " + total, chunk.length, () -> {
            RequestInformation request = new RequestInformation();
            request.httpMethod = HttpMethod.PUT;
            request.setUri(URI.create(uploadUrl));
            request.headers.add("Content-Range", "bytes " + range + "/" + total);
            request.setStreamContent(new ByteArrayInputStream(chunk), "application/octet-stream");
            HashMap<String, ParsableFactory<? extends Parsable>> errors = new HashMap<>();
            errors.put("XXX", ODataError::createFromDiscriminatorValue);
            client.getRequestAdapter().sendPrimitive(request, errors, Void.class);
            uploaded.addAndGet(chunk.length);
            return null;
        });
    }

    private void acquire(MailboxBudget budget, String mailbox, long bytes) {
        long start = System.nanoTime();
        try {
            budget.acquire(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraphFailure(BmaErrorCode.CONNECTION_FAILED, 0, null,
                    "Interrupted while waiting for Graph capacity on " + mailbox, e);
        }
        long waited = System.nanoTime() - start;
        if (waited > 50_000_000L) {
            budgetWaits.incrementAndGet();
        }
        if (waited > 1_000_000L) {
            waitsOf(mailbox).waitedNanos.addAndGet(waited);
        }
    }

    private MailboxBudget budget(String mailbox) {
        // A run touches thousands of mailboxes: forget the budgets of those long finished.
        if (budgetLookups.incrementAndGet() % 1000 == 0) {
            budgets.values().removeIf(MailboxBudget::isIdle);
        }
        return budgets.computeIfAbsent(mailbox.toLowerCase(Locale.ROOT), m -> new MailboxBudget(
                settings.mailboxConcurrency(), settings.requestsPerWindow(), settings.requestWindow(),
                settings.uploadBytesPerWindow(), settings.uploadWindow(), System::nanoTime));
    }

    /** Counts a retry of the call running on this thread, with its wait, for its mailbox. */
    private void retried(Duration wait) {
        CallWaits call = current.get();
        if (call != null) {
            call.mailbox.retried.incrementAndGet();
            call.mailbox.waitedNanos.addAndGet(wait.toNanos());
        }
    }

    private Response count(Interceptor.Chain chain) throws IOException {
        requests.incrementAndGet();
        Response response = chain.proceed(chain.request());
        if (response.code() == 429) {
            throttled.incrementAndGet();
            LOG.info("Graph throttled {} {}: Retry-After {}", chain.request().method(), chain.request().url().encodedPath(),
                    response.header("Retry-After"));
        } else if (response.code() == 503 || response.code() == 504) {
            unavailable.incrementAndGet();
            LOG.info("Graph unavailable ({}) for {} {}: Retry-After {}", response.code(), chain.request().method(),
                    chain.request().url().encodedPath(), response.header("Retry-After"));
        }
        return response;
    }

    static GraphFailure translate(String mailbox, String what, ApiException e) {
        int status = e.getResponseStatusCode();
        String code = null;
        String message = e.getMessage();
        if (e instanceof ODataError odata && odata.getError() != null) {
            code = odata.getError().getCode();
            message = odata.getError().getMessage();
        }
        BmaErrorCode bma = switch (status) {
            case 401 -> BmaErrorCode.CONNECTION_FAILED;
            case 403, 404 -> BmaErrorCode.TARGET_MAILBOX_UNAVAILABLE;
            case 413 -> BmaErrorCode.MESSAGE_TOO_LARGE;
            case 429, 503, 504 -> BmaErrorCode.CONNECTION_FAILED;
            default -> BmaErrorCode.TARGET_REJECTED;
        };
        String hint = switch (status) {
            case 401 -> ": the token was refused; check the app registration and its credentials";
            case 403 -> ": access denied; grant the application permission (admin consent) and check any"
                    + " application access policy that limits the app to some mailboxes";
            case 429, 503, 504 -> ": still refused after the retries allowed; rerun later, nothing is lost";
            default -> "";
        };
        return new GraphFailure(bma, status, code, GraphRetry.retryAfter(e), "Graph " + what + " for " + mailbox + " failed with HTTP " + status
                + (code == null ? "" : " " + code) + (message == null ? "" : " (" + message + ")") + hint, e);
    }

    private static GraphFailure lost(String mailbox, String what, Exception e) {
        return new GraphFailure(BmaErrorCode.CONNECTION_FAILED, 0, null, "Graph " + what + " for " + mailbox
                + ": connection lost before an answer (" + rootMessage(e) + ")", e);
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "GraphConnection[" + settings.baseUrl() + ", " + settings.credentials() + "]";
    }
}
