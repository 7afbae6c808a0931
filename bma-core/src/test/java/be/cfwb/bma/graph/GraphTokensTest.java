package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.credentials.TokenSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** App-only credentials through MSAL: failures name the app and the fix, never the secret. */
class GraphTokensTest {

    private static final String CLIENT = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String SECRET = "Zq8~verysecret.value";

    @Test
    void anUnreachableOrRefusingEntraIdFailsWithoutTheSecret() {
        GraphSettings settings = GraphSettings.builder()
                .credentials(GraphCredentials.clientSecret("cfwb.onmicrosoft.com", CLIENT, SECRET))
                .authority("https://127.0.0.1:1/")
                .build();
        TokenSupplier tokens = GraphTokens.of(settings).forScope("https://graph.microsoft.com/.default");

        assertThatThrownBy(() -> tokens.token())
                .isInstanceOfSatisfying(BmaException.class, e -> {
                    assertThat(e.code()).isEqualTo(BmaErrorCode.CONNECTION_FAILED);
                    assertThat(e.getMessage()).contains(CLIENT).contains("cfwb.onmicrosoft.com")
                            .contains("unreachable", "https://127.0.0.1:1/").doesNotContain(SECRET);
                });
    }

    @Test
    void anUnreadableCertificateIsAConfigurationErrorWithoutItsPassword(@TempDir Path temp) throws Exception {
        Path p12 = Files.write(temp.resolve("app.p12"), new byte[] {1, 2, 3, 4});
        GraphSettings settings = GraphSettings.builder()
                .credentials(GraphCredentials.certificate("cfwb.onmicrosoft.com", CLIENT, p12, "p12-password"))
                .build();

        assertThatThrownBy(() -> GraphTokens.of(settings))
                .isInstanceOfSatisfying(BmaException.class, e -> {
                    assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION);
                    assertThat(e.getMessage()).contains(p12.toString()).contains("PKCS#12")
                            .doesNotContain("p12-password");
                });
        assertThat(settings.credentials().toString()).doesNotContain("p12-password");
    }
}
