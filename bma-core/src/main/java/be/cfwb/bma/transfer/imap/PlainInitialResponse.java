package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.credentials.Secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SASL PLAIN message (RFC 4616) of a login, sent on the {@code AUTHENTICATE PLAIN} line
 * itself where the server offers SASL-IR (RFC 4959): the login then costs one round trip, not
 * two. Holds the password in a reversible encoding, so it is a secret: {@link #toString()} masks
 * it, and {@link #masked(String)} takes it out of a server's words that might quote the line.
 */
final class PlainInitialResponse {

    private final String encoded;

    private PlainInitialResponse(String encoded) {
        this.encoded = encoded;
    }

    /**
     * @param authorizationId the mailbox a master login acts for; null or empty for a login as oneself
     */
    static PlainInitialResponse of(String authorizationId, String user, String password) {
        String message = (authorizationId == null ? "" : authorizationId) + '\0' + user + '\0' + password;
        return new PlainInitialResponse(Base64.getEncoder().encodeToString(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** The command line, without its tag: to be written with tracing suspended. */
    String command() {
        return "AUTHENTICATE PLAIN " + encoded;
    }

    /** {@code text} with this message masked wherever it appears. */
    String masked(String text) {
        return text.replace(encoded, Secret.MASK);
    }

    @Override
    public String toString() {
        return "PlainInitialResponse[" + Secret.MASK + "]";
    }
}
