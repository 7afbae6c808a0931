package be.cfwb.bma.testing.graph;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The stand-in's HTTP side: injected faults, the body limit, the token, the user, the mailbox
 * concurrency limit, then the resource that answers ({@link UserResource}, {@link SendMailResource},
 * {@link FolderResource}, {@link MessageResource}, {@link AttachmentResource}); every request is
 * logged. See {@link GraphStandIn} for what it checks.
 */
final class StandInHandler implements HttpHandler {

    private final StandInState state;
    private final Supplier<String> origin;
    private final UserResource users;
    private final SendMailResource sendMail;
    private final FolderResource folders;
    private final MessageResource messages;
    private final AttachmentResource attachments;

    StandInHandler(StandInState state, Supplier<String> origin) {
        this.state = state;
        this.origin = origin;
        this.users = new UserResource(state);
        this.attachments = new AttachmentResource(state, origin);
        this.messages = new MessageResource(state, attachments);
        this.sendMail = new SendMailResource(state, messages);
        this.folders = new FolderResource(state, messages);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        boolean bearer = auth != null && auth.startsWith("Bearer ");
        InFlight inFlight = new InFlight(method, rawPath, rawQuery, bearer);
        try {
            GraphStandIn.Fault fault = state.takeFault(method, rawPath);
            if (fault != null && fault.kind == GraphStandIn.FaultKind.DROP) {
                drain(exchange);
                inFlight.done(-1);
                exchange.close();
                return;
            }
            byte[] body = readBody(exchange);
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (state.recordBodies && body != null && type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                synchronized (state) {
                    state.bodies.add(new GraphStandIn.RecordedBody(method, ODataQuery.decode(rawPath),
                            new String(body, StandardCharsets.UTF_8)));
                }
            }
            Answer answer;
            try {
                answer = answer(exchange, fault, body, auth, inFlight);
            } catch (GraphRefusal refusal) {
                answer = refusal.answer();
            }
            if (fault != null && fault.kind == GraphStandIn.FaultKind.LOSE_RESPONSE) {
                inFlight.done(-2);
                exchange.close();
                return;
            }
            inFlight.done(answer.status);
            write(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            inFlight.done(-3);
            exchange.close();
        } catch (RuntimeException e) {
            inFlight.done(500);
            write(exchange, Answer.error(500, "InternalServerError", "Stand-in error: " + e));
        }
    }

    private Answer answer(HttpExchange exchange, GraphStandIn.Fault fault, byte[] body, String auth, InFlight inFlight)
            throws InterruptedException {
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        if (fault != null && fault.kind == GraphStandIn.FaultKind.THROTTLE) {
            return Answer.error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
                    .header("Retry-After", retryAfter(fault.retryAfter));
        }
        if (fault != null && fault.kind == GraphStandIn.FaultKind.FAIL) {
            return Answer.error(503, "ServiceUnavailable", "Service unavailable (injected).")
                    .header("Retry-After", retryAfter(fault.retryAfter));
        }
        if (body == null) {
            return Answer.error(413, "RequestEntityTooLarge",
                    "The request body exceeds the maximum of " + GraphStandIn.MAX_REQUEST_BYTES + " bytes.");
        }
        List<String> segments = segments(rawPath);
        if (!segments.isEmpty() && segments.get(0).equals("upload")) {
            return attachments.upload(method, segments, exchange.getRequestHeaders().getFirst("Content-Range"), body);
        }
        if (!inFlight.bearer || !auth.substring("Bearer ".length()).equals(state.token())) {
            return Answer.error(401, "InvalidAuthenticationToken",
                    inFlight.bearer ? "Access token validation failure." : "Access token is empty.");
        }
        if (segments.size() < 3 || !segments.get(0).equals("v1.0") || !segments.get(1).equals("users")) {
            return GraphRefusal.noSuchSegment(rawPath).answer();
        }
        StandInState.User user = state.findUser(segments.get(2));
        if (user == null) {
            return Answer.error(404, "Request_ResourceNotFound", "Resource '" + segments.get(2)
                    + "' does not exist or one of its queried reference-property objects are not present.");
        }
        if (!inFlight.enter(user)) {
            return Answer.error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
                    .header("Retry-After", "1");
        }
        if (!state.delay.isZero()) {
            Thread.sleep(state.delay.toMillis());
        }
        StandInRequest request = new StandInRequest(method, user, segments.subList(3, segments.size()),
                ODataQuery.parse(exchange.getRequestURI().getRawQuery()), body,
                exchange.getRequestHeaders().getFirst("Content-Type"), origin.get() + rawPath);
        return route(request);
    }

    private Answer route(StandInRequest r) {
        List<String> s = r.segments();
        if (s.isEmpty()) {
            return users.answer(r);
        }
        if (s.get(0).equals("sendMail") && s.size() == 1) {
            return sendMail.answer(r);
        }
        if (s.get(0).equals("mailFolders")) {
            return folders.answer(r.after(1));
        }
        if (s.get(0).equals("messages")) {
            return messages.answer(r.after(1), null);
        }
        throw GraphRefusal.noSuchSegment(String.join("/", s));
    }

    /**
     * One request's bookkeeping: the mailbox it counts against while in flight, and its log
     * entry. Done before the answer leaves, so that a client that has its answer sees the
     * request logged and no longer counted as in flight.
     */
    private final class InFlight {
        private final String method;
        private final String rawPath;
        private final String rawQuery;
        private final boolean bearer;
        private StandInState.User mailbox;

        InFlight(String method, String rawPath, String rawQuery, boolean bearer) {
            this.method = method;
            this.rawPath = rawPath;
            this.rawQuery = rawQuery;
            this.bearer = bearer;
        }

        /** Counts the request against {@code user}; false when that is over the mailbox concurrency limit. */
        boolean enter(StandInState.User user) {
            synchronized (state) {
                user.inFlight++;
                mailbox = user;
                user.peakConcurrency = Math.max(user.peakConcurrency, user.inFlight);
                return user.inFlight <= state.mailboxConcurrency;
            }
        }

        void done(int status) {
            synchronized (state) {
                if (mailbox != null) {
                    mailbox.inFlight--;
                    mailbox = null;
                }
                state.log.add(new GraphStandIn.RecordedRequest(method, ODataQuery.decode(rawPath),
                        rawQuery == null ? null : ODataQuery.decode(rawQuery), bearer, status));
            }
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                out.add(ODataQuery.decode(part));
            }
        }
        return out;
    }

    /** The body, or null when it exceeds Graph's write limit (the rest is drained so the client reads the 413). */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total <= GraphStandIn.MAX_REQUEST_BYTES) {
                    out.write(buffer, 0, n);
                }
            }
            return total > GraphStandIn.MAX_REQUEST_BYTES ? null : out.toByteArray();
        }
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static void write(HttpExchange exchange, Answer answer) throws IOException {
        answer.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = null;
        if (answer.body != null) {
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            bytes = GraphStandIn.JSON.writeValueAsBytes(answer.body);
        } else if (answer.text != null) {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            bytes = answer.text.getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().add("request-id", UUID.randomUUID().toString());
        if (bytes == null) {
            exchange.sendResponseHeaders(answer.status, -1);
        } else {
            exchange.sendResponseHeaders(answer.status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    /**
     * Whole seconds, as Graph sends them; a duration below or between seconds as a decimal
     * ("0.05"), which the SDK's retry handler honours, so that tests can throttle without slowing down.
     */
    static String retryAfter(Duration d) {
        if (d.toMillis() % 1000 == 0) {
            return Long.toString(d.toSeconds());
        }
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
