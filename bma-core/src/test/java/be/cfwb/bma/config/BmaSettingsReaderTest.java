package be.cfwb.bma.config;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.LoginMethod;
import be.cfwb.bma.credentials.Secret;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One reader, one way to read each type, one message shape: the key, the value, what is expected. */
class BmaSettingsReaderTest {

    @Test
    void readsEachTypeStrippedAndTakesBlankForUnset() {
        BmaSettingsReader r = BmaSettingsReader.of(Map.ofEntries(Map.entry("bma.a", " 42 "), Map.entry("bma.b", "TRUE"),
                Map.entry("bma.c", "2024-11-04"), Map.entry("bma.d", "07:30"), Map.entry("bma.e", "30"),
                Map.entry("bma.f", "35MB"), Map.entry("bma.g", "x; y;;z "), Map.entry("bma.h", "OAuth2"),
                Map.entry("bma.i", "/srv/bma"), Map.entry("bma.blank", "  "), Map.entry("other.key", "1")));

        assertThat(r.integer("bma.a")).contains(42);
        assertThat(r.longValue("bma.a")).contains(42L);
        assertThat(r.bool("bma.b")).contains(true);
        assertThat(r.date("bma.c")).contains(LocalDate.of(2024, 11, 4));
        assertThat(r.time("bma.d")).contains(LocalTime.of(7, 30));
        assertThat(r.minutes("bma.e")).contains(Duration.ofMinutes(30));
        assertThat(r.size("bma.f")).contains(35L * 1024 * 1024);
        assertThat(r.list("bma.g", ";")).isEqualTo(List.of("x", "y", "z"));
        assertThat(r.choice("bma.h", LoginMethod.PASSWORD)).isEqualTo(LoginMethod.OAUTH2);
        assertThat(r.choice("bma.unset", LoginMethod.PASSWORD)).isEqualTo(LoginMethod.PASSWORD);
        assertThat(r.path("bma.i")).contains(Path.of("/srv/bma"));
        assertThat(r.has("bma.blank")).isFalse();
        assertThat(r.asMap()).doesNotContainKey("other.key");
        assertThat(r.with(Map.of("bma.a", "7")).integer("bma.a")).contains(7);
        assertThat(r.integer("bma.a")).as("immutable").contains(42);
    }

    @Test
    void aBadValueIsNamedWithItsKeyTheValueAndWhatIsExpected() {
        BmaSettingsReader r = BmaSettingsReader.of(Map.of("bma.n", "quatre", "bma.b", "oui", "bma.d", "04/11/2024",
                "bma.t", "7h", "bma.m", "half", "bma.s", "big", "bma.c", "xoauth"));
        refused(() -> r.integer("bma.n"), "bma.n 'quatre' is not a whole number");
        refused(() -> r.bool("bma.b"), "bma.b 'oui' must be true or false");
        refused(() -> r.date("bma.d"), "bma.d '04/11/2024' is not a date; write it as YYYY-MM-DD, e.g. 2024-11-04");
        refused(() -> r.time("bma.t"), "bma.t '7h' is not a time of day; write HH:mm, e.g. 07:30");
        refused(() -> r.minutes("bma.m"), "bma.m 'half' is not a whole number of minutes, e.g. 30");
        refused(() -> r.size("bma.s"), "bma.s must be a size such as 36700160 or 35MB, not 'big'");
        refused(() -> r.choice("bma.c", LoginMethod.PASSWORD), "bma.c 'xoauth' is unknown; use password or oauth2");
        refused(() -> r.apply("bma.n", k -> java.util.Optional.of(0), n -> {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "must be at least 1");
        }), "bma.n 'quatre': must be at least 1");
    }

    @Test
    void secretsAreNeitherPropertiesNorShown() {
        assertThatThrownBy(() -> BmaSettingsReader.of(Map.of("bma.graph.clientSecret", "Xy7~value")))
                .isInstanceOf(BmaException.class).hasMessageContaining("bma.graph.clientSecret")
                .message().doesNotContain("Xy7~value");
        BmaSettingsReader r = BmaSettingsReader.of(Map.of("bma.source.url", "imaps://admin:Geheim-77@old.cfwb.be"));
        assertThat(r.toString()).contains("bma.source.url").doesNotContain("Geheim-77");
    }

    @Test
    void resolversGiveLoginsAndSecretsAndNameWhereToGiveThem() {
        SecretResolver env = SecretResolver.environment(Map.of("BMA_SOURCE_USERNAME", "admin", "BMA_SOURCE_PASSWORD",
                "Env-pw-1", "BMA_GRAPH_CLIENTSECRET", "Env-secret", "BMA_TARGET_USERNAME", "only-user"));
        assertThat(env.login("bma-source")).contains(new Login("admin", Secret.of("Env-pw-1")));
        assertThat(env.secret("bma.graph.clientSecret")).contains(Secret.of("Env-secret"));
        assertThat(env.origin("bma-source")).isEqualTo("environment BMA_SOURCE_USERNAME/BMA_SOURCE_PASSWORD");
        assertThatThrownBy(() -> env.login("bma-target")).hasMessageContaining("bma-target")
                .hasMessageContaining("needs both a username and a password");
        assertThatThrownBy(() -> env.require("bma-smtp", "the SMTP server (bma.smtp.server)"))
                .hasMessage("No credentials for the SMTP server (bma.smtp.server): set BMA_SMTP_USERNAME and"
                        + " BMA_SMTP_PASSWORD in the environment");

        SecretResolver vault = SecretResolver.of(Map.of("bma-smtp", new Login("notify", Secret.of("Vault-pw"))), Map.of())
                .orElse(env);
        assertThat(vault.require("bma-smtp", "SMTP").user()).isEqualTo("notify");
        assertThat(vault.login("bma-source")).as("the fallback").isPresent();
        assertThat(vault.origin("bma-source")).startsWith("environment");
        assertThat(vault.toString()).doesNotContain("Vault-pw");
    }

    private static void refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(BmaException.class,
                e -> assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION)).hasMessage(message);
    }
}
