package be.cfwb.bma.credentials;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.Locale;
import java.util.Map;

/**
 * How the toolkit logs in to a server it writes to ({@code bma.target.auth},
 * {@code bma.smtp.auth}): with a password, or with an app-only OAuth 2.0 token (SASL XOAUTH2),
 * the only way into Exchange Online's IMAP and, from 2027, its SMTP submission.
 */
public enum LoginMethod {
    /** A password: per-mailbox credentials file, an admin login, or the SMTP server's login. */
    PASSWORD,
    /** SASL XOAUTH2 with a token of the Entra app ({@code bma.graph.*}, settings.xml server {@code bma-graph}). */
    OAUTH2;

    /**
     * The method {@code key} names in {@code properties}; {@link #PASSWORD} when unset.
     *
     * @throws BmaException {@code INVALID_CONFIGURATION} naming the key if the value is neither
     */
    public static LoginMethod of(Map<String, String> properties, String key) {
        String value = properties.get(key);
        if (value == null || value.isBlank()) {
            return PASSWORD;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "password" -> PASSWORD;
            case "oauth2" -> OAUTH2;
            default -> throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    key + " '" + value.strip() + "' is unknown; use password or oauth2");
        };
    }
}
