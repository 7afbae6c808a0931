package be.cfwb.bma.faults;

import be.cfwb.bma.testing.LoopbackRelay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    private CommandWatchingRelay(int targetPort, String verb) throws IOException {
        super(verb.toLowerCase(Locale.ROOT) + "-watching relay", targetPort);
        this.command = Pattern.compile("^(\\S+) " + Pattern.quote(verb) + " ", Pattern.CASE_INSENSITIVE);
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

    @Override
    protected void relay(Socket client, Socket upstream) throws IOException {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        // What is in flight is counted per connection: another connection's commands are not "behind".
        Set<String> unanswered = ConcurrentHashMap.newKeySet();
        execute(() -> pump(client, upstream, client, upstream, true, unanswered));
        execute(() -> pump(upstream, client, client, upstream, false, unanswered));
    }

    private void pump(Socket from, Socket to, Socket client, Socket upstream, boolean commands, Set<String> unanswered) {
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

    private void watch(String firstLine, boolean fromClient, Set<String> unanswered) {
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
                unanswered.add(m.group(1));
                maxInFlight.accumulateAndGet(unanswered.size(), Math::max);
            }
        } else {
            Matcher m = TAGGED.matcher(firstLine);
            if (m.find()) {
                unanswered.remove(m.group(1));
            }
        }
    }
}
