package be.cfwb.bma.config;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the secrets of a configuration come from: the logins of named servers ({@value #SOURCE},
 * {@value #TARGET}, {@value #GRAPH}, the server {@code bma.smtp.server} names) and the secrets
 * the {@code bma.*} keys refuse as properties ({@link BmaSettingsReader#SECRET_KEYS}). The Maven
 * plugin implements it over settings.xml servers (passwords decrypted by Maven) and the
 * environment; an embedder over its vault or environment ({@link #of}, {@link #environment}).
 * Implementations never put a secret in an exception message, a log line or a {@code toString()}.
 */
public interface SecretResolver {

    /** The old server's admin login (used when no {@code bma.source.credentials} file is given). */
    String SOURCE = "bma-source";
    /** The IMAP target's admin login (used when no {@code bma.target.credentials} file is given). */
    String TARGET = "bma-target";
    /** The Graph app: user = client id, password = client secret (or the certificate's password). */
    String GRAPH = "bma-graph";
    /** The PostgreSQL ledger's login ({@code bma.ledger=jdbc:postgresql:…}); without one, the driver's own. */
    String LEDGER = "bma-ledger";

    /**
     * The login of {@code serverId}, if one is given.
     *
     * @throws BmaException {@code INVALID_CONFIGURATION} if one is given but unusable (naming the
     *                      server, never the password)
     */
    Optional<Login> login(String serverId);

    /** The secret of {@code key} (e.g. {@code bma.graph.clientSecret}), if one is given. */
    default Optional<Secret> secret(String key) {
        return Optional.empty();
    }

    /** Where the login of {@code serverId} comes from, for messages: e.g. {@code settings.xml server bma-source}. */
    default String origin(String serverId) {
        return "server " + serverId;
    }

    /** How to give the login of {@code serverId}, for the message of a missing one. */
    default String whereToGive(String serverId) {
        return "give the login of server '" + serverId + "' to the secret resolver";
    }

    /**
     * As {@link #login}, but required.
     *
     * @param purpose what it is for, e.g. "the SMTP server (bma.smtp.server)"
     * @throws BmaException {@code INVALID_CONFIGURATION} naming the server and how to give it
     */
    default Login require(String serverId, String purpose) {
        return login(serverId).orElseThrow(() -> new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                "No credentials for " + purpose + ": " + whereToGive(serverId)));
    }

    /** This resolver, then {@code fallback} for what this one does not give. */
    default SecretResolver orElse(SecretResolver fallback) {
        SecretResolver first = this;
        return new SecretResolver() {
            @Override
            public Optional<Login> login(String serverId) {
                return first.login(serverId).or(() -> fallback.login(serverId));
            }

            @Override
            public Optional<Secret> secret(String key) {
                return first.secret(key).or(() -> fallback.secret(key));
            }

            @Override
            public String origin(String serverId) {
                return first.login(serverId).isPresent() ? first.origin(serverId) : fallback.origin(serverId);
            }

            @Override
            public String whereToGive(String serverId) {
                return first.whereToGive(serverId);
            }
        };
    }

    /** No secret at all: password logins come from credentials files, or nothing needs one. */
    static SecretResolver none() {
        return of(Map.of(), Map.of());
    }

    /** The logins and secrets of two maps, e.g. read from a vault at start-up. */
    static SecretResolver of(Map<String, Login> logins, Map<String, Secret> secrets) {
        Map<String, Login> l = Map.copyOf(logins);
        Map<String, Secret> s = Map.copyOf(secrets);
        return new SecretResolver() {
            @Override
            public Optional<Login> login(String serverId) {
                return Optional.ofNullable(l.get(serverId));
            }

            @Override
            public Optional<Secret> secret(String key) {
                return Optional.ofNullable(s.get(key));
            }

            @Override
            public String toString() {
                return "SecretResolver[logins of " + l.keySet() + ", secrets of " + s.keySet() + "]";
            }
        };
    }

    /**
     * The environment's: the login of {@code bma-source} from {@code BMA_SOURCE_USERNAME} and
     * {@code BMA_SOURCE_PASSWORD} ({@link #environmentPrefix}), the secret of
     * {@code bma.graph.clientSecret} from {@code BMA_GRAPH_CLIENTSECRET} ({@link #environmentName}).
     */
    static SecretResolver environment(Map<String, String> environment) {
        Map<String, String> env = Map.copyOf(environment);
        return new SecretResolver() {
            @Override
            public Optional<Login> login(String serverId) {
                String prefix = environmentPrefix(serverId);
                String user = env.get(prefix + "_USERNAME");
                String password = env.get(prefix + "_PASSWORD");
                if (user == null && password == null) {
                    return Optional.empty();
                }
                if (user == null || user.isBlank() || password == null || password.isEmpty()) {
                    throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "The login of server '" + serverId
                            + "' (environment " + prefix + "_USERNAME/" + prefix + "_PASSWORD) needs both a username"
                            + " and a password");
                }
                return Optional.of(new Login(user, Secret.of(password)));
            }

            @Override
            public Optional<Secret> secret(String key) {
                String value = env.get(environmentName(key));
                return value == null || value.isEmpty() ? Optional.empty() : Optional.of(Secret.of(value));
            }

            @Override
            public String origin(String serverId) {
                String prefix = environmentPrefix(serverId);
                return "environment " + prefix + "_USERNAME/" + prefix + "_PASSWORD";
            }

            @Override
            public String whereToGive(String serverId) {
                String prefix = environmentPrefix(serverId);
                return "set " + prefix + "_USERNAME and " + prefix + "_PASSWORD in the environment";
            }

            @Override
            public String toString() {
                return "SecretResolver[environment]";
            }
        };
    }

    /** {@code bma-source} → {@code BMA_SOURCE}: the prefix of a server's environment variables. */
    static String environmentPrefix(String serverId) {
        return serverId.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** {@code bma.graph.clientSecret} → {@code BMA_GRAPH_CLIENTSECRET}: a key's environment variable. */
    static String environmentName(String key) {
        return key.replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
