package be.cfwb.bma.config;

import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.graph.GraphSettings;

import java.util.HashMap;
import java.util.Map;

/** Tests' short way to the settings of one map of keys, secrets included (split out to a {@link SecretResolver}). */
public final class TestProperties {

    private TestProperties() {
    }

    /** The non-secret keys of {@code properties}. */
    public static BmaSettingsReader reader(Map<String, String> properties) {
        Map<String, String> rest = new HashMap<>(properties);
        rest.keySet().removeAll(BmaSettingsReader.SECRET_KEYS);
        return BmaSettingsReader.of(rest);
    }

    /** The secret keys of {@code properties}, as a resolver. */
    public static SecretResolver secrets(Map<String, String> properties) {
        Map<String, Secret> secrets = new HashMap<>();
        for (String key : BmaSettingsReader.SECRET_KEYS) {
            String value = properties.get(key);
            if (value != null) {
                secrets.put(key, Secret.of(value));
            }
        }
        return SecretResolver.of(Map.of(), secrets);
    }

    /** The Graph settings of {@code properties}, secrets included. */
    public static GraphSettings graph(Map<String, String> properties) {
        return GraphSettings.from(reader(properties), secrets(properties));
    }

    /** A resolver of one admin login for {@code bma-source}, described as the plugin describes a settings.xml server. */
    public static SecretResolver sourceAdmin(Login admin) {
        SecretResolver logins = SecretResolver.of(Map.of(SecretResolver.SOURCE, admin), Map.of());
        return new SecretResolver() {
            @Override
            public java.util.Optional<Login> login(String serverId) {
                return logins.login(serverId);
            }

            @Override
            public String origin(String serverId) {
                return "settings.xml server " + serverId;
            }
        };
    }
}
