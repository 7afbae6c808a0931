package be.cfwb.bma.maven;

import java.util.Arrays;
import java.util.Objects;

/**
 * A login read from a {@code settings.xml} {@code <server>} or from the environment. The
 * password is kept as characters and never printed: {@link #toString()} masks it.
 */
public final class ServerCredentials {

    private final String serverId;
    private final String username;
    private final char[] password;
    private final String origin;

    ServerCredentials(String serverId, String username, char[] password, String origin) {
        this.serverId = Objects.requireNonNull(serverId);
        this.username = username == null ? "" : username;
        this.password = password == null ? new char[0] : password.clone();
        this.origin = origin;
    }

    public String serverId() {
        return serverId;
    }

    public String username() {
        return username;
    }

    /** A copy of the password; callers hand it to the core's secret type and forget it. */
    public char[] password() {
        return password.clone();
    }

    /** Where the login came from, for messages: {@code settings.xml} or the environment variable names. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "ServerCredentials[" + serverId + ", user=" + username + ", password=" + (password.length == 0 ? "<none>" : "****")
                + ", from " + origin + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerCredentials other && serverId.equals(other.serverId) && username.equals(other.username)
                && Arrays.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(serverId, username);
    }
}
