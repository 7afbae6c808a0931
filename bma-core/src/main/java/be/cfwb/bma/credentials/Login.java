package be.cfwb.bma.credentials;

import java.util.Objects;

/**
 * A user name and password, e.g. a settings.xml server's; the password is masked.
 *
 * @param user     the login
 * @param password the password
 */
public record Login(String user, Secret password) {

    public Login {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("A login needs a user name");
        }
        Objects.requireNonNull(password, "password");
    }
}
