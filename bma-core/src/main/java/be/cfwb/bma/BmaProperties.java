package be.cfwb.bma;

/**
 * The one vocabulary of configuration keys, shared by the fluent API
 * ({@link BmaConfiguration#properties(java.util.Map)}), the Maven goals' {@code -D}
 * properties and the environment. Each key is documented where it is applied.
 */
public final class BmaProperties {

    public static final String INVENTORY = "bma.inventory";
    public static final String LEDGER = "bma.ledger";
    public static final String OUTPUT = "bma.output";
    public static final String MAILBOXES = "bma.mailboxes";
    public static final String DATE = "bma.date";
    public static final String DRY_RUN = "bma.dryRun";
    public static final String SKIP = "bma.skip";

    /** Planning ({@code bma:plan}): the days of each wave, {@code 2024-10-01..2024-10-25}. */
    public static final String WINDOW_PO = "bma.window.po";
    public static final String WINDOW_EC = "bma.window.ec";
    /** Planning: most mailboxes migrated a day, per kind. */
    public static final String CAPACITY_PO = "bma.capacity.po";
    public static final String CAPACITY_EC = "bma.capacity.ec";
    /** Planning: whether the wave may use school-holiday days ({@code true}/{@code false}). */
    public static final String SCHOOL_HOLIDAYS_PO = "bma.schoolHolidays.po";
    public static final String SCHOOL_HOLIDAYS_EC = "bma.schoolHolidays.ec";
    /** Planning: working days between mail 1 and the migration day. */
    public static final String LEAD_DAYS = "bma.leadDays";
    /** Planning: time of day ({@code HH:mm}, Europe/Brussels) of each mail. */
    public static final String MAIL1_TIME = "bma.mail1.time";
    public static final String MAIL2_TIME = "bma.mail2.time";
    public static final String MAIL3_TIME = "bma.mail3.time";
    public static final String MAIL4_TIME = "bma.mail4.time";
    /** Planning: most notification mails the senders may send in an hour. */
    public static final String MAILS_PER_HOUR = "bma.mailsPerHour";
    /** Planning: extra closed days, {@code ;}-separated {@code [name=]range}. */
    public static final String CLOSED_DAYS = "bma.closedDays";
    /** Planning: school holidays, {@code ;}-separated {@code name=range}; replaces the default calendar. */
    public static final String SCHOOL_CALENDAR = "bma.schoolCalendar";
    /** Planning: obligation windows, {@code ;}-separated (see {@code Blackout}); replaces the defaults. */
    public static final String BLACKOUTS = "bma.blackouts";
    /** Planning: most megabytes migrated a day, per kind (capacity weighted by mailbox size); unset for no limit. */
    public static final String VOLUME_PER_DAY_PO = "bma.volumePerDay.po";
    public static final String VOLUME_PER_DAY_EC = "bma.volumePerDay.ec";
    /** Planning: CSV file {@code address,bytes} of the mailbox sizes known (e.g. from the old server's quota report). */
    public static final String MAILBOX_SIZES = "bma.mailboxSizes";
    /** Planning: organising bodies ({@code po000478,...}) whose establishments migrate on one day. */
    public static final String KEEP_TOGETHER = "bma.keepTogether";
    /** Planning: no mail 1 before this day (mailboxes not yet announced), ISO date. */
    public static final String ANNOUNCE_FROM = "bma.announceFrom";

    private BmaProperties() {
    }
}
