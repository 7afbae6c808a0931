package be.cfwb.bma.faults;

import be.cfwb.bma.testing.LoopbackRelay;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IMAP-aware proxy on loopback that plays a server answering badly: it forwards the
 * client's commands as they are, reads the server's answers one response at a time (a line
 * and the literals it announces) and, where a {@link Rule} matches the command in progress and
 * the response, sends something malformed instead: a garbled FETCH line, a literal cut short
 * (then the connection ends, as a crashed server's would), an untagged BYE in the middle of a
 * FETCH, or a NO without a response code in place of the OK.
 *
 * <p>Everything it starts is a daemon and ends with {@link #close()}.
 */
public final class MalformingImapProxy extends LoopbackRelay {

    /** What to send instead of the matched response. */
    public enum Fault {
        /** An item no client knows, inserted after {@code FETCH (}: the whole FETCH response is unparsable. */
        GARBLE,
        /** The response's first line and half its first literal, then the connection ends. */
        TRUNCATE_LITERAL,
        /** {@code * BYE} in place of the response, then the connection ends. */
        BYE,
        /** {@code <tag> NO <text>} without a response code in place of a tagged response. */
        NO,
        /** The response with {@link Rule#rewrite} applied to its bytes (literal lengths must stay the same). */
        REWRITE
    }

    /**
     * Where to misbehave: responses whose first line matches {@code response} while the client's
     * command in progress matches {@code command}; at most {@code limit} times (-1: forever).
     */
    public record Rule(Pattern command, Pattern response, Fault fault, int limit, String text,
                       UnaryOperator<String> rewrite) {

        public static Rule of(String command, String response, Fault fault) {
            return new Rule(Pattern.compile(command), Pattern.compile(response), fault, -1, "Internal error", null);
        }

        public Rule times(int n) {
            return new Rule(command, response, fault, n, text, rewrite);
        }

        /** The server's words in a BYE or NO. */
        public Rule saying(String words) {
            return new Rule(command, response, fault, limit, words, rewrite);
        }

        /** A {@link Fault#REWRITE} of the response's bytes (ISO-8859-1 text, literals included). */
        public static Rule rewriting(String command, String response, UnaryOperator<String> rewrite) {
            return new Rule(Pattern.compile(command), Pattern.compile(response), Fault.REWRITE, -1, "", rewrite);
        }
    }

    private static final Pattern TAGGED_OK = Pattern.compile("^(\\S+) OK\\b");
    private static final Pattern TAGGED = Pattern.compile("^(\\S+) (?:OK|NO|BAD)\\b", Pattern.CASE_INSENSITIVE);

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<AtomicInteger> hits = new CopyOnWriteArrayList<>();

    private MalformingImapProxy(int targetPort) throws IOException {
        super("malforming-imap-proxy", targetPort);
    }

    /** Starts a faithful proxy to {@code 127.0.0.1:targetPort}; {@link #add} rules to make it misbehave. */
    public static MalformingImapProxy to(int targetPort) throws IOException {
        return started(new MalformingImapProxy(targetPort));
    }

    /** Adds a rule; returns its index for {@link #hits(int)}. */
    public synchronized int add(Rule rule) {
        rules.add(rule);
        hits.add(new AtomicInteger());
        return rules.size() - 1;
    }

    /** Back to a faithful proxy (the hit counts are kept). */
    public synchronized void heal() {
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            rules.set(i, new Rule(r.command(), Pattern.compile("(?!)"), r.fault(), 0, r.text(), r.rewrite()));
        }
    }

    /** How many times rule {@code index} misbehaved. */
    public int hits(int index) {
        return hits.get(index).get();
    }

    /** Misbehaviours so far, all rules together. */
    public int hits() {
        return hits.stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    protected void relay(Socket client, Socket upstream) throws IOException {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        Commands commands = new Commands();
        execute(() -> clientToServer(client, upstream, commands));
        execute(() -> serverToClient(client, upstream, commands));
    }

    /**
     * The client's commands on one connection, as a server answers them: a client may send
     * several before the first is answered (an EXAMINE and the FETCH behind it), and the server
     * runs them in order, so a tagged answer belongs to the command of its tag and an untagged one
     * to the oldest command not yet answered (the last one sent if none is).
     */
    private static final class Commands {
        private final Map<String, String> unanswered = new LinkedHashMap<>();
        private String last = "";

        synchronized void sent(String line) {
            last = line;
            unanswered.put(line.substring(0, line.indexOf(' ')), line);
        }

        synchronized String answeredBy(String firstLine) {
            Matcher tagged = TAGGED.matcher(firstLine);
            if (tagged.find() && !tagged.group(1).equals("*")) {
                String command = unanswered.remove(tagged.group(1));
                return command != null ? command : last;
            }
            return unanswered.isEmpty() ? last : unanswered.values().iterator().next();
        }
    }

    private void clientToServer(Socket client, Socket upstream, Commands commands) {
        try (InputStream in = new BufferedInputStream(client.getInputStream())) {
            OutputStream up = upstream.getOutputStream();
            while (!closed()) {
                byte[] line = readLine(in);
                if (line == null) {
                    break;
                }
                String text = new String(line, StandardCharsets.ISO_8859_1);
                if (!text.startsWith("+") && text.indexOf(' ') > 0) {
                    commands.sent(text.strip());
                }
                forwardCommand(in, up, line, UnaryOperator.identity());
            }
        } catch (IOException e) {
            // the connection is over
        } finally {
            end(client, upstream);
        }
    }

    private void serverToClient(Socket client, Socket upstream, Commands commands) {
        try (InputStream in = new BufferedInputStream(upstream.getInputStream())) {
            OutputStream down = client.getOutputStream();
            while (!closed()) {
                byte[] first = readLine(in);
                if (first == null) {
                    break;
                }
                ByteArrayOutputStream unit = new ByteArrayOutputStream();
                unit.write(first);
                String firstLine = new String(first, StandardCharsets.ISO_8859_1);
                int literalStart = -1;
                long literalLength = 0;
                String line = firstLine;
                while (true) {
                    Matcher literal = LITERAL.matcher(line);
                    if (!literal.find()) {
                        break;
                    }
                    long n = Long.parseLong(literal.group(1));
                    if (literalStart < 0) {
                        literalStart = unit.size();
                        literalLength = n;
                    }
                    byte[] bytes = in.readNBytes((int) n);
                    unit.write(bytes);
                    if (bytes.length < n) {
                        throw new EOFException("end of stream inside a literal");
                    }
                    byte[] next = readLine(in);
                    if (next == null) {
                        throw new EOFException("end of stream inside a response");
                    }
                    unit.write(next);
                    line = new String(next, StandardCharsets.ISO_8859_1);
                }
                int rule = match(commands.answeredBy(firstLine), firstLine);
                byte[] bytes = unit.toByteArray();
                if (rule < 0) {
                    down.write(bytes);
                    down.flush();
                    continue;
                }
                Rule r = rules.get(rule);
                switch (r.fault()) {
                    case GARBLE -> down.write(firstLine.replaceFirst("FETCH \\(", "FETCH (X-GARBLED%% ")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    case REWRITE -> down.write(r.rewrite().apply(new String(bytes, StandardCharsets.ISO_8859_1))
                            .getBytes(StandardCharsets.ISO_8859_1));
                    case NO -> {
                        Matcher ok = TAGGED_OK.matcher(firstLine);
                        String tag = ok.find() ? ok.group(1) : "*";
                        down.write((tag + " NO " + r.text() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    }
                    case TRUNCATE_LITERAL -> {
                        int end = literalStart < 0 ? first.length / 2 : (int) (literalStart + literalLength / 2);
                        down.write(bytes, 0, end);
                        down.flush();
                        return;
                    }
                    case BYE -> {
                        down.write(("* BYE " + r.text() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        down.flush();
                        return;
                    }
                }
                if (r.fault() == Fault.GARBLE) {
                    // the rest of the response (its literals) unchanged: only the line is garbled
                    down.write(bytes, first.length, bytes.length - first.length);
                }
                down.flush();
            }
        } catch (IOException e) {
            // the connection is over
        } finally {
            end(client, upstream);
        }
    }

    /** The first rule matching, counted as a hit; -1 if none. */
    private synchronized int match(String command, String response) {
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            AtomicInteger n = hits.get(i);
            if ((r.limit() < 0 || n.get() < r.limit()) && r.command().matcher(command).find()
                    && r.response().matcher(response).find()) {
                n.incrementAndGet();
                return i;
            }
        }
        return -1;
    }
}
