package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.notify.OutgoingMail;
import be.cfwb.bma.notify.SenderIdentity;
import be.cfwb.bma.notify.SenderRole;
import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.testing.graph.SentMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graph sendMail and passwordProfile against the stand-in, which checks paths, shapes and the token. */
class GraphNotificationTest {

    private static final BmaAddress BOX = BmaAddress.parse("ec001394@adm.cfwb.be");
    private static final SenderIdentity ETNIC = SenderIdentity.defaultFor(SenderRole.ETNIC);
    private static final String PASSWORD = "Vq7#Lm2xTz9!Rb";

    @org.junit.jupiter.api.extension.RegisterExtension
    static final be.cfwb.bma.testing.graph.GraphStandInExtension GRAPH = new be.cfwb.bma.testing.graph.GraphStandInExtension()
            .withUser(BOX.toString()).withUser(ETNIC.address());

    private GraphStandIn standIn;
    private GraphConnection graph;
    private final List<Duration> waits = new ArrayList<>();
    private final Sleeper sleeper = waits::add;

    @BeforeEach
    void start(GraphStandIn standIn) {
        this.standIn = standIn;
        graph = GraphConnection.open(GraphSettings.builder().credentials(GraphCredentials.staticToken(standIn.token()))
                .baseUrl(standIn.baseUrl()).build());
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    private static OutgoingMail mail2() {
        return new OutgoingMail(NotificationKind.MAIL2, BOX, ETNIC, "Votre nouveau mot de passe – École « Les Éclairs »",
                "Bonjour,\r\nvotre mot de passe : " + PASSWORD + "\r\n", "<p>Bonjour, votre mot de passe : <b>"
                + PASSWORD + "</b></p>", "mail2.ec001394.v1@bma.cfwb.be",
                ZonedDateTime.of(2024, 10, 21, 9, 0, 0, 0, ZoneId.of("Europe/Brussels")));
    }

    @Test
    void sendsTheRenderedMimeFromTheSendersMailbox() {
        new GraphNotifier(graph, sleeper).send(mail2());

        SentMail sent = standIn.sentMail().get(0);
        assertThat(standIn.sentMail()).hasSize(1);
        assertThat(sent.sender()).isEqualTo(ETNIC.address());
        assertThat(sent.isMime()).isTrue();
        assertThat(sent.subject()).isEqualTo("Votre nouveau mot de passe – École « Les Éclairs »");
        assertThat(sent.toAddresses()).containsExactly(BOX.toString());
        assertThat(sent.internetMessageId()).isEqualTo("<mail2.ec001394.v1@bma.cfwb.be>");
        assertThat(sent.bodyContentType()).isEqualTo("html");
        assertThat(sent.body()).contains("<b>" + PASSWORD + "</b>");
        assertThat(sent.message().path("textPart").asText()).contains(PASSWORD);
        assertThat(standIn.requests()).anySatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/v1.0/users/support@etnic.be/sendMail");
            assertThat(r.bearer()).isTrue();
            assertThat(r.status()).isEqualTo(202);
        });
        assertThat(waits).isEmpty();
    }

    @Test
    void honoursRetryAfterWithTheGivenSleeperAndSendsOnce() {
        standIn.throttleNext(2, Duration.ofSeconds(7), "/sendMail");

        new GraphNotifier(graph, sleeper).send(mail2());

        assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
        assertThat(standIn.sentMail()).hasSize(1);
        assertThat(standIn.countStatus(429)).isEqualTo(2);
    }

    @Test
    void refusedIsFailedAndALostAnswerIsUncertain() {
        OutgoingMail notMine = new OutgoingMail(NotificationKind.MAIL1, BOX, SenderIdentity.of("SGNE", "sgne@cfwb.be"),
                "Migration", "texte", "<p>html</p>", "m1@bma.cfwb.be", ZonedDateTime.now(ZoneId.of("UTC")));
        standIn.addUser("sgne@cfwb.be").denyWrites("sgne@cfwb.be");
        assertThatThrownBy(() -> new GraphNotifier(graph, sleeper).send(notMine))
                .isInstanceOfSatisfying(BmaException.class, e -> {
                    assertThat(e.code()).isEqualTo(BmaErrorCode.NOTIFICATION_FAILED);
                    assertThat(e.getMessage()).contains("sgne@cfwb.be").contains("Mail.Send");
                });

        standIn.loseResponseNext(1, "POST", "/sendMail");
        assertThatThrownBy(() -> new GraphNotifier(graph, sleeper).send(mail2()))
                .isInstanceOfSatisfying(BmaException.class, e -> {
                    assertThat(e.code()).isEqualTo(BmaErrorCode.NOTIFICATION_UNCERTAIN);
                    assertThat(e.getMessage()).doesNotContain(PASSWORD);
                });
        assertThat(standIn.sentMail()).hasSize(1);
    }

    @Test
    void setsThePasswordWithoutAChangeAtFirstSignInByDefault() {
        standIn.throttleNext(1, Duration.ofSeconds(3), "/users/");

        new GraphCredentialIssuer(graph, sleeper).issue(BOX, Secret.of(PASSWORD));

        assertThat(waits).containsExactly(Duration.ofSeconds(3));
        assertThat(standIn.passwordChanges(BOX.toString())).isEqualTo(1);
        assertThat(standIn.passwordProfile(BOX.toString())).hasValueSatisfying(p -> {
            assertThat(p.path("password").asText()).isEqualTo(PASSWORD);
            // Sent explicitly false: a BMA is shared, the first to sign in must not lock the others out.
            assertThat(p.has("forceChangePasswordNextSignIn")).isTrue();
            assertThat(p.path("forceChangePasswordNextSignIn").asBoolean()).isFalse();
        });
        assertThat(standIn.requests()).filteredOn(r -> r.method().equals("PATCH"))
                .allSatisfy(r -> {
                    assertThat(r.path()).isEqualTo("/v1.0/users/ec001394@adm.cfwb.be");
                    assertThat(r.bearer()).isTrue();
                });
        assertThat(new GraphCredentialIssuer(graph, sleeper).description()).doesNotContain(PASSWORD);
    }

    @Test
    void setsThePasswordWithAChangeAtFirstSignInWhenConfigured() {
        boolean change = be.cfwb.bma.notify.NotificationSettings.changePasswordAtFirstSignIn(
                java.util.Map.of("bma.password.changeAtFirstSignIn", "true"));

        new GraphCredentialIssuer(graph, sleeper, 8, change).issue(BOX, Secret.of(PASSWORD));

        assertThat(standIn.passwordProfile(BOX.toString())).hasValueSatisfying(p -> {
            assertThat(p.path("password").asText()).isEqualTo(PASSWORD);
            assertThat(p.path("forceChangePasswordNextSignIn").asBoolean()).isTrue();
        });
    }

    @Test
    void aRefusedPasswordFailsWithoutShowingIt() {
        assertThatThrownBy(() -> new GraphCredentialIssuer(graph, sleeper).issue(BOX, Secret.of("abcdefgh")))
                .isInstanceOfSatisfying(BmaException.class, e -> {
                    assertThat(e.code()).isEqualTo(BmaErrorCode.CREDENTIAL_FAILED);
                    assertThat(e.getMessage()).contains("ec001394@adm.cfwb.be").doesNotContain("abcdefgh");
                });
        assertThatThrownBy(() -> new GraphCredentialIssuer(graph, sleeper)
                .issue(BmaAddress.parse("ec009999@adm.cfwb.be"), Secret.of(PASSWORD)))
                .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.getMessage()).contains("404")
                        .doesNotContain(PASSWORD));
        assertThat(standIn.passwordChanges(BOX.toString())).isZero();
    }
}
