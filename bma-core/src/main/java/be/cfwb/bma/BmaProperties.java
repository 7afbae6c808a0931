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

    private BmaProperties() {
    }
}
