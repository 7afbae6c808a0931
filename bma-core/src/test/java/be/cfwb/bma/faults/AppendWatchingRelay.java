package be.cfwb.bma.faults;

import be.cfwb.bma.testing.LoopbackRelay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A faithful IMAP relay that watches the APPENDs pass: how many were sent, how many of them with
 * a non-synchronising literal (LITERAL+), and the most that were sent while earlier ones were
 * still unanswered (1 when each waits for its answer). Commands and answers are followed line by
 * line with their literals, so a message's text is never taken for a command or an answer.
 */
final class AppendWatchingRelay extends LoopbackRelay {

    private static final Pattern APPEND = Pattern.compile("^(\\S+) APPEND ", Pattern.CASE_INSENSITIVE);
    private static final Pattern TAGGED = Pattern.compile("^(\\S+) (?:OK|NO|BAD)\\b", Pattern.CASE_INSENSITIVE);

    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final AtomicInteger appends = new AtomicInteger();
    private final AtomicInteger nonSynchronising = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private AppendWatchingRelay(int targetPort) throws IOException {
        super("append-watching relay", targetPort);
    }

    static AppendWatchingRelay to(int targetPort) throws IOException {
        return started(new AppendWatchingRelay(targetPort));
    }

    int appends() {
        return appends.get();
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
        execute(() -> pump(client, upstream, client, upstream, true));
        execute(() -> pump(upstream, client, client, upstream, false));
    }

    private void pump(Socket from, Socket to, Socket client, Socket upstream, boolean commands) {
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
                        watch(text, commands);
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

    private void watch(String firstLine, boolean command) {
        if (command) {
            Matcher m = APPEND.matcher(firstLine);
            if (m.find()) {
                appends.incrementAndGet();
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
