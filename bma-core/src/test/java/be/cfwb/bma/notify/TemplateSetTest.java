package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.internal.FrenchDates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateSetTest {

    private static String value(Placeholder p) {
        return switch (p) {
            case NAME -> "Athénée <b>royal</b> & \"Cie\" l'école";
            case PASSWORD -> "Pa55-word";
            default -> "[" + p.key() + "]";
        };
    }

    @Test
    void datesAreWrittenAsFrenchProse() {
        assertThat(FrenchDates.format(LocalDate.of(2024, 11, 4))).isEqualTo("lundi 4 novembre 2024");
        assertThat(FrenchDates.format(LocalDate.of(2024, 11, 1))).isEqualTo("vendredi 1er novembre 2024");
        assertThat(FrenchDates.format(LocalDate.of(2024, 10, 25))).isEqualTo("vendredi 25 octobre 2024");
        assertThat(FrenchDates.format(LocalDate.of(2024, 8, 15))).isEqualTo("jeudi 15 août 2024");
    }

    @Test
    void builtInTemplatesUseOnlyAllowedPlaceholders() {
        TemplateSet templates = TemplateSet.builtIn();
        assertThat(templates.placeholders(NotificationKind.MAIL2)).contains(Placeholder.PASSWORD);
        for (NotificationKind kind : EnumSet.of(NotificationKind.MAIL1, NotificationKind.MAIL3, NotificationKind.MAIL4)) {
            assertThat(templates.placeholders(kind)).doesNotContain(Placeholder.PASSWORD);
        }
        assertThat(templates.placeholders(NotificationKind.MAIL1)).contains(Placeholder.MIGRATION_DATE, Placeholder.ACCESS_DATE);
        assertThat(templates.placeholders(NotificationKind.MAIL3)).contains(Placeholder.INTERFACE_URL,
                Placeholder.TUTORIAL1_URL, Placeholder.TUTORIAL2_URL);
        assertThat(templates.placeholders(NotificationKind.MAIL4)).contains(Placeholder.INTERFACE_URL);
    }

    @Test
    void htmlEscapesValuesAndTextKeepsThem() {
        TemplateSet.Rendered r = TemplateSet.builtIn().render(NotificationKind.MAIL1, TemplateSetTest::value);
        assertThat(r.html()).contains("Athénée &lt;b&gt;royal&lt;/b&gt; &amp; &quot;Cie&quot; l&#39;école")
                .doesNotContain("<b>royal");
        assertThat(r.text()).contains("Athénée <b>royal</b> & \"Cie\" l'école");
        assertThat(r.text()).contains("+32 (0)2/413.30.90", "migrationBMA@cfwb.be", "+32 (0)2/800.10.10", "support@etnic.be")
                .contains("Madame, Monsieur,").contains("Votre adresse reste identique : [address]");
    }

    @Test
    void subjectsFlattenLineBreaks() {
        TemplateSet.Rendered r = TemplateSet.builtIn().render(NotificationKind.MAIL1,
                p -> p == Placeholder.MIGRATION_DATE ? "lundi\r\nBcc: x@evil.example" : "v");
        assertThat(r.subject()).doesNotContain("\n").doesNotContain("\r").contains("lundi Bcc");
    }

    @Test
    void unknownPlaceholderInAnOverrideFailsNamingTemplateAndPlaceholder(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mail1.txt");
        Files.writeString(file, "Bonjour {{name}}, le {{date_migration}}.");
        assertThatThrownBy(() -> TemplateSet.load(Optional.of(dir)))
                .isInstanceOf(BmaException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("{{date_migration}}")
                .extracting(e -> ((BmaException) e).code()).isEqualTo(BmaErrorCode.INVALID_TEMPLATE);
    }

    @Test
    void passwordOutsideMail2IsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mail3.html"), "<p>{{password}}</p>");
        assertThatThrownBy(() -> TemplateSet.load(Optional.of(dir)))
                .hasMessageContaining("mail3.html").hasMessageContaining("{{password}}").hasMessageContaining("only mail 2");
    }

    @Test
    void mail2WithoutPasswordIsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mail2.txt"), "Votre mot de passe vous sera communiqué.");
        assertThatThrownBy(() -> TemplateSet.load(Optional.of(dir)))
                .hasMessageContaining("mail2.txt").hasMessageContaining("lacks the placeholder {{password}}");
    }

    @Test
    void passwordInASubjectIsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mail2.subject.txt"), "Mot de passe : {{password}}");
        assertThatThrownBy(() -> TemplateSet.load(Optional.of(dir)))
                .hasMessageContaining("mail2.subject.txt").hasMessageContaining("subject");
    }

    @Test
    void unclosedPlaceholderNamesTheLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mail4.txt"), "Bonjour\n{{address}}\nle {{migration_date\n");
        assertThatThrownBy(() -> TemplateSet.load(Optional.of(dir)))
                .hasMessageContaining("mail4.txt").hasMessageContaining("line 3").hasMessageContaining("never closed");
    }

    @Test
    void misspeltOverrideFileIsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mail1.htm"), "<p>{{name}}</p>");
        assertThatThrownBy(() -> TemplateSet.load(Optional.of(dir)))
                .hasMessageContaining("mail1.htm").hasMessageContaining("mail1.html");
    }

    @Test
    void overrideReplacesOnlyItsOwnFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("mail1.subject.txt"), "BMA {{fase}} : migration le {{migration_date}}\n");
        TemplateSet templates = TemplateSet.load(Optional.of(dir));
        TemplateSet.Rendered r = templates.render(NotificationKind.MAIL1, TemplateSetTest::value);
        assertThat(r.subject()).isEqualTo("BMA [fase] : migration le [migration_date]");
        assertThat(r.text()).isEqualTo(TemplateSet.builtIn().render(NotificationKind.MAIL1, TemplateSetTest::value).text());
    }

    @Test
    void missingValueFailsNamingTemplateAndPlaceholder() {
        Set<Placeholder> available = EnumSet.allOf(Placeholder.class);
        available.remove(Placeholder.TUTORIAL2_URL);
        assertThatThrownBy(() -> TemplateSet.builtIn().requireValues(available))
                .hasMessageContaining("mail3").hasMessageContaining("{{tutorial2_url}}")
                .hasMessageContaining("bma.notify.tutorial2Url");
    }
}
