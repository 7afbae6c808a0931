package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.retry.RetryPolicy;
import be.cfwb.bma.retry.Sleeper;
import com.microsoft.graph.models.PasswordProfile;
import com.microsoft.graph.models.User;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Sets a mailbox account's password through Graph ({@code PATCH /users/{address}} with a
 * {@code passwordProfile}), with {@code forceChangePasswordNextSignIn} as
 * {@code bma.password.changeAtFirstSignIn} says (false by default: circular n°9358 does not ask
 * it, and the several people sharing a BMA would be locked out by the first to change it). Needs, app-only, the
 * permission to write password profiles (User-PasswordProfile.ReadWrite.All or
 * User.ReadWrite.All) and an Entra role that may reset these users' passwords (User
 * Administrator, ideally scoped to an administrative unit holding the BMA accounts).
 *
 * <p>The password leaves only in the request body: never in a log line, an exception or
 * {@link #description()}. 429/503 are waited out with the {@link Sleeper}.
 */
public final class GraphCredentialIssuer implements CredentialIssuer {

    private static final Logger LOG = LoggerFactory.getLogger(GraphCredentialIssuer.class);

    /** The first wait when Graph names none (it always does for 429); doubled after each refusal. */
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final GraphConnection graph;
    private final RetryPolicy retry;
    private final boolean changeAtFirstSignIn;

    /**
     * @param changeAtFirstSignIn whether the account must change the password at its first
     *                            sign-in; must match {@code NotificationSettings#changePasswordAtFirstSignIn()},
     *                            which mails 2 and 3 describe
     */
    public GraphCredentialIssuer(GraphConnection graph, Sleeper sleeper, int maxAttempts, boolean changeAtFirstSignIn) {
        this.graph = Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(sleeper, "sleeper");
        if (maxAttempts < 1) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph password attempts must be at least 1");
        }
        this.retry = RetryPolicy.attempts(maxAttempts, DEFAULT_WAIT, MAX_WAIT, sleeper);
        this.changeAtFirstSignIn = changeAtFirstSignIn;
    }

    /** No change asked at the first sign-in. */
    public GraphCredentialIssuer(GraphConnection graph, Sleeper sleeper, int maxAttempts) {
        this(graph, sleeper, maxAttempts, false);
    }

    /** No change asked at the first sign-in. */
    public GraphCredentialIssuer(GraphConnection graph, Sleeper sleeper) {
        this(graph, sleeper, 8, false);
    }

    @Override
    public void issue(BmaAddress mailbox, Secret password) {
        Objects.requireNonNull(password, "password");
        String address = mailbox.toString();
        for (int retries = 0; ; retries++) {
            try {
                graph.call(address, "password reset", () -> {
                    PasswordProfile profile = new PasswordProfile();
                    profile.setPassword(password.reveal());
                    profile.setForceChangePasswordNextSignIn(changeAtFirstSignIn);
                    User patch = new User();
                    patch.setPasswordProfile(profile);
                    graph.client().users().byUserId(address).patch(patch,
                            r -> r.options.addAll(List.of(new RetryHandlerOption(null, 0, 0))));
                    return null;
                });
                LOG.info("New password set on {} ({})", address, changeAtFirstSignIn
                        ? "change required at first sign-in" : "no change required at first sign-in");
                return;
            } catch (GraphFailure e) {
                if (e.isThrottled() && retry.allowsRetry(retries)) {
                    Duration wait = retry.delay(retries + 1, e.retryAfter());
                    LOG.info("Graph password reset for {} answered {}: waiting {}", address, e.status(), wait);
                    retry.sleeper().sleep(wait);
                    continue;
                }
                BmaErrorCode code = e.isConnectionLost() || e.isThrottled() ? BmaErrorCode.CONNECTION_FAILED
                        : BmaErrorCode.CREDENTIAL_FAILED;
                String hint = e.status() == 403 ? " (the application needs User-PasswordProfile.ReadWrite.All or"
                        + " User.ReadWrite.All and the User Administrator role over this account)" : "";
                throw new BmaException(code, "Could not set the new password of " + address + ": "
                        + e.getMessage() + hint, e);
            }
        }
    }

    @Override
    public String description() {
        return "Microsoft Graph passwordProfile (" + graph.settings().baseUrl() + ")";
    }
}
