package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.notify.Sleeper;
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
 * {@code passwordProfile}), forcing a change at the first sign-in. Needs, app-only, the
 * permission to write password profiles (User-PasswordProfile.ReadWrite.All or
 * User.ReadWrite.All) and an Entra role that may reset these users' passwords (User
 * Administrator, ideally scoped to an administrative unit holding the BMA accounts).
 *
 * <p>The password leaves only in the request body: never in a log line, an exception or
 * {@link #description()}. 429/503 are waited out with the {@link Sleeper}.
 */
public final class GraphCredentialIssuer implements CredentialIssuer {

    private static final Logger LOG = LoggerFactory.getLogger(GraphCredentialIssuer.class);

    private final GraphConnection graph;
    private final Sleeper sleeper;
    private final int maxAttempts;

    public GraphCredentialIssuer(GraphConnection graph, Sleeper sleeper, int maxAttempts) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (maxAttempts < 1) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph password attempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
    }

    public GraphCredentialIssuer(GraphConnection graph, Sleeper sleeper) {
        this(graph, sleeper, 8);
    }

    @Override
    public void issue(BmaAddress mailbox, Secret password) {
        Objects.requireNonNull(password, "password");
        String address = mailbox.toString();
        for (int attempt = 1; ; attempt++) {
            try {
                graph.call(address, "password reset", () -> {
                    PasswordProfile profile = new PasswordProfile();
                    profile.setPassword(password.reveal());
                    profile.setForceChangePasswordNextSignIn(true);
                    User patch = new User();
                    patch.setPasswordProfile(profile);
                    graph.client().users().byUserId(address).patch(patch,
                            r -> r.options.addAll(List.of(new RetryHandlerOption(null, 0, 0))));
                    return null;
                });
                LOG.info("New password set on {} (change required at first sign-in)", address);
                return;
            } catch (GraphFailure e) {
                if (e.isThrottled() && attempt < maxAttempts) {
                    Duration wait = e.retryAfter().orElse(Duration.ofSeconds(30));
                    LOG.info("Graph password reset for {} answered {}: waiting {}", address, e.status(), wait);
                    sleeper.sleep(wait);
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
