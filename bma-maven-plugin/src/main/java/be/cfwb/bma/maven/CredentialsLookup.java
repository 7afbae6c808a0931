package be.cfwb.bma.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the login for a server id: first a {@code <server>} of {@code settings.xml}
 * (password decrypted with Maven's own decrypter, so {@code mvn --encrypt-password} works),
 * then the environment ({@code BMA_SOURCE_USERNAME} / {@code BMA_SOURCE_PASSWORD} for
 * {@code bma-source}). Secrets never come from the POM.
 */
final class CredentialsLookup {

    private final Settings settings;
    private final SettingsDecrypter decrypter;
    private final Function<String, String> environment;

    CredentialsLookup(Settings settings, SettingsDecrypter decrypter, Function<String, String> environment) {
        this.settings = settings;
        this.decrypter = decrypter;
        this.environment = environment;
    }

    static CredentialsLookup of(Settings settings, SettingsDecrypter decrypter) {
        Map<String, String> env = System.getenv();
        return new CredentialsLookup(settings, decrypter, env::get);
    }

    /** The prefix of the environment variables for {@code serverId}, e.g. {@code BMA_SOURCE}. */
    static String environmentPrefix(String serverId) {
        return serverId.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    Optional<ServerCredentials> find(String serverId) throws MojoExecutionException {
        Server server = settings == null ? null : settings.getServer(serverId);
        if (server != null) {
            Server decrypted = decrypt(server);
            return Optional.of(new ServerCredentials(serverId, decrypted.getUsername(),
                    decrypted.getPassword() == null ? null : decrypted.getPassword().toCharArray(), "settings.xml"));
        }
        String prefix = environmentPrefix(serverId);
        String username = environment.apply(prefix + "_USERNAME");
        String password = environment.apply(prefix + "_PASSWORD");
        if (username != null || password != null) {
            return Optional.of(new ServerCredentials(serverId, username, password == null ? null : password.toCharArray(),
                    "environment " + prefix + "_USERNAME/" + prefix + "_PASSWORD"));
        }
        return Optional.empty();
    }

    /**
     * The login for {@code serverId}, or a clear error naming the server id and both ways to give it.
     *
     * @param purpose what the login is for, e.g. "the legacy IMAP server"
     */
    ServerCredentials require(String serverId, String purpose) throws MojoExecutionException {
        Optional<ServerCredentials> found = find(serverId);
        if (found.isEmpty()) {
            String prefix = environmentPrefix(serverId);
            throw new MojoExecutionException("No credentials for " + purpose + ": add a <server> with <id>" + serverId
                    + "</id> to your settings.xml (encrypt the password with mvn --encrypt-password), or set "
                    + prefix + "_USERNAME and " + prefix + "_PASSWORD in the environment");
        }
        return found.get();
    }

    /**
     * The core's login for these credentials.
     *
     * @throws BmaException if the username or the password is missing
     */
    static be.cfwb.bma.credentials.Login toLogin(ServerCredentials credentials) {
        char[] password = credentials.password();
        if (credentials.username().isEmpty() || password.length == 0) {
            throw new be.cfwb.bma.BmaException(be.cfwb.bma.BmaErrorCode.INVALID_CONFIGURATION, "The login of server '"
                    + credentials.serverId() + "' (" + credentials.origin() + ") needs both a username and a password");
        }
        return new be.cfwb.bma.credentials.Login(credentials.username(), be.cfwb.bma.credentials.Secret.of(password));
    }

    private Server decrypt(Server server) throws MojoExecutionException {
        if (decrypter == null) {
            return server;
        }
        SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
        for (SettingsProblem problem : result.getProblems()) {
            if (problem.getSeverity() != SettingsProblem.Severity.WARNING) {
                // The problem's message names the server, never the password.
                throw new MojoExecutionException("The password of settings.xml server '" + server.getId()
                        + "' cannot be decrypted: " + problem.getMessage());
            }
        }
        return result.getServer();
    }
}
