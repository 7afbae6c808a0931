package be.cfwb.bma.graph;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.retry.RetryAfter;
import be.cfwb.bma.retry.RetryPolicy;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Graph connection's retry of a request answered "later" (429, 503, 504), by the toolkit's
 * {@link RetryPolicy} in place of the SDK's retry handler, so that the wait goes through the
 * settings' sleeper and tests pass it on virtual time.
 */
final class GraphRetry implements Interceptor {

    /** The first wait when Graph names none, doubled after each refusal, and the longest, as the SDK's handler. */
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(3);
    private static final Duration MAX_WAIT = Duration.ofMinutes(3);

    private final GraphSettings settings;
    private final Consumer<Duration> retried;

    /** Retries within {@code settings}; {@code retried} is told of each retry, with its wait, on the calling thread. */
    GraphRetry(GraphSettings settings, Consumer<Duration> retried) {
        this.settings = settings;
        this.retried = retried;
    }

    /**
     * Sends a request answered 429, 503 or 504 again after the wait the policy gives (Graph's
     * {@code Retry-After} if it named one), as often as the policy allows; the caller sees the
     * last answer. A request whose {@link RetryHandlerOption} allows no retry (the notifier and
     * the password reset pace themselves), or whose body cannot be sent twice, is not retried.
     * Each retry is told to the connection, with the wait asked (the same on virtual time).
     */
    @Override
    public Response intercept(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        RetryHandlerOption option = request.tag(RetryHandlerOption.class);
        RetryPolicy policy = RetryPolicy.of(option == null ? settings.maxRetries() : option.maxRetries(),
                DEFAULT_WAIT, MAX_WAIT, settings.sleeper());
        Response response = chain.proceed(request);
        for (int retry = 1; isLater(response.code()) && policy.allowsRetry(retry - 1) && replayable(request); retry++) {
            Optional<Duration> asked = RetryAfter.parse(response.header("Retry-After"), settings.clock());
            Duration wait = policy.delay(retry, asked);
            response.close();
            try {
                policy.sleeper().sleep(wait);
            } catch (BmaException interrupted) {
                InterruptedIOException e = new InterruptedIOException("Interrupted while waiting to retry "
                        + request.method() + " " + request.url().encodedPath());
                e.initCause(interrupted);
                throw e;
            }
            retried.accept(wait);
            response = chain.proceed(request.newBuilder().header("Retry-Attempt", String.valueOf(retry)).build());
        }
        return response;
    }

    private static boolean isLater(int status) {
        return status == 429 || status == 503 || status == 504;
    }

    /** True unless the request's body is a stream that can be sent only once (as the SDK's handler decides). */
    private static boolean replayable(Request request) throws IOException {
        if (request.body() == null || !List.of("POST", "PUT", "PATCH").contains(request.method().toUpperCase(Locale.ROOT))) {
            return true;
        }
        return request.body().contentLength() != -1 && !request.body().isOneShot();
    }

    /** The wait a failed call's Retry-After asked for, or null. */
    static Duration retryAfter(ApiException e) {
        if (e.getResponseHeaders() == null) {
            return null;
        }
        for (Map.Entry<String, Set<String>> h : e.getResponseHeaders().entrySet()) {
            if (h.getKey().equalsIgnoreCase("Retry-After") && !h.getValue().isEmpty()) {
                // A date is counted from the system clock: this failure is built outside any connection.
                return RetryAfter.parse(h.getValue().iterator().next(), Clock.systemUTC()).orElse(null);
            }
        }
        return null;
    }
}
