package be.cfwb.bma.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Objects;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a child JVM that copies and prints {@code AT <point>} where it stands still to be killed,
 * and kills it there with SIGKILL (no finally, no shutdown hook): what a crash leaves behind.
 */
final class KillPoint {

    /** Reads in a row that must agree before a count after a kill is taken as final. */
    private static final int STILL_READS = 3;
    private static final long STILL_MILLIS = 200;
    private static final long SETTLE_AT_MOST_MILLIS = 10_000;

    private KillPoint() {
    }

    /**
     * {@code count} (the copies on the target, say) once it holds still. A command the killed child
     * had sent whole, on a connection other than the one it froze on or ahead of it in a pipeline,
     * is still carried out by the server after the kill, a few milliseconds later: read at once, the
     * count can miss it, and the rerun then finds one copy more than the test expects. Read until
     * {@value #STILL_READS} reads {@value #STILL_MILLIS} ms apart agree, at most 10 s; the last read then.
     */
    static <T> T settled(Supplier<T> count) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_AT_MOST_MILLIS);
        T last = count.get();
        int same = 1;
        while (same < STILL_READS && System.nanoTime() < until) {
            Thread.sleep(STILL_MILLIS);
            T now = count.get();
            same = Objects.equals(now, last) ? same + 1 : 1;
            last = now;
        }
        return last;
    }

    /**
     * Starts {@code main} with {@code args} on the test's class path, kills it when it announces
     * {@code point}, and returns what it printed until then; fails if it ended without reaching it.
     */
    static List<String> killAt(String point, Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        boolean reached = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                output.add(line);
                if (line.equals("AT " + point)) {
                    reached = true;
                    child.destroyForcibly();
                    break;
                }
            }
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(reached).as("the child reached %s: %s", point, output).isTrue();
        return output;
    }
}
