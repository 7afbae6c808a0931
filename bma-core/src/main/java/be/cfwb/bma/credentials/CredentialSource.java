package be.cfwb.bma.credentials;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import java.util.Map;
import java.util.Objects;

/**
 * Gives the credentials for a mailbox on one server (source or target). Built from an admin
 * login ({@link #master}), a per-mailbox credentials file ({@link CredentialsFile}), or an
 * OAuth2 token supplier ({@link #oauth2}).
 */
@FunctionalInterface
public interface CredentialSource {

    /**
     * The credentials for {@code mailbox}.
     *
     * @throws BmaException with {@link BmaErrorCode#INVALID_CONFIGURATION} if there are none
     */
    MailboxCredentials credentialsFor(BmaAddress mailbox);

    /** One admin login for every mailbox, acting through SASL PLAIN's authorization identity. */
    static CredentialSource master(String admin, Secret password) {
        return master(admin, password, null);
    }

    /**
     * As {@link #master(String, Secret)}; {@code origin} says where the login comes from in
     * error messages, e.g. {@code admin login 'x' (settings.xml server bma-source)}.
     */
    static CredentialSource master(String admin, Secret password, String origin) {
        Objects.requireNonNull(password, "password");
        return mailbox -> new MailboxCredentials.Master(admin, password, mailbox.toString(), origin);
    }

    /** XOAUTH2 for every mailbox, the login being the mailbox address. */
    static CredentialSource oauth2(TokenSupplier tokens) {
        return mailbox -> new MailboxCredentials.OAuth2(mailbox.toString(), tokens);
    }

    /** Per-mailbox passwords, the login being the mailbox address. */
    static CredentialSource passwords(Map<BmaAddress, Secret> passwords, String description) {
        Map<BmaAddress, Secret> copy = Map.copyOf(passwords);
        return mailbox -> {
            Secret secret = copy.get(mailbox);
            if (secret == null) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                        "No password for " + mailbox + " in " + description + "; add a line '" + mailbox + ";<password>'");
            }
            return new MailboxCredentials.Password(mailbox.toString(), secret);
        };
    }
}
