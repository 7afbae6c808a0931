package be.cfwb.bma.notify;

import java.util.Optional;

/**
 * The values a notification template may use, written {@code {{name}}} in the template.
 * Any other name is refused when the templates are loaded, before anything is sent.
 * In HTML templates every value is escaped.
 */
public enum Placeholder {
    /** The mailbox address, unchanged by the migration: {@code ec001394@adm.cfwb.be}. */
    ADDRESS("address"),
    /** The establishment's or organising body's name. */
    NAME("name"),
    /** The FASE number, as the school knows it: {@code 1394}. */
    FASE("fase"),
    /** {@code établissement} or {@code pouvoir organisateur}. */
    KIND("kind"),
    /** The migration date in words: {@code lundi 4 novembre 2024}. */
    MIGRATION_DATE("migration_date"),
    /** The date from which the new interface can be reached, in words. */
    ACCESS_DATE("access_date"),
    /** The link to the new interface. */
    INTERFACE_URL("interface_url"),
    /** The link to the first tutorial (signing in to the new interface). */
    TUTORIAL1_URL("tutorial1_url"),
    /** The link to the second tutorial (setting up a mail program). */
    TUTORIAL2_URL("tutorial2_url"),
    /** The display name of this mail's sender. */
    SENDER_NAME("sender_name"),
    /** The address of this mail's sender. */
    SENDER_ADDRESS("sender_address"),
    /**
     * What happens to the mail-2 password at the first sign-in, as one sentence true for
     * {@code bma.password.changeAtFirstSignIn}: a change is asked, or the password stays valid.
     */
    PASSWORD_CHANGE("password_change"),
    /** The new password: mail 2 only, and mail 2 must use it in both bodies. */
    PASSWORD("password");

    private final String key;

    Placeholder(String key) {
        this.key = key;
    }

    /** The name written between the braces. */
    public String key() {
        return key;
    }

    /** True if templates of {@code kind} may use this placeholder. */
    public boolean allowedIn(NotificationKind kind) {
        return this != PASSWORD || kind.carriesPassword();
    }

    public static Optional<Placeholder> ofKey(String key) {
        for (Placeholder p : values()) {
            if (p.key.equals(key)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
