package be.cfwb.bma.testing.dovecot.benchmark;

import be.cfwb.bma.testing.net.LatencyRelay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's {@link LatencyRelay}s, in a JVM of their own: the relay's CPU, its threads and
 * its garbage are then no part of the engine's JVM, whose CPU is measured as the client's; like
 * the network, the relay serves the engine and the peers alike. The benchmark asks for a relay
 * with a line {@code <server port> <round trip in ms>} on the child's standard input and reads
 * the relay's port back; closing the input ends the child.
 */
final class RelayProcess implements AutoCloseable {

    private final Process process;
    private final Writer commands;
    private final BufferedReader answers;

    private RelayProcess(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    static RelayProcess start() throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new RelayProcess(new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), RelayProcess.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** A relay to the loopback {@code serverPort} adding {@code roundTrip}; returns the port to connect to. */
    synchronized int relay(int serverPort, Duration roundTrip) throws IOException {
        commands.write(serverPort + " " + roundTrip.toMillis() + "\n");
        commands.flush();
        String answer = answers.readLine();
        if (answer == null || !answer.matches("\\d+")) {
            throw new IOException("the relay process did not start a relay: " + answer);
        }
        return Integer.parseInt(answer);
    }

    /** CPU time of the relay process so far (user + system), from /proc. */
    Duration cpuTime() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"),
                    StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Duration.ofMillis((Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10);
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException e) {
            // the child ends on its own when its input is gone
        }
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }

    /** The child: one relay per input line, until the input ends. */
    public static void main(String[] args) throws IOException {
        List<LatencyRelay> relays = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII), true);
        try {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.trim().split(" ");
                LatencyRelay relay = LatencyRelay.start(Integer.parseInt(f[0]), Duration.ofMillis(Long.parseLong(f[1])));
                relays.add(relay);
                out.println(relay.port());
            }
        } finally {
            relays.forEach(LatencyRelay::close);
        }
    }
}
