package be.cfwb.bma.credentials;

import java.util.Objects;

/**
 * How to log in to one mailbox on one server. Three forms: the mailbox's own login and
 * password; an admin (master) login that acts for the mailbox through SASL PLAIN's
 * authorization identity (as Dovecot master users and similar work); an OAuth2 bearer token
 * for SASL XOAUTH2 (Exchange Online, app-only). Every form masks its secret.
 */
public sealed interface MailboxCredentials {

    /** The mailbox's own login. */
    record Password(String login, Secret password) implements MailboxCredentials {
        public Password {
            requireLogin(login);
            Objects.requireNonNull(password, "password");
        }
    }

    /**
     * An admin login acting for {@code mailbox}: SASL PLAIN with authorization identity =
     * mailbox, authentication identity = admin. {@code origin} names where the login comes from
     * (e.g. {@code admin login 'x' (settings.xml server bma-source)}), for error messages: the
     * same login serves every mailbox, so its refusal is the run's problem, not the mailbox's.
     */
    record Master(String admin, Secret password, String mailbox, String origin) implements MailboxCredentials {
        public Master {
            requireLogin(admin);
            requireLogin(mailbox);
            Objects.requireNonNull(password, "password");
            if (origin == null || origin.isBlank()) {
                origin = "admin login '" + admin + "'";
            }
        }

        /** An admin login described by its name only. */
        public Master(String admin, Secret password, String mailbox) {
            this(admin, password, mailbox, null);
        }
    }

    /** SASL XOAUTH2 for {@code login} with a token asked of {@code tokens} at each connection. */
    record OAuth2(String login, TokenSupplier tokens) implements MailboxCredentials {
        public OAuth2 {
            requireLogin(login);
            Objects.requireNonNull(tokens, "tokens");
        }
    }

    private static void requireLogin(String login) {
        if (login == null || login.isBlank()) {
            throw new IllegalArgumentException("A login must not be blank");
        }
    }
}
