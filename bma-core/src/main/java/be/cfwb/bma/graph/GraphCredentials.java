package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.credentials.TokenSupplier;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * App-only credentials of the Entra ID app registration: tenant, client id and either a client
 * secret or a certificate (PKCS#12 file and its password). A fixed bearer token is also
 * accepted, for the Graph stand-in and for tokens obtained elsewhere, and so is a
 * {@link TokenSupplier} that renews them (asked again when Graph refuses its token).
 *
 * <p>Secrets are never shown: {@link #toString()} names the tenant, the client and the kind of
 * credential only.
 */
public final class GraphCredentials {

    /** How the app proves who it is. */
    public enum Kind { CLIENT_SECRET, CERTIFICATE, STATIC_TOKEN, TOKEN_SUPPLIER }

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9.-]{3,}");
    private static final Pattern CLIENT_ID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");

    private final Kind kind;
    private final String tenantId;
    private final String clientId;
    private final char[] secret;
    private final Path certificate;
    private final TokenSupplier tokens;

    private GraphCredentials(Kind kind, String tenantId, String clientId, char[] secret, Path certificate) {
        this(kind, tenantId, clientId, secret, certificate, null);
    }

    private GraphCredentials(Kind kind, String tenantId, String clientId, char[] secret, Path certificate,
                             TokenSupplier tokens) {
        this.kind = kind;
        this.tenantId = tenantId;
        this.clientId = clientId;
        this.secret = secret;
        this.certificate = certificate;
        this.tokens = tokens;
    }

    /** A client secret of the app registration. */
    public static GraphCredentials clientSecret(String tenantId, String clientId, String secret) {
        return new GraphCredentials(Kind.CLIENT_SECRET, tenant(tenantId), client(clientId),
                required(secret, "client secret").toCharArray(), null);
    }

    /** A certificate of the app registration: a PKCS#12 file (private key + certificate) and its password. */
    public static GraphCredentials certificate(String tenantId, String clientId, Path pkcs12, String password) {
        Objects.requireNonNull(pkcs12, "certificate file");
        return new GraphCredentials(Kind.CERTIFICATE, tenant(tenantId), client(clientId),
                password == null ? new char[0] : password.toCharArray(), pkcs12);
    }

    /** A bearer token used as is (the stand-in's, or one the caller renews itself). */
    public static GraphCredentials staticToken(String token) {
        return new GraphCredentials(Kind.STATIC_TOKEN, null, null, required(token, "token").toCharArray(), null);
    }

    /**
     * Bearer tokens from {@code tokens}, asked at each request (it caches them itself, e.g.
     * {@link TokenSupplier#refreshing}); when Graph refuses one before its expiry, the supplier is
     * told ({@link TokenSupplier#invalidate}) and asked once more.
     */
    public static GraphCredentials tokens(TokenSupplier tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return new GraphCredentials(Kind.TOKEN_SUPPLIER, null, null, new char[0], null, tokens);
    }

    public Kind kind() {
        return kind;
    }

    public Optional<String> tenantId() {
        return Optional.ofNullable(tenantId);
    }

    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    public Optional<Path> certificateFile() {
        return Optional.ofNullable(certificate);
    }

    /** The supplier of {@link #tokens(TokenSupplier)}; package-private so that only the token source asks it. */
    Optional<TokenSupplier> tokenSupplier() {
        return Optional.ofNullable(tokens);
    }

    /** The secret, password or token; package-private so that only the token source reads it. */
    String secret() {
        return new String(secret);
    }

    private static String tenant(String tenantId) {
        String t = required(tenantId, "tenant id");
        if (!TENANT.matcher(t).matches()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Graph tenant id '" + t + "' is neither a GUID nor a domain such as cfwb.onmicrosoft.com");
        }
        return t;
    }

    private static String client(String clientId) {
        String c = required(clientId, "client id");
        if (!CLIENT_ID.matcher(c).matches()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Graph client id '" + c + "' is not a GUID: copy the 'Application (client) ID' of the app registration");
        }
        return c;
    }

    private static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph " + what + " is missing");
        }
        return value.strip();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphCredentials c && kind == c.kind && Objects.equals(tenantId, c.tenantId)
                && Objects.equals(clientId, c.clientId) && Arrays.equals(secret, c.secret)
                && Objects.equals(certificate, c.certificate) && tokens == c.tokens;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, tenantId, clientId, certificate);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CLIENT_SECRET -> "GraphCredentials[tenant=" + tenantId + ", client=" + clientId + ", secret=****]";
            case CERTIFICATE -> "GraphCredentials[tenant=" + tenantId + ", client=" + clientId + ", certificate="
                    + certificate + ", password=****]";
            case STATIC_TOKEN -> "GraphCredentials[token=****]";
            case TOKEN_SUPPLIER -> "GraphCredentials[token supplier]";
        };
    }
}
