package be.cfwb.bma.credentials;

/**
 * How the toolkit logs in to a server it writes to ({@code bma.target.auth},
 * {@code bma.smtp.auth}): with a password, or with an app-only OAuth 2.0 token (SASL XOAUTH2),
 * the only way into Exchange Online's IMAP and, from 2027, its SMTP submission. Read with
 * {@code BmaSettingsReader.choice(key, LoginMethod.PASSWORD)}: {@code password} or {@code oauth2}.
 */
public enum LoginMethod {
    /** A password: per-mailbox credentials file, an admin login, or the SMTP server's login. */
    PASSWORD,
    /** SASL XOAUTH2 with a token of the Entra app ({@code bma.graph.*}, settings.xml server {@code bma-graph}). */
    OAUTH2;
}
