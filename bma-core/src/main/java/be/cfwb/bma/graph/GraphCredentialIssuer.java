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

    private final GraphConnection graph;
    private final Sleeper sleeper;
    private final int maxAttempts;
    private final boolean changeAtFirstSignIn;

    /**
     * @param changeAtFirstSignIn whether the account must change the password at its first
     *                            sign-in; must match {@code NotificationSettings#changePasswordAtFirstSignIn()},
     *                            which mails 2 and 3 describe
     */
    public GraphCredentialIssuer(GraphConnection graph, Sleeper sleeper, int maxAttempts, boolean changeAtFirstSignIn) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (maxAttempts < 1) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph password attempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
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
        for (int attempt = 1; ; attempt++) {
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
