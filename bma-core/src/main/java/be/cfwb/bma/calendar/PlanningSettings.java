package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.config.BmaSettingsReader;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Everything the planner needs besides the inventory: the waves, the school calendar, the
 * obligation windows (blackouts, none by default), extra closed days, the lead time of
 * mail 1 and the first day it may leave, the access date, the time of each mail and the
 * senders' hourly limit. Immutable; built by {@link #builder()}, which starts from
 * {@link #defaults2024()} and checks each value as it is set.
 *
 * <p>Belgian public holidays and the Fête de la Fédération Wallonie-Bruxelles (27
 * September) are always closed; they are computed for any year ({@link PublicHolidays}).
 * All times are Europe/Brussels local times.
 */
public final class PlanningSettings {

    /** The time zone of every date-time in a plan. */
    public static final ZoneId ZONE = ZoneId.of("Europe/Brussels");

    /**
     * The FW-B school calendar 2024–2025 (school holidays and days off in the ordinary
     * calendar that public holidays do not already cover).
     */
    public static final List<NamedPeriod> SCHOOL_CALENDAR_2024_2025 = List.of(
            NamedPeriod.of("Vacances d'été 2024", "2024-07-06..2024-08-25"),
            NamedPeriod.of("Congé d'automne (Toussaint)", "2024-10-21..2024-11-01"),
            NamedPeriod.of("Vacances d'hiver (Noël)", "2024-12-23..2025-01-03"),
            NamedPeriod.of("Congé de détente (Carnaval)", "2025-02-24..2025-03-07"),
            NamedPeriod.of("Vacances de printemps (Pâques)", "2025-04-28..2025-05-09"),
            NamedPeriod.of("Vacances d'été 2025", "2025-07-04..2025-08-24"));

    /**
     * Obligation windows one may opt into ({@code bma.blackouts}); none is applied by default.
     * Circular n°9358 names the obligations (counting, staff assignments, DAccE) without dates
     * and meets them by splitting the migration into its two periods ("afin [...] d'adapter le
     * planning aux différentes obligations des établissements et PO (comptage, attributions,
     * DAccE…), la migration sera étalée sur deux périodes"), so both windows stay whole. These
     * dates are the toolkit's own reading (the legal counting days; the first school day after
     * the autumn break), to confirm with SGNE before use.
     */
    public static final List<Blackout> BLACKOUTS_2024 = List.of(
            Blackout.of("Comptage des élèves (30 septembre, 1er octobre)", "2024-09-30..2024-10-01", BmaKind.PO),
            Blackout.of("Reprise après le congé d'automne (DAccE, attributions)", "2024-11-04", BmaKind.EC));

    /**
     * The date of circular n°9358 ("Circulaire n°9358 du 30/09/2024"): mail 1 quotes it as
     * published, so by default none leaves before ({@link #announceFrom()}).
     */
    public static final LocalDate CIRCULAR_DATE = LocalDate.of(2024, 9, 30);

    private static final PlanningSettings DEFAULTS_2024 = new Builder().build();

    private final Map<BmaKind, Wave> waves;
    private final int leadDays;
    private final List<LocalTime> mailTimes;
    private final int mailsPerHour;
    private final List<NamedPeriod> closedDays;
    private final List<NamedPeriod> schoolCalendar;
    private final List<Blackout> blackouts;
    private final Optional<LocalDate> announceFrom;
    private final int accessDelayDays;
    private final Map<BmaKind, Long> volumePerDay;
    private final MailboxSizes sizes;
    private final SortedSet<BmaAddress> keepTogether;
    private final PrestageSettings prestage;

    private PlanningSettings(Builder b) {
        this.waves = Collections.unmodifiableMap(new EnumMap<>(b.waves));
        this.leadDays = b.leadDays;
        this.mailTimes = List.copyOf(b.mailTimes);
        this.mailsPerHour = b.mailsPerHour;
        this.closedDays = List.copyOf(new TreeSet<>(b.closedDays));
        this.schoolCalendar = List.copyOf(new TreeSet<>(b.schoolCalendar));
        this.blackouts = List.copyOf(new TreeSet<>(b.blackouts));
        this.announceFrom = b.announceFrom;
        this.accessDelayDays = b.accessDelayDays;
        this.volumePerDay = Collections.unmodifiableMap(new EnumMap<>(b.volumePerDay));
        this.sizes = b.sizes;
        this.keepTogether = Collections.unmodifiableSortedSet(new TreeSet<>(b.keepTogether));
        this.prestage = b.prestage;
    }

    /**
     * The 2024 campaign. From circular n°9358: the windows, organising bodies 1–25 October
     * 2024 and establishments 4–30 November 2024 ("du 1er au 25 octobre pour les BMA des PO",
     * "du 4 au 30 novembre pour les BMA des établissements"), every working day of them usable
     * (no blackout); no mail 1 before the circular's date, 30 September 2024; the new interface
     * reachable on the migration day ("dès la migration effectuée"). The toolkit's own
     * assumptions, to confirm with SGNE/ETNIC: 100 organising bodies and 200 establishments a
     * day, organising bodies also during school holidays; mail 1 five working days ahead at
     * 09:00, mails 2, 3, 4 on the day at 07:00, 07:30, 08:00; 1,200 mails an hour;
     * {@link #SCHOOL_CALENDAR_2024_2025}. docs/planning.md tells which is which.
     */
    public static PlanningSettings defaults2024() {
        return DEFAULTS_2024;
    }

    /** A builder holding {@link #defaults2024()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The wave of each kind; every kind has one. */
    public Map<BmaKind, Wave> waves() {
        return waves;
    }

    public Wave wave(BmaKind kind) {
        return waves.get(kind);
    }

    /** Working days (of the mailbox's kind) from mail 1 to the migration day. */
    public int leadDays() {
        return leadDays;
    }

    /** Time of day of mail {@code n} (1..4), Europe/Brussels. */
    public LocalTime mailTime(int n) {
        if (n < 1 || n > 4) {
            throw new IllegalArgumentException("mail number " + n + " is not 1..4");
        }
        return mailTimes.get(n - 1);
    }

    public int mailsPerHour() {
        return mailsPerHour;
    }

    /**
     * Most mailboxes that can migrate on one day, all kinds together, given that each
     * mail of the day must be sent to all of them before the next one is due.
     */
    public int mailboxesPerDayBySenders() {
        long gap = Math.min(Duration.between(mailTime(2), mailTime(3)).toMinutes(),
                Duration.between(mailTime(3), mailTime(4)).toMinutes());
        return (int) Math.min(Integer.MAX_VALUE, mailsPerHour * gap / 60);
    }

    public List<NamedPeriod> closedDays() {
        return closedDays;
    }

    public List<NamedPeriod> schoolCalendar() {
        return schoolCalendar;
    }

    public List<Blackout> blackouts() {
        return blackouts;
    }

    /**
     * Most megabytes of mail of {@code kind} migrated on one day, if limited: the capacity
     * weighted by mailbox size. Mailboxes of unknown size count as the mean of the known ones.
     */
    public Optional<Long> volumePerDay(BmaKind kind) {
        return Optional.ofNullable(volumePerDay.get(kind));
    }

    /** The mailbox sizes known; empty unless given. */
    public MailboxSizes mailboxSizes() {
        return sizes;
    }

    /**
     * The organising bodies whose establishments migrate together, on one day (a same-day
     * group per body, for the establishments that have no group of their own).
     */
    public SortedSet<BmaAddress> keepTogether() {
        return keepTogether;
    }

    /**
     * No mail 1 before this day, if set ({@link #CIRCULAR_DATE} by default): a mailbox whose
     * day leaves less than {@link #leadDays()} after it gets mail 1 on the first working day
     * from it on, a shortened lead the plan reports.
     */
    public Optional<LocalDate> announceFrom() {
        return announceFrom;
    }

    /**
     * Working days (of the mailbox's kind) from the migration day to the date the new
     * interface can be reached; 0 (the default) for the same day, as the circular has it
     * ("dès la migration effectuée").
     */
    public int accessDelayDays() {
        return accessDelayDays;
    }

    /** How far ahead of its migration day each mailbox is pre-staged. */
    public PrestageSettings prestage() {
        return prestage;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlanningSettings p && waves.equals(p.waves) && leadDays == p.leadDays
                && mailTimes.equals(p.mailTimes) && mailsPerHour == p.mailsPerHour && closedDays.equals(p.closedDays)
                && schoolCalendar.equals(p.schoolCalendar) && blackouts.equals(p.blackouts)
                && announceFrom.equals(p.announceFrom) && accessDelayDays == p.accessDelayDays
                && volumePerDay.equals(p.volumePerDay) && sizes.equals(p.sizes)
                && keepTogether.equals(p.keepTogether) && prestage.equals(p.prestage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(waves, leadDays, mailTimes, mailsPerHour, closedDays, schoolCalendar, blackouts, announceFrom,
                accessDelayDays, volumePerDay, sizes, keepTogether, prestage);
    }

    @Override
    public String toString() {
        return "PlanningSettings[waves=" + waves.values() + ", leadDays=" + leadDays + ", mailTimes=" + mailTimes
                + ", mailsPerHour=" + mailsPerHour + ", closedDays=" + closedDays + ", blackouts=" + blackouts
                + announceFrom.map(d -> ", announceFrom=" + d).orElse("")
                + (accessDelayDays == 0 ? "" : ", accessDelayDays=" + accessDelayDays)
                + (volumePerDay.isEmpty() ? "" : ", volumePerDay=" + volumePerDay + " MB, " + sizes)
                + (keepTogether.isEmpty() ? "" : ", keepTogether=" + keepTogether) + ", " + prestage + "]";
    }

    /** Builds {@link PlanningSettings}; each setter refuses a bad value at once, naming it. */
    public static final class Builder {

        private final Map<BmaKind, Wave> waves = new EnumMap<>(BmaKind.class);
        private int leadDays = 5;
        private final List<LocalTime> mailTimes = new ArrayList<>(List.of(
                LocalTime.of(9, 0), LocalTime.of(7, 0), LocalTime.of(7, 30), LocalTime.of(8, 0)));
        private int mailsPerHour = 1200;
        private final List<NamedPeriod> closedDays = new ArrayList<>();
        private final List<NamedPeriod> schoolCalendar = new ArrayList<>(SCHOOL_CALENDAR_2024_2025);
        private final List<Blackout> blackouts = new ArrayList<>();
        private Optional<LocalDate> announceFrom = Optional.of(CIRCULAR_DATE);
        private int accessDelayDays;
        private final Map<BmaKind, Long> volumePerDay = new EnumMap<>(BmaKind.class);
        private MailboxSizes sizes = MailboxSizes.NONE;
        private final SortedSet<BmaAddress> keepTogether = new TreeSet<>();
        private PrestageSettings prestage = PrestageSettings.defaults();

        private Builder() {
            waves.put(BmaKind.PO, new Wave(BmaKind.PO, DateRange.parse("2024-10-01..2024-10-25"), 100, true));
            waves.put(BmaKind.EC, new Wave(BmaKind.EC, DateRange.parse("2024-11-04..2024-11-30"), 200, false));
        }

        private Builder(PlanningSettings s) {
            waves.putAll(s.waves);
            leadDays = s.leadDays;
            mailTimes.clear();
            mailTimes.addAll(s.mailTimes);
            mailsPerHour = s.mailsPerHour;
            closedDays.addAll(s.closedDays);
            schoolCalendar.clear();
            schoolCalendar.addAll(s.schoolCalendar);
            prestage = s.prestage;
            blackouts.clear();
            blackouts.addAll(s.blackouts);
            announceFrom = s.announceFrom;
            accessDelayDays = s.accessDelayDays;
            volumePerDay.putAll(s.volumePerDay);
            sizes = s.sizes;
            keepTogether.addAll(s.keepTogether);
        }

        /** Replaces the wave of {@code wave.kind()}. */
        public Builder wave(Wave wave) {
            Objects.requireNonNull(wave, "wave");
            if (wave.window().length() > 366) {
                throw invalid("The " + wave.kind() + " window " + wave.window() + " is longer than a year");
            }
            waves.put(wave.kind(), wave);
            return this;
        }

        public Builder window(BmaKind kind, DateRange window) {
            return wave(waves.get(kind).withWindow(window));
        }

        public Builder capacity(BmaKind kind, int mailboxesPerDay) {
            if (mailboxesPerDay < 1) {
                throw invalid("Capacity for " + kind + " is " + mailboxesPerDay + " mailboxes a day; it must be at least 1");
            }
            return wave(waves.get(kind).withCapacity(mailboxesPerDay));
        }

        public Builder schoolHolidaysAllowed(BmaKind kind, boolean allowed) {
            return wave(waves.get(kind).withSchoolHolidays(allowed));
        }

        /** Working days between mail 1 and the migration day, 1 to 60. */
        public Builder leadDays(int days) {
            if (days < 1 || days > 60) {
                throw invalid("Lead time of mail 1 is " + days + " working days; it must be between 1 and 60");
            }
            this.leadDays = days;
            return this;
        }

        /** Time of day of mail {@code n}; mails 2, 3 and 4 must stay in that order (checked on {@link #build()}). */
        public Builder mailTime(int n, LocalTime time) {
            if (n < 1 || n > 4) {
                throw invalid("There is no mail " + n + "; mails are numbered 1 to 4");
            }
            mailTimes.set(n - 1, Objects.requireNonNull(time, "time").withSecond(0).withNano(0));
            return this;
        }

        public Builder mailsPerHour(int mails) {
            if (mails < 1) {
                throw invalid("Mails per hour is " + mails + "; it must be at least 1");
            }
            this.mailsPerHour = mails;
            return this;
        }

        /** Adds a day or days on which nobody migrates (strike, server maintenance...). */
        public Builder closedDay(NamedPeriod period) {
            closedDays.add(Objects.requireNonNull(period, "period"));
            return this;
        }

        /** Replaces the school calendar (school holidays). */
        public Builder schoolCalendar(List<NamedPeriod> holidays) {
            schoolCalendar.clear();
            schoolCalendar.addAll(List.copyOf(holidays));
            return this;
        }

        /** Replaces the blackouts. */
        public Builder blackouts(List<Blackout> list) {
            blackouts.clear();
            blackouts.addAll(List.copyOf(list));
            return this;
        }

        public Builder blackout(Blackout blackout) {
            blackouts.add(Objects.requireNonNull(blackout, "blackout"));
            return this;
        }

        /** Limits the megabytes of {@code kind} migrated a day (at least 1). */
        public Builder volumePerDay(BmaKind kind, long megabytes) {
            if (megabytes < 1) {
                throw invalid("Volume per day for " + kind + " is " + megabytes + " MB; it must be at least 1");
            }
            volumePerDay.put(kind, megabytes);
            return this;
        }

        /** The mailbox sizes known, for {@link #volumePerDay}. */
        public Builder mailboxSizes(MailboxSizes sizes) {
            this.sizes = Objects.requireNonNull(sizes, "sizes");
            return this;
        }

        /** Keeps the establishments of this organising body together, on one day. */
        public Builder keepTogether(BmaAddress organisingBody) {
            if (Objects.requireNonNull(organisingBody, "organisingBody").kind() != BmaKind.PO) {
                throw invalid("Only an organising body's establishments can be kept together; "
                        + organisingBody + " is not a po address");
            }
            keepTogether.add(organisingBody);
            return this;
        }

        /** How far ahead of the migration day to pre-stage ({@link PrestageSettings#defaults()} by default). */
        public Builder prestage(PrestageSettings prestage) {
            this.prestage = Objects.requireNonNull(prestage, "prestage");
            return this;
        }

        /** No mail 1 before {@code day}; {@code null} for no such limit. */
        public Builder announceFrom(LocalDate day) {
            this.announceFrom = Optional.ofNullable(day);
            return this;
        }

        /** Working days from the migration day to the access date, 0 (same day) to 20. */
        public Builder accessDelayDays(int days) {
            if (days < 0 || days > 20) {
                throw invalid("Access delay is " + days + " working days; it must be between 0 (the migration day) and 20");
            }
            this.accessDelayDays = days;
            return this;
        }

        /**
         * Applies the planning keys of {@link BmaProperties} {@code properties} has; other keys
         * are ignored. A refusal names the key and its value, so that ops know which of their
         * settings to fix (none of these keys holds a secret).
         */
        public Builder read(BmaSettingsReader properties) {
            for (BmaKind kind : BmaKind.values()) {
                String k = kind.prefix();
                properties.apply("bma.window." + k, key -> properties.parsed(key, DateRange::parse), w -> window(kind, w));
                properties.apply("bma.capacity." + k, properties::integer, n -> capacity(kind, n));
                properties.apply("bma.schoolHolidays." + k, properties::bool, b -> schoolHolidaysAllowed(kind, b));
                properties.apply("bma.volumePerDay." + k, properties::longValue, mb -> volumePerDay(kind, mb));
            }
            properties.apply(BmaProperties.LEAD_DAYS, properties::integer, this::leadDays);
            List<String> timeKeys = List.of(BmaProperties.MAIL1_TIME, BmaProperties.MAIL2_TIME,
                    BmaProperties.MAIL3_TIME, BmaProperties.MAIL4_TIME);
            for (int n = 1; n <= 4; n++) {
                int mail = n;
                properties.apply(timeKeys.get(n - 1), properties::time, t -> mailTime(mail, t));
            }
            properties.apply(BmaProperties.MAILS_PER_HOUR, properties::integer, this::mailsPerHour);
            properties.apply(BmaProperties.CLOSED_DAYS, key -> Optional.of(properties.list(key, ";")),
                    items -> items.forEach(i -> closedDay(NamedPeriod.parse(i))));
            properties.apply(BmaProperties.SCHOOL_CALENDAR, key -> Optional.of(properties.list(key, ";")),
                    items -> schoolCalendar(items.stream().map(NamedPeriod::parse).toList()));
            properties.apply(BmaProperties.BLACKOUTS, key -> Optional.of(properties.list(key, ";")),
                    items -> blackouts(items.stream().map(Blackout::parse).toList()));
            properties.apply(BmaProperties.MAILBOX_SIZES, properties::path, file -> mailboxSizes(MailboxSizes.load(file)));
            properties.apply(BmaProperties.KEEP_TOGETHER, key -> Optional.of(properties.list(key, ",")),
                    items -> items.forEach(i -> keepTogether(BmaAddress.parseLenient(i))));
            properties.apply(BmaProperties.ANNOUNCE_FROM, properties::string, v -> announceFrom(v.equalsIgnoreCase("none")
                    ? null : properties.date(BmaProperties.ANNOUNCE_FROM).orElseThrow()));
            properties.apply(BmaProperties.ACCESS_DELAY_DAYS, properties::integer, this::accessDelayDays);
            return this;
        }

        /**
         * Checks the settings as a whole and gives the immutable result.
         *
         * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} naming what is inconsistent
         */
        public PlanningSettings build() {
            if (!mailTimes.get(1).isBefore(mailTimes.get(2)) || !mailTimes.get(2).isBefore(mailTimes.get(3))) {
                throw invalid("Mails 2, 3 and 4 must be sent in that order on the migration day; they are set at "
                        + mailTimes.get(1) + ", " + mailTimes.get(2) + ", " + mailTimes.get(3));
            }
            return new PlanningSettings(this);
        }

        private static BmaException invalid(String message) {
            return new BmaException(BmaErrorCode.INVALID_CONFIGURATION, message);
        }
    }
}
