package be.cfwb.bma.maven;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the login for a server id: first a {@code <server>} of {@code settings.xml}
 * (password decrypted with Maven's own decrypter, so {@code mvn --encrypt-password} works),
 * then the environment ({@code BMA_SOURCE_USERNAME} / {@code BMA_SOURCE_PASSWORD} for
 * {@code bma-source}); the secrets of keys such as {@code bma.graph.clientSecret} from the
 * environment ({@code BMA_GRAPH_CLIENTSECRET}). The plugin's {@link SecretResolver}: secrets
 * never come from the POM.
 */
final class CredentialsLookup implements SecretResolver {

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
        return SecretResolver.environmentPrefix(serverId);
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

    @Override
    public Optional<Login> login(String serverId) {
        try {
            return find(serverId).map(CredentialsLookup::toLogin);
        } catch (MojoExecutionException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, e.getMessage(), e);
        }
    }

    /** A secret key's environment variable, e.g. {@code BMA_GRAPH_CLIENTSECRET}: never the POM or the command line. */
    @Override
    public Optional<Secret> secret(String key) {
        String value = environment.apply(SecretResolver.environmentName(key));
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(Secret.of(value));
    }

    @Override
    public String origin(String serverId) {
        try {
            String origin = find(serverId).map(ServerCredentials::origin).orElse("settings.xml");
            return origin.equals("settings.xml") ? "settings.xml server " + serverId : origin;
        } catch (MojoExecutionException e) {
            return "settings.xml server " + serverId;
        }
    }

    @Override
    public String whereToGive(String serverId) {
        String prefix = environmentPrefix(serverId);
        return "add a <server> with <id>" + serverId + "</id> to your settings.xml (encrypt the password with"
                + " mvn --encrypt-password), or set " + prefix + "_USERNAME and " + prefix + "_PASSWORD in the environment";
    }

    @Override
    public String toString() {
        return "settings.xml servers, then the environment";
    }

    /**
     * The core's login for these credentials.
     *
     * @throws BmaException if the username or the password is missing
     */
    static Login toLogin(ServerCredentials credentials) {
        char[] password = credentials.password();
        if (credentials.username().isEmpty() || password.length == 0) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "The login of server '"
                    + credentials.serverId() + "' (" + credentials.origin() + ") needs both a username and a password");
        }
        return new Login(credentials.username(), Secret.of(password));
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
