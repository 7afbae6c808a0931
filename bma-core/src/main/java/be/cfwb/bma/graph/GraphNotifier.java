package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.notify.Notifier;
import be.cfwb.bma.notify.OutgoingMail;
import be.cfwb.bma.retry.RetryPolicy;
import be.cfwb.bma.retry.Sleeper;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends notifications with Graph {@code sendMail} from the sender's own mailbox
 * ({@code POST /users/{sender}/sendMail}), in MIME form: the rendered mail goes as it is
 * (multipart/alternative text + HTML, its Message-ID, Date and RFC 2047 subject), base64 in a
 * {@code text/plain} body, as Graph documents for MIME. Needs the application permission
 * {@code Mail.Send}, ideally limited to the sender mailboxes by an application access policy.
 *
 * <p>Graph answers 202 once it has accepted the mail. 429/503 are waited out with the
 * {@link Sleeper} for the server's {@code Retry-After}; the SDK's own retry is switched off for
 * this one request so that the notification run's pacing stays in one place.
 */
public final class GraphNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(GraphNotifier.class);
    /** The first wait when Graph names none (it always does for 429); doubled after each refusal. */
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final GraphConnection graph;
    private final RetryPolicy retry;

    /**
     * @param maxAttempts attempts per mail when Graph throttles or is unavailable, at least 1
     */
    public GraphNotifier(GraphConnection graph, Sleeper sleeper, int maxAttempts) {
        this.graph = Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(sleeper, "sleeper");
        if (maxAttempts < 1) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph sendMail attempts must be at least 1");
        }
        this.retry = RetryPolicy.attempts(maxAttempts, DEFAULT_WAIT, MAX_WAIT, sleeper);
    }

    public GraphNotifier(GraphConnection graph, Sleeper sleeper) {
        this(graph, sleeper, 8);
    }

    @Override
    public void send(OutgoingMail mail) {
        String sender = mail.from().address();
        byte[] body = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encode(mail.toMime());
        for (int retries = 0; ; retries++) {
            try {
                graph.call(sender, "sendMail of " + mail.kind().templateName() + " to " + mail.to(), () -> {
                    RequestInformation request = new RequestInformation(HttpMethod.POST,
                            "{+baseurl}/users/{user%2Did}/sendMail", new HashMap<>(Map.of("user%2Did", sender)));
                    request.headers.add("Accept", "application/json");
                    request.setStreamContent(new ByteArrayInputStream(body), "text/plain");
                    request.addRequestOptions(List.of(new RetryHandlerOption(null, 0, 0)));
                    HashMap<String, ParsableFactory<? extends Parsable>> errors = new HashMap<>();
                    errors.put("XXX", ODataError::createFromDiscriminatorValue);
                    graph.client().getRequestAdapter().sendPrimitive(request, errors, Void.class);
                    return null;
                });
                LOG.info("Graph accepted {} for {} from {}", mail.kind().templateName(), mail.to(), sender);
                return;
            } catch (GraphFailure e) {
                if (e.isThrottled() && retry.allowsRetry(retries)) {
                    Duration wait = retry.delay(retries + 1, e.retryAfter());
                    LOG.info("Graph sendMail for {} from {} answered {}: waiting {} (attempt {}/{})", mail.to(), sender,
                            e.status(), wait, retries + 1, retry.maxRetries() + 1);
                    retry.sleeper().sleep(wait);
                    continue;
                }
                throw translate(mail, e);
            }
        }
    }

    private static BmaException translate(OutgoingMail mail, GraphFailure e) {
        // Lost answer or server error after the hand-over: Graph may have accepted it.
        boolean uncertain = e.isConnectionLost() || e.status() == 500 || e.status() == 502 || e.status() == 504;
        String what = mail.kind().templateName() + " to " + mail.to() + " from " + mail.from().address();
        if (uncertain) {
            return new BmaException(BmaErrorCode.NOTIFICATION_UNCERTAIN, "Graph sendMail of " + what
                    + " may have been sent: " + e.getMessage(), e);
        }
        String hint = e.status() == 403 ? " (grant Mail.Send to the application, and allow it on this sender mailbox"
                + " if an application access policy is in force)" : "";
        return new BmaException(BmaErrorCode.NOTIFICATION_FAILED, "Graph refused sendMail of " + what + ": "
                + e.getMessage() + hint, e);
    }

    @Override
    public String description() {
        return "Microsoft Graph sendMail (" + graph.settings().baseUrl() + ")";
    }
}
