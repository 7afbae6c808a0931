package be.cfwb.bma.calendar;

import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaKind;

import org.junit.jupiter.api.Test;

import java.time.LocalTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static be.cfwb.bma.calendar.Fixtures.d;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanningSettingsTest {

    @Test
    void defaultsAreTheCircularsWaves() {
        PlanningSettings s = PlanningSettings.defaults2024();
        assertThat(s.wave(BmaKind.PO).window()).isEqualTo(DateRange.parse("2024-10-01..2024-10-25"));
        assertThat(s.wave(BmaKind.EC).window()).isEqualTo(DateRange.parse("2024-11-04..2024-11-30"));
        assertThat(s.wave(BmaKind.PO).usesSchoolHolidays()).isTrue();
        assertThat(s.wave(BmaKind.EC).usesSchoolHolidays()).isFalse();
        assertThat(s.wave(BmaKind.EC).name()).isEqualTo("ec-2024-11");
        assertThat(s.mailboxesPerDayBySenders()).isEqualTo(600);
        assertThat(PlanningSettings.builder().build()).isEqualTo(s);
    }

    @Test
    void waveNamesAreAsciiWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("ar-EG"));
            assertThat(PlanningSettings.defaults2024().wave(BmaKind.PO).name()).isEqualTo("po-2024-10");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void setterRefusesBadValuesAtOnceWithPreciseMessages() {
        PlanningSettings.Builder b = PlanningSettings.builder();
        assertThatThrownBy(() -> b.capacity(BmaKind.EC, 0)).isInstanceOf(BmaException.class)
                .hasMessage("Capacity for EC is 0 mailboxes a day; it must be at least 1");
        assertThatThrownBy(() -> b.leadDays(0)).hasMessage("Lead time of mail 1 is 0 working days; it must be between 1 and 60");
        assertThatThrownBy(() -> b.mailsPerHour(-5)).hasMessage("Mails per hour is -5; it must be at least 1");
        assertThatThrownBy(() -> b.mailTime(5, LocalTime.NOON)).hasMessage("There is no mail 5; mails are numbered 1 to 4");
        assertThatThrownBy(() -> b.window(BmaKind.PO, DateRange.parse("2024-01-01..2025-06-01")))
                .hasMessageContaining("longer than a year");
        assertThatThrownBy(() -> DateRange.parse("2024-11-30..2024-11-04")).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> DateRange.parse("4 nov")).hasMessageContaining("'4 nov' is not valid");
    }

    @Test
    void buildChecksTheMailOrder() {
        PlanningSettings.Builder b = PlanningSettings.builder().mailTime(3, LocalTime.of(6, 0));
        assertThatThrownBy(b::build).isInstanceOf(BmaException.class)
                .satisfies(e -> assertThat(((BmaException) e).code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("Mails 2, 3 and 4 must be sent in that order");
    }

    @Test
    void propertiesSetEveryParameter() {
        PlanningSettings s = PlanningSettings.builder().read(BmaSettingsReader.of(Map.ofEntries(
                Map.entry("bma.window.po", "2025-10-01..2025-10-24"),
                Map.entry("bma.window.ec", "2025-11-03..2025-11-28"),
                Map.entry("bma.capacity.po", "50"),
                Map.entry("bma.capacity.ec", " 300 "),
                Map.entry("bma.schoolHolidays.ec", "true"),
                Map.entry("bma.leadDays", "10"),
                Map.entry("bma.mail1.time", "10:15"),
                Map.entry("bma.mail2.time", "06:00"),
                Map.entry("bma.mail3.time", "06:30"),
                Map.entry("bma.mail4.time", "07:45"),
                Map.entry("bma.mailsPerHour", "3000"),
                Map.entry("bma.closedDays", "Grève=2025-11-12; 2025-11-20"),
                Map.entry("bma.schoolCalendar", "Congé d'automne=2025-10-20..2025-10-31"),
                Map.entry("bma.blackouts", "po@2025-10-01=Comptage; ec/level=Secondaire/network=Libre@2025-11-05..2025-11-06=Attributions"),
                Map.entry("bma.announceFrom", "2025-09-15"),
                Map.entry("bma.accessDelayDays", "2"),
                Map.entry("bma.unrelated", "x")))).build();
        assertThat(s.wave(BmaKind.PO)).isEqualTo(new Wave(BmaKind.PO, DateRange.parse("2025-10-01..2025-10-24"), 50, true));
        assertThat(s.wave(BmaKind.EC)).isEqualTo(new Wave(BmaKind.EC, DateRange.parse("2025-11-03..2025-11-28"), 300, true));
        assertThat(s.leadDays()).isEqualTo(10);
        assertThat(List.of(s.mailTime(1), s.mailTime(2), s.mailTime(3), s.mailTime(4)))
                .containsExactly(LocalTime.of(10, 15), LocalTime.of(6, 0), LocalTime.of(6, 30), LocalTime.of(7, 45));
        assertThat(s.mailsPerHour()).isEqualTo(3000);
        assertThat(s.closedDays()).containsExactly(NamedPeriod.of("Grève", "2025-11-12"), NamedPeriod.of("closed", "2025-11-20"));
        assertThat(s.schoolCalendar()).containsExactly(NamedPeriod.of("Congé d'automne", "2025-10-20..2025-10-31"));
        assertThat(s.blackouts()).extracting(Blackout::toString).containsExactly(
                "ec/level=Secondaire/network=Libre@2025-11-05..2025-11-06=Attributions", "po@2025-10-01=Comptage");
        assertThat(s.announceFrom()).contains(d("2025-09-15"));
        assertThat(s.accessDelayDays()).isEqualTo(2);
    }

    @Test
    void theDefaultsAreTheCircularsWholeWindowsAndDate() {
        PlanningSettings s = PlanningSettings.defaults2024();
        assertThat(s.wave(BmaKind.PO).window()).isEqualTo(DateRange.parse("2024-10-01..2024-10-25"));
        assertThat(s.wave(BmaKind.EC).window()).isEqualTo(DateRange.parse("2024-11-04..2024-11-30"));
        assertThat(s.blackouts()).isEmpty();
        assertThat(s.announceFrom()).contains(d("2024-09-30"));
        assertThat(s.accessDelayDays()).isZero();
        assertThat(PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.announceFrom", "none"))).build().announceFrom()).isEmpty();
        assertThat(s.toBuilder().accessDelayDays(3).build()).isNotEqualTo(s);
    }

    @Test
    void badPropertiesNameTheKey() {
        assertThatThrownBy(() -> PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.capacity.ec", "lots"))))
                .hasMessage("bma.capacity.ec 'lots' is not a whole number");
        assertThatThrownBy(() -> PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.schoolHolidays.po", "yes"))))
                .hasMessage("bma.schoolHolidays.po 'yes' must be true or false");
        assertThatThrownBy(() -> PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.mail2.time", "7h"))))
                .hasMessageContaining("bma.mail2.time '7h' is not a time of day");
        assertThatThrownBy(() -> PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.blackouts", "xx@2024-10-01=Y"))))
                .hasMessageContaining("kind 'xx' is unknown");
        assertThatThrownBy(() -> PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.blackouts", "po 2024-10-01"))))
                .hasMessageContaining("write KINDS[/level=L][/network=N]@RANGE=NAME");
        assertThatThrownBy(() -> PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.accessDelayDays", "-1"))))
                .hasMessageContaining("bma.accessDelayDays '-1'").hasMessageContaining("between 0 (the migration day) and 20");
        assertThatThrownBy(() -> be.cfwb.bma.notify.NotificationSettings.builder()
                .read(BmaSettingsReader.of(Map.of("bma.password.changeAtFirstSignIn", "yes"))))
                .hasMessage("bma.password.changeAtFirstSignIn 'yes' must be true or false");
    }

    @Test
    void keepTogetherTakesOrganisingBodiesOnly() {
        PlanningSettings s = PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.keepTogether", "po001136, po000478@adm.cfwb.be")))
                .build();
        assertThat(s.keepTogether()).extracting(Object::toString)
                .containsExactly("po000478@adm.cfwb.be", "po001136@adm.cfwb.be");
        assertThatThrownBy(() -> PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.keepTogether", "ec001394"))))
                .hasMessageContaining("ec001394@adm.cfwb.be is not a po address");
    }

    @Test
    void blackoutParsesAndPrintsBack() {
        Blackout b = Blackout.parse("ec+po/network=Libre confessionnel@2024-11-12..2024-11-13=DAccE");
        assertThat(b.kinds()).containsExactly(BmaKind.EC, BmaKind.PO);
        assertThat(b.network()).contains("Libre confessionnel");
        assertThat(b.level()).isEqualTo(Optional.empty());
        assertThat(Blackout.parse(b.toString())).isEqualTo(b);
    }

    @Test
    void toBuilderKeepsEverything() {
        PlanningSettings s = PlanningSettings.builder().capacity(BmaKind.EC, 7).announceFrom(d("2024-09-01"))
                .closedDay(NamedPeriod.of("x", "2024-11-13")).build();
        assertThat(s.toBuilder().build()).isEqualTo(s).hasSameHashCodeAs(s);
    }
}
