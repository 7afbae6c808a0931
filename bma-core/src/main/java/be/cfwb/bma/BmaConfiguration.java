package be.cfwb.bma;

import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.ledger.LeaseSettings;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.transfer.TransferSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Fluent configuration of a {@link Bma}: start with {@link Bma#configure()}, set what
 * differs from the defaults, then {@link #load()}. Each setter checks its value at once;
 * {@code load()} checks the whole and gives an immutable {@code Bma}. Later changes to this
 * object do not affect a {@code Bma} already loaded.
 */
public final class BmaConfiguration {

    /** Where the ledger lives unless told otherwise: beside the project, not under target/. */
    public static final Path DEFAULT_LEDGER = Path.of("bma-ledger");
    /** Where reports and generated files go unless told otherwise. */
    public static final Path DEFAULT_OUTPUT = Path.of("target", "bma");

    private Supplier<Inventory> inventory;
    private String inventoryDescription;
    private LedgerLocation ledger = new LedgerLocation.Directory(DEFAULT_LEDGER);
    /** For a database ledger: its login, the lease duration and the local directory, when given apart from it. */
    private Optional<Login> ledgerLogin = Optional.empty();
    private Optional<LeaseSettings> ledgerLeases = Optional.empty();
    private Optional<Path> ledgerFiles = Optional.empty();
    private Path outputDirectory = DEFAULT_OUTPUT;
    private Clock clock = Clock.system(PlanningSettings.ZONE);
    private NotificationSettings notifications;
    private PlanningSettings planning = PlanningSettings.defaults2024();
    private TransferSettings transfer;
    private Safeguards safeguards = Safeguards.defaults();

    BmaConfiguration() {
    }

    /** The inventory file, in either format ({@link Inventory#load(Path)}); read on {@link #load()}. */
    public BmaConfiguration inventory(Path file) {
        Objects.requireNonNull(file, "inventory file");
        this.inventory = () -> Inventory.load(file);
        this.inventoryDescription = file.toString();
        return this;
    }

    /** An inventory already in memory. */
    public BmaConfiguration inventory(Inventory inventory) {
        Objects.requireNonNull(inventory, "inventory");
        this.inventory = () -> inventory;
        this.inventoryDescription = inventory.toString();
        return this;
    }

    /**
     * The ledger directory (JSON Lines, the default); keep it outside {@code target/} and back it up.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} for a path that holds a JDBC URL:
     *                      taken as a path it would start an empty ledger; use {@link #ledger(String)}
     */
    public BmaConfiguration ledgerDirectory(Path directory) {
        this.ledger = new LedgerLocation.Directory(checkedLedger(directory));
        return this;
    }

    private static Path checkedLedger(Path directory) {
        Objects.requireNonNull(directory, "ledger directory");
        for (Path part : directory) {
            if (part.toString().toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
                // The URL is not repeated: it may carry a login.
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.LEDGER + " names a database ("
                        + part + "…) where a directory was expected; give the URL as text ("
                        + BmaProperties.LEDGER + "=jdbc:postgresql://host/db), not as a path");
            }
        }
        return directory;
    }

    /**
     * The ledger, as {@value BmaProperties#LEDGER} names it: a directory (JSON Lines) or a
     * {@code jdbc:postgresql://host[:port]/database} URL that several runners share.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} for a database other than PostgreSQL
     */
    public BmaConfiguration ledger(String location) {
        this.ledger = parsedLedger(Objects.requireNonNull(location, "ledger"));
        return this;
    }

    /** The ledger's location as the caller built it (a database with its login and lease settings). */
    public BmaConfiguration ledger(LedgerLocation location) {
        this.ledger = Objects.requireNonNull(location, "ledger");
        return this;
    }

    /**
     * The login of a database ledger (the plugin's comes from settings.xml server
     * {@code bma-ledger} or the environment); without one, the driver's own ({@code .pgpass}).
     * Ignored for a directory, and for a database location that carries its own.
     */
    public BmaConfiguration ledgerLogin(Login login) {
        this.ledgerLogin = Optional.of(Objects.requireNonNull(login, "ledger login"));
        return this;
    }

    /** Whether the ledger configured so far is a database. */
    boolean ledgerIsDatabase() {
        return ledger instanceof LedgerLocation.Database;
    }

    private static LedgerLocation parsedLedger(String value) {
        LedgerLocation parsed = LedgerLocation.parse(value);
        return parsed instanceof LedgerLocation.Directory d ? new LedgerLocation.Directory(checkedLedger(d.path())) : parsed;
    }

    /** The configured ledger with what was given apart from it: a database's login, leases and local directory. */
    LedgerLocation ledgerLocation() {
        if (!(ledger instanceof LedgerLocation.Database db)) {
            return ledger;
        }
        LedgerLocation.Database located = db;
        if (ledgerLogin.isPresent() && db.login().isEmpty()) {
            located = located.withLogin(ledgerLogin.get());
        }
        located = ledgerLeases.map(located::withLeases).orElse(located);
        return ledgerFiles.map(located::withFiles).orElse(located);
    }

    /** Where reports and generated files are written. */
    public BmaConfiguration outputDirectory(Path directory) {
        this.outputDirectory = Objects.requireNonNull(directory, "output directory");
        return this;
    }

    /** The clock that says what "now" and "today" are; tests freeze it. */
    public BmaConfiguration clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Templates, senders, notifier and credential issuer for {@link Bma#notify}. */
    public BmaConfiguration notifications(NotificationSettings notifications) {
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        return this;
    }

    /** The planning settings (waves, capacities, calendars); {@link PlanningSettings#defaults2024()} by default. */
    public BmaConfiguration planning(PlanningSettings planning) {
        this.planning = Objects.requireNonNull(planning, "planning");
        return this;
    }

    /** How {@link Bma#migrate} and {@link Bma#verify} reach the old and new servers. */
    public BmaConfiguration transfer(TransferSettings transfer) {
        this.transfer = Objects.requireNonNull(transfer, "transfer");
        return this;
    }

    /** What guards against irreversible mistakes ({@link Safeguards}); {@link Safeguards#defaults()} by default. */
    public BmaConfiguration safeguards(Safeguards safeguards) {
        this.safeguards = Objects.requireNonNull(safeguards, "safeguards");
        return this;
    }

    /**
     * Lets goals that send, reset or copy act for a day after the clock's today: a simulation
     * or a test driving days with a frozen clock. Off by default: a mistyped date must not send
     * mail 2 days early.
     */
    public BmaConfiguration allowFutureDate(boolean allow) {
        this.safeguards = new Safeguards(allow, safeguards.deliveryWait(), safeguards.requireMail4Delivered());
        return this;
    }

    /**
     * Applies the {@code bma.*} keys found in {@code properties} (see {@link BmaProperties});
     * other keys are ignored. All or nothing: if one value is refused, this configuration is
     * left as it was.
     */
    public BmaConfiguration properties(Map<String, String> properties) {
        return properties(BmaSettingsReader.of(properties));
    }

    /**
     * Applies the keys {@code properties} has: {@value BmaProperties#INVENTORY},
     * {@value BmaProperties#LEDGER} (with, for a database, {@value BmaProperties#LEDGER_LEASE_SECONDS}
     * and {@value BmaProperties#LEDGER_FILES}), {@value BmaProperties#OUTPUT}, the planning keys and the
     * safeguards. All or nothing: if one value is refused, this configuration is left as it was.
     * {@link BmaAssembly} reads the rest (servers, notifications) with a {@code SecretResolver}.
     */
    public BmaConfiguration properties(BmaSettingsReader properties) {
        PlanningSettings checkedPlanning = planning.toBuilder().read(properties)
                .prestage(planning.prestage().read(properties)).build();
        Safeguards checkedSafeguards = safeguards.read(properties);
        Optional<Path> inv = properties.path(BmaProperties.INVENTORY);
        Optional<LedgerLocation> ledger = properties.string(BmaProperties.LEDGER).map(BmaConfiguration::parsedLedger);
        Optional<LeaseSettings> leases = properties.longValue(BmaProperties.LEDGER_LEASE_SECONDS).map(seconds -> {
            try {
                return LeaseSettings.of(Duration.ofSeconds(seconds));
            } catch (IllegalArgumentException e) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.LEDGER_LEASE_SECONDS + ": "
                        + e.getMessage());
            }
        });
        Optional<Path> files = properties.path(BmaProperties.LEDGER_FILES);
        Optional<Path> output = properties.path(BmaProperties.OUTPUT);
        inv.ifPresent(this::inventory);
        ledger.ifPresent(this::ledger);
        leases.ifPresent(l -> ledgerLeases = Optional.of(l));
        files.ifPresent(f -> ledgerFiles = Optional.of(f));
        output.ifPresent(this::outputDirectory);
        planning = checkedPlanning;
        safeguards = checkedSafeguards;
        return this;
    }

    /**
     * Checks the configuration, reads the inventory and gives an immutable {@link Bma}.
     *
     * @throws BmaException if something is missing or the inventory is refused
     */
    public Bma load() {
        if (inventory == null) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "No inventory configured: set " + BmaProperties.INVENTORY + " to the inventory file");
        }
        Inventory loaded = inventory.get();
        return new Bma(new Bma.Settings(loaded, inventoryDescription, ledgerLocation(), outputDirectory, clock, planning,
                Optional.ofNullable(notifications), transfer, safeguards));
    }
}
