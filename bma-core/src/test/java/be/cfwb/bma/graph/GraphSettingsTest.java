package be.cfwb.bma.graph;

import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphSettingsTest {

    private static final String CLIENT = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String SECRET = "s3cr3t~value.from.settings";

    @Test
    void credentialsNeverShowTheirSecret() {
        GraphCredentials c = GraphCredentials.clientSecret("cfwb.onmicrosoft.com", CLIENT, SECRET);
        assertThat(c.toString()).contains("cfwb.onmicrosoft.com").contains(CLIENT).doesNotContain(SECRET);
        assertThat(GraphCredentials.staticToken("eyJ0eXAi.token").toString()).doesNotContain("eyJ0eXAi");
        GraphSettings settings = GraphSettings.builder().credentials(c).build();
        assertThat(settings.toString()).doesNotContain(SECRET);
    }

    @Test
    void readsPropertiesWithTheSecretFromTheEnvironment() {
        GraphSettings s = GraphSettings.from(BmaSettingsReader.of(
                Map.of("bma.graph.tenant", "cfwb.onmicrosoft.com", "bma.graph.clientId", CLIENT,
                        "bma.graph.maxMessageSize", "150MB", "bma.graph.concurrency", "2")),
                SecretResolver.environment(Map.of("BMA_GRAPH_CLIENTSECRET", SECRET, "BMA_GRAPH_CONCURRENCY", "4")));
        assertThat(s.credentials().kind()).isEqualTo(GraphCredentials.Kind.CLIENT_SECRET);
        assertThat(s.credentials().secret()).isEqualTo(SECRET);
        assertThat(s.maxMessageSize()).isEqualTo(150L * 1024 * 1024);
        assertThat(s.mailboxConcurrency()).as("only secrets come from the resolver").isEqualTo(2);
        assertThat(s.baseUrl()).hasToString("https://graph.microsoft.com/v1.0");
    }

    @Test
    void theSettingsServersPasswordIsTheSecretOrWithACertificateItsPassword() {
        SecretResolver app = SecretResolver.of(Map.of(SecretResolver.GRAPH, new Login(CLIENT, Secret.of(SECRET))), Map.of());
        GraphCredentials secret = GraphSettings.from(BmaSettingsReader.of(Map.of("bma.graph.tenant", "t.onmicrosoft.com")),
                app).credentials();
        assertThat(secret.kind()).isEqualTo(GraphCredentials.Kind.CLIENT_SECRET);
        assertThat(secret.secret()).isEqualTo(SECRET);
        assertThat(secret.toString()).contains(CLIENT);
        GraphCredentials c = GraphSettings.from(BmaSettingsReader.of(Map.of("bma.graph.tenant", "t.onmicrosoft.com",
                "bma.graph.certificate", "/etc/bma/app.p12")), app).credentials();
        assertThat(c.kind()).isEqualTo(GraphCredentials.Kind.CERTIFICATE);
        assertThat(c.toString()).doesNotContain(SECRET);
    }

    @Test
    void refusesBadValuesNamingTheKey() {
        assertThatThrownBy(() -> GraphSettings.from(BmaSettingsReader.of(Map.of("bma.graph.tenant", "t.onmicrosoft.com",
                "bma.graph.clientId", CLIENT)), SecretResolver.none())).isInstanceOfSatisfying(BmaException.class, e -> {
                    assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION);
                    assertThat(e.getMessage()).contains("bma.graph.clientSecret").contains("never the POM");
                });
        assertThatThrownBy(() -> GraphCredentials.clientSecret("t.onmicrosoft.com", "my-app", SECRET))
                .hasMessageContaining("not a GUID");
        assertThatThrownBy(() -> GraphSettings.builder().mailboxConcurrency(5))
                .hasMessageContaining("1 to 4");
        assertThatThrownBy(() -> GraphSettings.builder().baseUrl("http://graph.example.com/v1.0"))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> GraphSettings.builder().uploadChunkSize(4 * 1024 * 1024))
                .hasMessageContaining("under 4 MB");
        assertThatThrownBy(() -> GraphSettings.builder().maxMessageSize(200L * 1024 * 1024))
                .hasMessageContaining("150 MB");
        assertThatThrownBy(() -> GraphSettings.from(BmaSettingsReader.of(Map.of("bma.graph.maxMessageSize", "big")),
                SecretResolver.none()))
                .hasMessageContaining("bma.graph.maxMessageSize");
        assertThatThrownBy(() -> GraphSettings.builder().build()).hasMessageContaining("credentials are missing");
    }

    @Test
    void budgetHoldsConcurrencyAndTheRequestWindow() throws Exception {
        long[] now = {0};
        MailboxBudget budget = new MailboxBudget(4, 3, Duration.ofMillis(200), 8 * 1024 * 1024, Duration.ofSeconds(1),
                () -> now[0]);
        for (int i = 0; i < 3; i++) {
            budget.acquire(0);
            budget.release();
        }
        Thread waiter = new Thread(() -> {
            try {
                budget.acquire(0);
                budget.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        waiter.join(300);
        assertThat(waiter.isAlive()).as("a fourth request in the window waits").isTrue();
        now[0] = Duration.ofMillis(250).toNanos();
        waiter.join(2000);
        assertThat(waiter.isAlive()).as("the window moved on").isFalse();
    }

    @Test
    void anIdleBudgetCanBeForgotten() throws Exception {
        long[] now = {0};
        MailboxBudget budget = new MailboxBudget(4, 100, Duration.ofMinutes(10), 8 * 1024 * 1024, Duration.ofMinutes(5),
                () -> now[0]);
        budget.acquire(0);
        now[0] = Duration.ofMinutes(11).toNanos();
        assertThat(budget.isIdle()).as("a request in flight").isFalse();
        budget.release();
        assertThat(budget.isIdle()).isTrue();
        now[0] = Duration.ofMinutes(12).toNanos();
        budget.acquire(0);
        budget.release();
        assertThat(budget.isIdle()).as("used within the window").isFalse();
    }

    @Test
    void budgetHoldsTheUploadWindow() throws Exception {
        long[] now = {0};
        MailboxBudget budget = new MailboxBudget(4, 100, Duration.ofMinutes(10), 8 * 1024 * 1024, Duration.ofSeconds(1),
                () -> now[0]);
        budget.acquire(6 * 1024 * 1024);
        budget.release();
        Thread waiter = new Thread(() -> {
            try {
                budget.acquire(4 * 1024 * 1024);
                budget.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        waiter.join(300);
        assertThat(waiter.isAlive()).as("over 8 MB in the window waits").isTrue();
        now[0] = Duration.ofSeconds(2).toNanos();
        waiter.join(2000);
        assertThat(waiter.isAlive()).isFalse();
    }
}
