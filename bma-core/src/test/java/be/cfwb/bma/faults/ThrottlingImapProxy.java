package be.cfwb.bma.faults;

import be.cfwb.bma.testing.LoopbackRelay;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IMAP-aware proxy on loopback that plays an overloaded Exchange: it reads the client's
 * commands and answers some of them itself with
 * {@code <tag> NO [THROTTLED] Request is throttled. Suggested Backoff Time: N milliseconds}
 * instead of forwarding them, so the server never sees (nor carries out) a throttled command.
 *
 * <p>Literals are followed: a forwarded command's literals pass through byte for byte; a
 * throttled command ending in a synchronising literal ({@code {n}}) is answered NO in place of
 * the {@code +} the client waits for (legal: the client then does not send the literal), and the
 * bytes of non-synchronising literals ({@code {n+}}, LITERAL+, several in one MULTIAPPEND) are
 * read and dropped up to the end of the command before the NO. Server output is forwarded as
 * is; the proxy's own answer goes out only between the server's answers (the client sends a
 * command once the previous one is answered).
 *
 * <p>Everything it starts is a daemon and ends with {@link #close()}.
 */
public final class ThrottlingImapProxy extends LoopbackRelay {

    private static final Pattern COMMAND = Pattern.compile("^(\\S+) (?:(UID) )?([A-Za-z]+)");

    /**
     * Which commands to throttle: those named in {@code commands} (upper case; {@code UID FETCH}
     * is {@code "UID FETCH"}), every {@code every}-th of them counting from the first, at most
     * {@code limit} times (-1: forever), suggesting {@code backoff}; only command lines containing
     * {@code contains} if it is not null; {@code disconnect} closes the connection after the
     * answer, as Exchange does after a while; {@code silent} swallows the command and answers
     * nothing, as a server that hangs does.
     */
    public record Storm(Set<String> commands, int every, int limit, Duration backoff, String contains,
                        boolean disconnect, boolean silent) {

        public static final Storm CALM = new Storm(Set.of(), 1, 0, Duration.ZERO, null, false, false);

        /** The next {@code limit} matching commands in a row. */
        public static Storm of(int limit, Duration backoff, String... commands) {
            return new Storm(Set.of(commands), 1, limit, backoff, null, false, false);
        }

        /** Only every {@code k}-th matching command (the first matching one included). */
        public Storm every(int k) {
            return new Storm(commands, k, limit, backoff, contains, disconnect, silent);
        }

        /** A storm that never ends. */
        public Storm forever() {
            return new Storm(commands, every, -1, backoff, contains, disconnect, silent);
        }

        /** Only commands whose first line contains {@code text} (e.g. a folder name). */
        public Storm matching(String text) {
            return new Storm(commands, every, limit, backoff, text, disconnect, silent);
        }

        /** Close the connection after each throttled answer. */
        public Storm disconnecting() {
            return new Storm(commands, every, limit, backoff, contains, true, silent);
        }

        /** Neither forward nor answer the matching commands: the client waits in vain. */
        public Storm unanswered() {
            return new Storm(commands, every, limit, backoff, contains, disconnect, true);
        }

        String reply(String tag) {
            return tag + " NO [THROTTLED] Request is throttled. Suggested Backoff Time: " + backoff.toMillis()
                    + " milliseconds\r\n";
        }
    }

    private final AtomicReference<Storm> storm = new AtomicReference<>(Storm.CALM);
    private final Object stormLock = new Object();
    private int matched;
    private int thrown;
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger swallowed = new AtomicInteger();
    private final AtomicReference<Hold> hold = new AtomicReference<>();
    private final AtomicInteger holdSeen = new AtomicInteger();
    private final List<Boolean> holdOutcomes = new CopyOnWriteArrayList<>();

    /** Holds the {@code nth} {@code command} back until {@code release} says so, or {@code atMost} passed. */
    private record Hold(String command, int nth, BooleanSupplier release, Duration atMost) {
    }
    private final Map<String, AtomicInteger> throttledByCommand = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> forwardedByCommand = new ConcurrentHashMap<>();
    private final AtomicInteger literalBytesDropped = new AtomicInteger();
    /** The first line of each command seen and the proxy's own answers, for a failing test's message. */
    private final List<String> trace = new CopyOnWriteArrayList<>();

    private ThrottlingImapProxy(int targetPort) throws IOException {
        super("throttling-imap-proxy", targetPort);
    }

    /** Starts a proxy to {@code 127.0.0.1:targetPort}, calm until a {@link #storm} is set. */
    public static ThrottlingImapProxy to(int targetPort) throws IOException {
        return started(new ThrottlingImapProxy(targetPort));
    }

    /** Replaces the storm (counting its matches afresh). */
    public ThrottlingImapProxy storm(Storm s) {
        synchronized (stormLock) {
            storm.set(s);
            matched = 0;
            thrown = 0;
        }
        return this;
    }

    /** Throttled answers given so far, by all storms. */
    public int throttled() {
        return throttled.get();
    }

    /** Throttled answers by command name. */
    public Map<String, Integer> throttledByCommand() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        throttledByCommand.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** Commands forwarded to the server, by name. */
    public int forwarded(String command) {
        AtomicInteger n = forwardedByCommand.get(command);
        return n == null ? 0 : n.get();
    }

    /** The first lines of the client's commands and the proxy's answers, oldest first (the last 500). */
    public List<String> trace() {
        return List.copyOf(trace);
    }

    private void trace(String text) {
        String line = text.strip();
        if (line.matches("(?i)^\\S+ (LOGIN|AUTHENTICATE) .*")) {
            line = line.substring(0, line.indexOf(' ', line.indexOf(' ') + 1)) + " (credentials not traced)";
        } else if (!line.startsWith("(proxy)") && !COMMAND.matcher(line).find()) {
            line = "(continuation not traced)";
        }
        trace.add(System.nanoTime() / 1_000_000 % 100_000 + " " + line.strip());
        while (trace.size() > 500) {
            trace.remove(0);
        }
    }

    /**
     * Holds the {@code nth} {@code command} (counting from 1) back from the server until
     * {@code release} is true or {@code atMost} has passed: the client sees a slow answer, and a
     * test can tell what it did meanwhile elsewhere.
     */
    public ThrottlingImapProxy hold(String command, int nth, BooleanSupplier release, Duration atMost) {
        hold.set(new Hold(command, nth, release, atMost));
        return this;
    }

    /** For each command held so far: true if its release came, false if it went on after the longest wait. */
    public List<Boolean> holdOutcomes() {
        return List.copyOf(holdOutcomes);
    }

    /** Commands an {@link Storm#unanswered()} storm took without answering. */
    public int swallowed() {
        return swallowed.get();
    }

    /** Bytes of LITERAL+ literals read from the client and dropped with their throttled command. */
    public int literalBytesDropped() {
        return literalBytesDropped.get();
    }

    private void awaitRelease(String command) {
        Hold h = hold.get();
        if (h == null || !h.command().equals(command) || holdSeen.incrementAndGet() != h.nth()) {
            return;
        }
        long deadline = System.nanoTime() + h.atMost().toNanos();
        while (!h.release().getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                holdOutcomes.add(false);
                return;
            }
            LockSupport.parkNanos(5_000_000);
        }
        holdOutcomes.add(true);
    }

    private boolean shouldThrottle(String command, String line) {
        synchronized (stormLock) {
            Storm s = storm.get();
            if (command == null || !s.commands().contains(command) || (s.limit() >= 0 && thrown >= s.limit())
                    || (s.contains() != null && !line.contains(s.contains()))) {
                return false;
            }
            boolean hit = matched++ % s.every() == 0;
            if (hit) {
                thrown++;
            }
            return hit;
        }
    }

    @Override
    protected void relay(Socket client, Socket upstream) throws IOException {
        // Line by line, as the client writes: without this, Nagle and delayed ACKs add ~40 ms a command.
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        Object clientLock = new Object();
        execute(() -> copy(upstream, client, clientLock, client, upstream));
        execute(() -> clientToServer(client, upstream, clientLock));
    }

    private void clientToServer(Socket client, Socket upstream, Object clientLock) {
        try (InputStream raw = client.getInputStream()) {
            InputStream in = new java.io.BufferedInputStream(raw);
            OutputStream up = upstream.getOutputStream();
            OutputStream down = client.getOutputStream();
            while (!closed()) {
                byte[] line = readLine(in);
                if (line == null) {
                    break;
                }
                String text = new String(line, StandardCharsets.ISO_8859_1);
                trace(text);
                Matcher c = COMMAND.matcher(text);
                String tag = c.find() ? c.group(1) : null;
                String command = tag == null ? null
                        : (c.group(2) == null ? "" : "UID ") + c.group(3).toUpperCase(Locale.ROOT);
                if (!shouldThrottle(command, text)) {
                    awaitRelease(command);
                    // Counted first: once the server has it, a test may look (it may answer and close at once).
                    if (command != null) {
                        forwardedByCommand.computeIfAbsent(command, k -> new AtomicInteger()).incrementAndGet();
                    }
                    forwardCommand(in, up, line, UnaryOperator.identity());
                    continue;
                }
                // Throttled: read what the client sends without waiting (LITERAL+), then answer NO.
                Matcher lit = LITERAL.matcher(text);
                while (lit.find() && !lit.group(2).isEmpty()) {
                    int n = Integer.parseInt(lit.group(1));
                    in.skipNBytes(n);
                    literalBytesDropped.addAndGet(n);
                    byte[] next = readLine(in);
                    if (next == null) {
                        throw new EOFException("end of stream inside a command");
                    }
                    lit = LITERAL.matcher(new String(next, StandardCharsets.ISO_8859_1));
                }
                Storm s = storm.get();
                if (s.silent()) {
                    trace("(proxy) no answer");
                    swallowed.incrementAndGet();
                    continue;
                }
                trace("(proxy) " + s.reply(tag));
                synchronized (clientLock) {
                    down.write(s.reply(tag).getBytes(StandardCharsets.US_ASCII));
                    down.flush();
                }
                throttled.incrementAndGet();
                throttledByCommand.computeIfAbsent(command, k -> new AtomicInteger()).incrementAndGet();
                if (s.disconnect()) {
                    break;
                }
            }
        } catch (IOException e) {
            // the connection is over
        } finally {
            end(client, upstream);
        }
    }
}
