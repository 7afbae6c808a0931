package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for Entra ID's token endpoint ({@code POST /{tenant}/oauth2/v2.0/token}, client
 * credentials grant) on {@code https://127.0.0.1}, with a self-signed certificate made at start
 * by the JDK's keytool: MSAL for Java accepts only an https authority, so the toolkit's own
 * token code (not a fixed token) can be run against it, with {@code bma.graph.authority} =
 * {@link #authority()} and {@code bma.graph.trustCertificate} = {@link #trustCertificate()}.
 *
 * <pre>{@code
 * try (TokenEndpointStandIn entra = TokenEndpointStandIn.start(dir)) {
 *     entra.app("cfwb.onmicrosoft.com", CLIENT_ID, "s3cret")
 *          .token("https://graph.microsoft.com/.default", graph.token())
 *          .token("https://outlook.office365.com/.default", "imap-token");
 * }
 * }</pre>
 *
 * <p>It answers as Entra ID does: a wrong or missing client secret is {@code 401 invalid_client}
 * (AADSTS7000215), an unknown app {@code 400 unauthorized_client} (AADSTS700016), a scope it
 * issues no token for {@code 400 invalid_scope} (AADSTS70011). A certificate credential (a
 * signed client assertion, RS256 or PS256) is checked against the app's certificate.
 */
public final class TokenEndpointStandIn implements AutoCloseable {

    private static final Pattern PATH = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token");
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final String PASSWORD = "token-stand-in";

    /**
     * One token request as the stand-in received it (never the secret): for assertions.
     *
     * @param scope      the resource scope asked, e.g. {@code https://outlook.office365.com/.default}
     * @param credential {@code secret}, {@code certificate} (a client assertion) or {@code none}
     */
    public record TokenRequest(String tenant, String clientId, String scope, String credential, int status) {
    }

    private record App(String tenant, String clientId, String secret, X509Certificate certificate) {
    }

    private final HttpsServer server;
    private final ExecutorService executor;
    private final Path trustCertificate;
    private final Map<String, App> apps = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
    private volatile Duration lifetime = Duration.ofHours(1);

    private TokenEndpointStandIn(HttpsServer server, ExecutorService executor, Path trustCertificate) {
        this.server = server;
        this.executor = executor;
        this.trustCertificate = trustCertificate;
    }

    /**
     * Starts the stand-in on 127.0.0.1 and a free port, its key and certificate made in
     * {@code directory} ({@code token-endpoint.p12}, {@code token-endpoint.pem}).
     */
    public static TokenEndpointStandIn start(Path directory) {
        try {
            Files.createDirectories(directory);
            Path store = directory.resolve("token-endpoint.p12");
            Path pem = directory.resolve("token-endpoint.pem");
            Files.deleteIfExists(store);
            Files.deleteIfExists(pem);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            keytool(keytool, "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                    "-keypass", PASSWORD, "-alias", "entra", "-dname", "CN=login.stand-in", "-keyalg", "RSA",
                    "-keysize", "2048", "-validity", "2", "-ext", "SAN=ip:127.0.0.1,dns:localhost");
            keytool(keytool, "-exportcert", "-rfc", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD, "-alias", "entra", "-file", pem.toString());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "token-endpoint-stand-in");
                t.setDaemon(true);
                return t;
            });
            TokenEndpointStandIn standIn = new TokenEndpointStandIn(server, executor, pem);
            server.createContext("/", standIn::handle);
            server.setExecutor(executor);
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the token endpoint stand-in", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load the token endpoint stand-in's key", e);
        }
    }

    private static void keytool(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running keytool", e);
        }
    }

    /** The authority root to give the toolkit ({@code bma.graph.authority}), e.g. {@code https://127.0.0.1:40211/}. */
    public String authority() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** The PEM file of the stand-in's certificate ({@code bma.graph.trustCertificate}). */
    public Path trustCertificate() {
        return trustCertificate;
    }

    /** Registers an app of {@code tenant} with a client secret. */
    public TokenEndpointStandIn app(String tenant, String clientId, String secret) {
        apps.put(key(tenant, clientId), new App(tenant, clientId, Objects.requireNonNull(secret, "secret"), null));
        return this;
    }

    /** Registers an app of {@code tenant} with a certificate: its client assertions must be signed with the key. */
    public TokenEndpointStandIn app(String tenant, String clientId, X509Certificate certificate) {
        apps.put(key(tenant, clientId), new App(tenant, clientId, null, Objects.requireNonNull(certificate, "certificate")));
        return this;
    }

    /** The access token handed out for {@code scope} (e.g. the Graph stand-in's, or a GreenMail password). */
    public TokenEndpointStandIn token(String scope, String token) {
        tokens.put(scope, Objects.requireNonNull(token, "token"));
        return this;
    }

    /** How long the tokens handed out say they last (default one hour). */
    public TokenEndpointStandIn lifetime(Duration lifetime) {
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        return this;
    }

    /** Every token request so far, in order. */
    public List<TokenRequest> requests() {
        return List.copyOf(requests);
    }

    private static String key(String tenant, String clientId) {
        return tenant.toLowerCase(Locale.ROOT) + "/" + clientId.toLowerCase(Locale.ROOT);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
            if (!"POST".equals(exchange.getRequestMethod()) || !m.matches()) {
                answer(exchange, 404, error("invalid_request", 900561, "The endpoint only accepts POST requests."));
                return;
            }
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String tenant = m.group(1);
            String clientId = form.getOrDefault("client_id", "");
            String scope = form.getOrDefault("scope", "");
            String credential = form.containsKey("client_assertion") ? "certificate"
                    : form.containsKey("client_secret") ? "secret" : "none";
            int status;
            ObjectNode body;
            App app = apps.get(key(tenant, clientId));
            if (!"client_credentials".equals(form.get("grant_type"))) {
                status = 400;
                body = error("unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
            } else if (app == null) {
                status = 400;
                body = error("unauthorized_client", 700016, "Application with identifier '" + clientId
                        + "' was not found in the directory '" + tenant + "'.");
            } else if (!authenticated(app, form)) {
                status = 401;
                body = error("invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent"
                        + " in the request is the client secret value, not the client secret ID.");
            } else if (scopeToken(scope) == null) {
                status = 400;
                body = error("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid.");
            } else {
                status = 200;
                body = GraphStandIn.JSON.createObjectNode();
                body.put("token_type", "Bearer");
                body.put("expires_in", lifetime.toSeconds());
                body.put("ext_expires_in", lifetime.toSeconds());
                body.put("access_token", scopeToken(scope));
            }
            requests.add(new TokenRequest(tenant, clientId, resource(scope), credential, status));
            // Entra echoes the caller's correlation id; MSAL logs each answer without it.
            String correlation = exchange.getRequestHeaders().getFirst("client-request-id");
            if (correlation != null) {
                exchange.getResponseHeaders().set("client-request-id", correlation);
            }
            answer(exchange, status, body);
        }
    }

    /** The token of the one scope asked ({@code scope} may also list {@code openid profile offline_access}, as MSAL adds). */
    private String scopeToken(String scope) {
        for (String s : scope.split(" ")) {
            String t = tokens.get(s);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** The resource scope asked, without the OpenID scopes MSAL adds ({@code openid profile offline_access}). */
    private static String resource(String scope) {
        return Arrays.stream(scope.split(" "))
                .filter(s -> !s.isBlank() && !Set.of("openid", "profile", "offline_access").contains(s))
                .collect(Collectors.joining(" "));
    }

    private static boolean authenticated(App app, Map<String, String> form) {
        if (app.secret() != null) {
            return app.secret().equals(form.get("client_secret"));
        }
        return JWT_BEARER.equals(form.get("client_assertion_type"))
                && validAssertion(form.getOrDefault("client_assertion", ""), app);
    }

    /** A client assertion signed with the app's certificate key, issued by and for the app. */
    private static boolean validAssertion(String jwt, App app) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            var header = GraphStandIn.JSON.readTree(b64.decode(parts[0]));
            var claims = GraphStandIn.JSON.readTree(b64.decode(parts[1]));
            Signature signature = signature(header.path("alg").asText(), app.certificate().getPublicKey());
            if (signature == null) {
                return false;
            }
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return signature.verify(b64.decode(parts[2])) && app.clientId().equalsIgnoreCase(claims.path("iss").asText())
                    && app.clientId().equalsIgnoreCase(claims.path("sub").asText());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Signature signature(String alg, PublicKey key) throws GeneralSecurityException {
        Signature s;
        switch (alg) {
            case "RS256" -> s = Signature.getInstance("SHA256withRSA");
            case "PS256" -> {
                s = Signature.getInstance("RSASSA-PSS");
                s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            }
            default -> {
                return null;
            }
        }
        s.initVerify(key);
        return s;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static ObjectNode error(String error, int code, String description) {
        ObjectNode o = GraphStandIn.JSON.createObjectNode();
        o.put("error", error);
        o.put("error_description", "AADSTS" + code + ": " + description + " Trace ID: " + UUID.randomUUID());
        o.putArray("error_codes").add(code);
        o.put("timestamp", Instant.now().toString());
        o.put("trace_id", UUID.randomUUID().toString());
        o.put("correlation_id", UUID.randomUUID().toString());
        return o;
    }

    private static void answer(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = GraphStandIn.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store, no-cache");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "TokenEndpointStandIn[" + authority() + ", " + apps.size() + " app(s)]";
    }
}
