package be.cfwb.bma.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a child JVM that copies and prints {@code AT <point>} where it stands still to be killed,
 * and kills it there with SIGKILL (no finally, no shutdown hook): what a crash leaves behind.
 */
final class KillPoint {

    private KillPoint() {
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
