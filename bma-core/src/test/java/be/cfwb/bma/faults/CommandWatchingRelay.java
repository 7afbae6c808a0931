package be.cfwb.bma.faults;

import be.cfwb.bma.testing.LoopbackRelay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A faithful IMAP relay that watches one command pass (APPEND, CREATE...): how many were sent,
 * how many of them with a non-synchronising literal (LITERAL+), the most that were sent while
 * earlier ones on the same connection were still unanswered (1 when each waits for its answer),
 * and how many commands of any kind followed one of them on its connection before its answer. Commands and answers are
 * followed line by line with their literals, so a message's text is never taken for a command or
 * an answer.
 */
final class CommandWatchingRelay extends LoopbackRelay {

    private static final Pattern TAGGED = Pattern.compile("^(\\S+) (?:OK|NO|BAD)\\b", Pattern.CASE_INSENSITIVE);

    private final Pattern command;

    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger sentBehind = new AtomicInteger();
    private final AtomicInteger nonSynchronising = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    /** The watched commands in the order sent, across connections, with when they were sent and answered. */
    private final List<Watched> watched = new CopyOnWriteArrayList<>();

    /**
     * One watched command: its first line, when the relay passed it on and when its tagged answer
     * came back ({@link System#nanoTime}; 0 while unanswered). Relays in front of two servers
     * share the clock, so a test can tell what one server was asked while the other had not yet answered.
     */
    static final class Watched {
        private final String line;
        private final long sentNanos;
        private volatile long answeredNanos;

        private Watched(String line, long sentNanos) {
            this.line = line;
            this.sentNanos = sentNanos;
        }

        String line() {
            return line;
        }

        long sentNanos() {
            return sentNanos;
        }

        long answeredNanos() {
            return answeredNanos;
        }

        /** The line, a login's credentials left out: an assertion's message may print it. */
        @Override
        public String toString() {
            String[] words = line.strip().split(" ", 3);
            boolean login = words.length > 1
                    && (words[1].equalsIgnoreCase("AUTHENTICATE") || words[1].equalsIgnoreCase("LOGIN"));
            String shown = login ? words[0] + " " + words[1] + " ****" : line.strip();
            return shown + " (sent " + sentNanos + ", answered " + answeredNanos + ")";
        }
    }

    private CommandWatchingRelay(int targetPort, String verb) throws IOException {
        super(verb.toLowerCase(Locale.ROOT) + "-watching relay", targetPort);
        this.command = Pattern.compile("^(\\S+) " + Pattern.quote(verb) + "\\b", Pattern.CASE_INSENSITIVE);
    }

    /** A relay to {@code targetPort} watching the commands {@code verb} (e.g. {@code APPEND}). */
    static CommandWatchingRelay to(int targetPort, String verb) throws IOException {
        return started(new CommandWatchingRelay(targetPort, verb));
    }

    /** The commands of any kind sent while one watched was still unanswered. */
    int sentBehind() {
        return sentBehind.get();
    }

    /** The commands watched that were sent. */
    int sent() {
        return sent.get();
    }

    int nonSynchronising() {
        return nonSynchronising.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    /** The watched commands sent so far, in the order sent. */
    List<Watched> watched() {
        return List.copyOf(watched);
    }

    @Override
    protected void relay(Socket client, Socket upstream) throws IOException {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        // What is in flight is counted per connection: another connection's commands are not "behind".
        Map<String, Watched> unanswered = new ConcurrentHashMap<>();
        execute(() -> pump(client, upstream, client, upstream, true, unanswered));
        execute(() -> pump(upstream, client, client, upstream, false, unanswered));
    }

    private void pump(Socket from, Socket to, Socket client, Socket upstream, boolean commands, Map<String, Watched> unanswered) {
        try (InputStream raw = from.getInputStream()) {
            InputStream in = new BufferedInputStream(raw);
            OutputStream out = to.getOutputStream();
            while (!closed()) {
                byte[] line = readLine(in);
                if (line == null) {
                    break;
                }
                boolean[] first = {true};
                forwardCommand(in, out, line, text -> {
                    if (first[0]) {
                        first[0] = false;
                        watch(text, commands, unanswered);
                    }
                    return text;
                });
            }
        } catch (IOException e) {
            // the connection is over
        } finally {
            end(client, upstream);
        }
    }

    private void watch(String firstLine, boolean fromClient, Map<String, Watched> unanswered) {
        if (fromClient) {
            if (!unanswered.isEmpty()) {
                sentBehind.incrementAndGet();
            }
            Matcher m = command.matcher(firstLine);
            if (m.find()) {
                sent.incrementAndGet();
                if (firstLine.stripTrailing().endsWith("+}")) {
                    nonSynchronising.incrementAndGet();
                }
                Watched w = new Watched(firstLine, System.nanoTime());
                watched.add(w);
                unanswered.put(m.group(1), w);
                maxInFlight.accumulateAndGet(unanswered.size(), Math::max);
            }
        } else {
            Matcher m = TAGGED.matcher(firstLine);
            if (m.find()) {
                Watched w = unanswered.remove(m.group(1));
                if (w != null) {
                    w.answeredNanos = System.nanoTime();
                }
            }
        }
    }
}
