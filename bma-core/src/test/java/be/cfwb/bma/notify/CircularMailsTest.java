package be.cfwb.bma.notify;

import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlanFiles;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.internal.FrenchDates;
import be.cfwb.bma.calendar.PlanningSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Circular n°9358 through the mails: the access date is a setting shown in mail 1, mail 3 and
 * every plan file; mails 2 and 3 say what {@code bma.password.changeAtFirstSignIn} makes true.
 */
class CircularMailsTest {

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(ServerSetupTest.SMTP.createCopy("127.0.0.1")
            .dynamicPort()).withPerMethodLifecycle(true);

    private static final BmaAddress SCHOOL = BmaAddress.of(BmaKind.EC, 1001);
    private static final List<String> FORCED_CHANGE = List.of("provisoire", "changer", "changement");

    @TempDir
    Path work;

    /** Plans the one school with {@code properties}, then sends its four mails; returns them in order. */
    private List<MimeMessage> planAndSend(Map<String, String> properties, PlannedMailbox[] row) throws Exception {
        TestSupport.MutableClock clock = new TestSupport.MutableClock(
                ZonedDateTime.of(2024, 9, 30, 8, 0, 0, 0, PlanningSettings.ZONE).toInstant());
        NotificationSettings settings = NotificationSettings.builder().read(BmaSettingsReader.of(properties))
                .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://e.be/1", "https://e.be/2"))
                .notifier(new SmtpNotifier(SmtpSettings.loopback(GREENMAIL.getSmtp().getPort())))
                .credentialIssuer(new TestSupport.RecordingIssuer()).sleeper(new TestSupport.ClockSleeper(clock))
                .rateLimit(new RateLimit(600, 10_000)).build();
        Bma bma = Bma.configure().inventory(Inventory.of(List.of(Mailbox.of(SCHOOL, "École A"))))
                .ledgerDirectory(work.resolve("ledger")).outputDirectory(work.resolve("out")).clock(clock)
                .allowFutureDate(true) // the clock stays on the day of mail 1
                .properties(properties).notifications(settings).load();
        row[0] = bma.plan(MailboxSelection.all()).plan().find(SCHOOL).orElseThrow();
        bma.notify(MailboxSelection.all(), row[0].mailDate(1));
        bma.notify(MailboxSelection.all(), row[0].mailDate(4));
        MimeMessage[] received = GREENMAIL.getReceivedMessages();
        assertThat(received).hasSize(4);
        return List.of(received);
    }

    private static String text(MimeMessage m) throws Exception {
        return NotificationDeliveryTest.part(m, "text/plain");
    }

    private static String html(MimeMessage m) throws Exception {
        return NotificationDeliveryTest.part(m, "text/html");
    }

    @Test
    void anAccessDateTwoWorkingDaysLaterIsInMailOneMailThreeAndEveryPlanFile() throws Exception {
        PlannedMailbox[] row = new PlannedMailbox[1];
        List<MimeMessage> mails = planAndSend(Map.of(BmaProperties.ACCESS_DELAY_DAYS, "2"), row);
        PlannedMailbox p = row[0];
        // One school alone is planned on the first full-lead day, Monday 4 November: access on Wednesday 6.
        assertThat(p.migrationDate()).isEqualTo(LocalDate.of(2024, 11, 4));
        LocalDate access = LocalDate.of(2024, 11, 6);
        assertThat(p.accessDate()).isEqualTo(access);

        String words = FrenchDates.format(access);
        assertThat(words).isEqualTo("mercredi 6 novembre 2024");
        assertThat(text(mails.get(0))).contains("Accès à la nouvelle interface : à partir du " + words)
                .contains("Date prévue de la migration : " + FrenchDates.format(p.migrationDate()));
        assertThat(html(mails.get(0))).contains("à partir du " + words);
        assertThat(text(mails.get(2))).contains("À partir du " + words + ", vous consulterez");
        assertThat(text(mails.get(1))).contains("accès à la nouvelle interface à partir du " + words);
        assertThat(html(mails.get(2))).contains("À partir du " + words);

        Path out = work.resolve("out");
        List<String> csv = Files.readAllLines(out.resolve(PlanFiles.CSV));
        assertThat(csv.get(0)).endsWith(",access_date,mail1_lead_days,prestage_date");
        assertThat(csv.get(1)).startsWith(SCHOOL + ",").contains(",2024-11-06,5,");
        JsonNode json = new ObjectMapper().readTree(out.resolve(PlanFiles.JSON).toFile());
        assertThat(json.path("settings").path("access_delay_days").asInt()).isEqualTo(2);
        assertThat(json.path("mailboxes").get(0).path("access_date").asText()).isEqualTo("2024-11-06");
        assertThat(json.path("mailboxes").get(0).path("mail1_lead_days").asInt()).isEqualTo(5);
        assertThat(Files.readString(out.resolve(PlanFiles.HTML))).contains("accès le 6 novembre 2024")
                .contains("Accès à la nouvelle interface : 2 jour(s) ouvrable(s) après la migration");
        // Read back as published, the plan keeps it (notify reads this file).
        assertThat(PlanFiles.read(out, Inventory.of(List.of(Mailbox.of(SCHOOL, "École A")))).orElseThrow()
                .find(SCHOOL).orElseThrow().accessDate()).isEqualTo(access);
    }

    @Test
    void byDefaultMailsTwoAndThreeSayNothingOfAForcedChange() throws Exception {
        List<MimeMessage> mails = planAndSend(Map.of(), new PlannedMailbox[1]);
        for (MimeMessage m : List.of(mails.get(1), mails.get(2))) {
            String body = text(m) + html(m);
            String subject = m.getSubject();
            assertThat(body).contains("Ce mot de passe restera valable après votre première connexion.");
            FORCED_CHANGE.forEach(w -> assertThat(body).as(subject).doesNotContainIgnoringCase(w));
        }
        // Access on the migration day by default, as the circular ("dès la migration effectuée").
        assertThat(text(mails.get(0))).contains("Accès à la nouvelle interface : à partir du lundi 4 novembre 2024");
    }

    @Test
    void withAChangeAtFirstSignInMailsTwoAndThreeSayIt() throws Exception {
        List<MimeMessage> mails = planAndSend(Map.of(BmaProperties.PASSWORD_CHANGE_AT_FIRST_SIGN_IN, "true"),
                new PlannedMailbox[1]);
        for (MimeMessage m : List.of(mails.get(1), mails.get(2))) {
            assertThat(text(m)).as(m.getSubject()).contains(
                    "Ce mot de passe est provisoire : il vous sera demandé de le changer lors de votre première connexion.");
            assertThat(html(m)).contains("il vous sera demandé de le changer lors de votre première connexion.");
        }
    }
}
