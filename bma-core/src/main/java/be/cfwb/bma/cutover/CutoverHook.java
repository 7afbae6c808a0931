package be.cfwb.bma.cutover;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A command ops provide that switches one mailbox's routing, e.g.
 * {@code ./switch-routing.sh {address}}. {@code {address}} and {@code {fase}} in its
 * arguments are replaced; it runs without a shell, so an address can never inject one.
 * Exit status 0 means done; anything else, or no answer within the timeout, means not done.
 *
 * @param command          the program and its arguments
 * @param workingDirectory where it runs
 * @param timeout          how long one call may take
 */
public record CutoverHook(List<String> command, Path workingDirectory, Duration timeout) {

    /** How much of the command's output is kept for the report. */
    static final int OUTPUT_TAIL = 400;

    public CutoverHook {
        command = List.copyOf(command);
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "The cutover command (bma.cutover.command) is empty");
        }
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "The cutover command timeout (bma.cutover.timeoutSeconds) is "
                    + (timeout == null ? "missing" : timeout.toSeconds() + " s") + "; it must be positive");
        }
    }

    /** Parses a command line split on spaces, e.g. the value of {@code bma.cutover.command}. */
    public static CutoverHook parse(String commandLine, Path workingDirectory, Duration timeout) {
        if (commandLine == null || commandLine.isBlank()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "The cutover command (bma.cutover.command) is empty");
        }
        return new CutoverHook(List.of(commandLine.strip().split("\\s+")), workingDirectory, timeout);
    }

    /** Runs the command for {@code mailbox}. */
    Outcome run(BmaAddress mailbox) {
        List<String> args = new ArrayList<>(command.size());
        for (String arg : command) {
            args.add(arg.replace("{address}", mailbox.toString()).replace("{fase}", mailbox.number().toString()));
        }
        Path output = null;
        try {
            // Output goes to a file, not a pipe: a hung command must not block us past the timeout.
            output = Files.createTempFile("bma-cutover", ".log");
            Process process = new ProcessBuilder(args).directory(workingDirectory.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Outcome(false, -1, "no answer within " + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s")
                        + "; the process was stopped");
            }
            return new Outcome(process.exitValue() == 0, process.exitValue(),
                    tail(Files.readString(output, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return new Outcome(false, -1, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, -1, "interrupted");
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private static String tail(String output) {
        String trimmed = output.strip();
        return trimmed.length() <= OUTPUT_TAIL ? trimmed : "..." + trimmed.substring(trimmed.length() - OUTPUT_TAIL);
    }

    /** What one call gave. */
    record Outcome(boolean success, int exitCode, String output) {
    }
}
