package be.cfwb.bma.faults;

import be.cfwb.bma.testing.LoopbackRelay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of an IMAP server that counts the login attempts the toolkit
 * makes, as the server (and its account lockout) would see them: each {@code LOGIN} or
 * {@code AUTHENTICATE} (PLAIN, XOAUTH2; with or without SASL-IR), the identity that logs in
 * (the authentication identity: the admin for a master login) and the server's verdict. It keeps
 * identities only, never a password or token. Only the first lines of each connection are read,
 * and the client's only until a login succeeds: message bodies are forwarded untouched and never
 * mistaken for a login. {@link #cutAll()} closes every
 * connection, as a network cut or a server restart would.
 */
final class LoginCountingProxy extends LoopbackRelay {

    /** Lines of each connection inspected: CAPABILITY, (STARTTLS,) the login and its continuation. */
    private static final int LOGIN_PHASE_LINES = 8;

    /** One login attempt as the server saw it. */
    static final class Attempt {
        final String mechanism;
        final String identity;
        final String authorization;
        private volatile Boolean accepted;

        Attempt(String mechanism, String identity, String authorization) {
            this.mechanism = mechanism;
            this.identity = identity;
            this.authorization = authorization;
        }

        /** True if accepted, false if refused, null if no answer was seen (connection cut). */
        Boolean accepted() {
            return accepted;
        }

        @Override
        public String toString() {
            return mechanism + " " + identity + (authorization == null ? "" : " for " + authorization) + " -> "
                    + (accepted == null ? "?" : accepted ? "OK" : "refused");
        }
    }

    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

    private LoginCountingProxy(int targetPort) throws IOException {
        super("login-counting-proxy", targetPort);
    }

    /** A proxy to {@code 127.0.0.1:targetPort}. */
    static LoginCountingProxy to(int targetPort) throws IOException {
        return started(new LoginCountingProxy(targetPort));
    }

    /** Every login attempt so far, in order. */
    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Attempts made by {@code identity} (the LOGIN user, the SASL authentication identity, the XOAUTH2 user). */
    List<Attempt> attemptsBy(String identity) {
        return attempts.stream().filter(a -> a.identity.equalsIgnoreCase(identity)).toList();
    }

    /** Attempts the server refused. */
    List<Attempt> refused() {
        return attempts.stream().filter(a -> Boolean.FALSE.equals(a.accepted)).toList();
    }

    @Override
    protected void relay(Socket client, Socket upstream) {
        Connection c = new Connection(client, upstream);
        execute(c::fromClient);
        execute(c::fromServer);
    }

    /** One proxied connection; the two pumps share what the login phase revealed. */
    private final class Connection {
        private final Socket client;
        private final Socket upstream;
        private volatile String loginTag;
        private volatile Attempt pending;
        private volatile String awaitingResponseFor;
        /** Once logged in, what the client sends is mail and commands, not logins: no longer parsed. */
        private volatile boolean loggedIn;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void fromClient() {
            pump(client, upstream, true);
        }

        void fromServer() {
            pump(upstream, client, false);
        }

        private void pump(Socket from, Socket to, boolean fromClient) {
            byte[] buffer = new byte[8192];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int lines = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    for (int i = 0; i < n && lines < LOGIN_PHASE_LINES * 4; i++) {
                        if (buffer[i] == '\n') {
                            String text = line.toString(StandardCharsets.ISO_8859_1).strip();
                            line.reset();
                            lines++;
                            if (fromClient) {
                                clientLine(text);
                            } else {
                                serverLine(text);
                            }
                        } else if (line.size() < 16_384) {
                            line.write(buffer[i]);
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut, or the other side closed: the connection is over
            } finally {
                end(client, upstream);
            }
        }

        private void clientLine(String text) {
            if (loggedIn) {
                return;
            }
            if (awaitingResponseFor != null) {
                // the SASL response after a continuation ("+"), when the client did not use SASL-IR
                String mechanism = awaitingResponseFor;
                awaitingResponseFor = null;
                record(mechanism, text);
                return;
            }
            String[] words = text.split(" ", 4);
            if (words.length < 2) {
                return;
            }
            String command = words[1].toUpperCase(Locale.ROOT);
            if (command.equals("LOGIN") && words.length >= 3) {
                loginTag = words[0];
                add(new Attempt("LOGIN", unquote(words[2]), null));
            } else if (command.equals("AUTHENTICATE") && words.length >= 3) {
                loginTag = words[0];
                String mechanism = words[2].toUpperCase(Locale.ROOT);
                if (words.length == 4) {
                    record(mechanism, words[3]);
                } else {
                    awaitingResponseFor = mechanism;
                }
            }
        }

        private void record(String mechanism, String base64) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                add(new Attempt(mechanism, "?", null));
                return;
            }
            if (mechanism.equals("PLAIN")) {
                String[] parts = decoded.split("\0", -1);
                add(new Attempt(mechanism, parts.length > 1 ? parts[1] : "?",
                        parts.length > 0 && !parts[0].isEmpty() ? parts[0] : null));
            } else if (mechanism.equals("XOAUTH2")) {
                String user = "?";
                for (String field : decoded.split("\u0001")) {
                    if (field.startsWith("user=")) {
                        user = field.substring(5);
                    }
                }
                add(new Attempt(mechanism, user, null));
            } else {
                add(new Attempt(mechanism, "?", null));
            }
        }

        private void add(Attempt a) {
            pending = a;
            attempts.add(a);
        }

        private void serverLine(String text) {
            String tag = loginTag;
            Attempt a = pending;
            if (tag == null || a == null || !text.startsWith(tag + " ")) {
                return;
            }
            a.accepted = text.substring(tag.length() + 1).toUpperCase(Locale.ROOT).startsWith("OK");
            loggedIn = a.accepted;
            pending = null;
            loginTag = null;
        }
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
