package be.cfwb.bma.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets are never written: a whole migration and notification cycle runs in a child JVM
 * ({@link SecretsChild}) with every toolkit and library logger at DEBUG, and everything it
 * wrote (its stdout and stderr, the ledger, the reports and output, the spool directory) is
 * scanned for each secret: the source and target passwords, a wrong password tried, and
 * every mail-2 password issued (recorded by the issuer). The mail servers' own loggers
 * (GreenMail, which logs what it receives) are kept at WARN: they are the stand-ins, not us.
 * A second child ({@link GraphSecretsChild}) does the same for the Graph path: the app's access
 * token and client secret.
 */
class SecretsNeverWrittenTest {

    @TempDir
    Path dir;

    @Test
    void aWholeCycleAtDebugLevelWritesNoSecretAnywhere() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path secretsFile = dir.resolve("secrets.txt");
        Path output = dir.resolve("child-output.txt");
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-Dorg.slf4j.simpleLogger.log.com.icegreen=warn",
                "-Dmail.debug.auth=false",
                "-cp", System.getProperty("java.class.path"), SecretsChild.class.getName(),
                work.toString(), secretsFile.toString(), nonce)
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(child.waitFor(150, TimeUnit.SECONDS)).as("the child finished").isTrue();
        String log = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(log.length() > 4000 ? log.substring(log.length() - 4000) : log).isZero();
        assertThat(log).contains("RESULT true verified=" + SecretsChild.MAILBOXES.size());
        assertThat(log).as("debug logging was on").contains("DEBUG-ENABLED true true");
        assertThat(log).contains("WRONG-PASSWORD");

        List<String> secrets = Files.readAllLines(secretsFile).stream().filter(s -> !s.isBlank()).toList();
        assertThat(secrets).as("source, target, wrong and two issued passwords").hasSize(SecretsChild.MAILBOXES.size() * 3 + 1);

        List<Path> written = new ArrayList<>();
        written.add(output);
        try (Stream<Path> files = Files.walk(work)) {
            files.filter(Files::isRegularFile).forEach(written::add);
        }
        assertThat(written).as("the ledger and the reports were written")
                .anySatisfy(p -> assertThat(p.toString()).contains("ledger"))
                .anySatisfy(p -> assertThat(p.toString()).contains("out"));
        assertThat(leaks(written, secrets)).as("secrets found in what the run wrote").isEmpty();

        // the scan itself finds a secret, even encoded (so an empty result above means something)
        Path canary = Files.writeString(dir.resolve("canary.txt"), "AUTH PLAIN "
                + java.util.Base64.getEncoder().encodeToString(("\0user\0" + secrets.get(0)).getBytes(StandardCharsets.UTF_8))
                + "\nnew password: " + secrets.get(secrets.size() - 1));
        assertThat(leaks(List.of(canary), secrets)).hasSize(2);
    }

    /**
     * The Graph path ({@link GraphSecretsChild}): the app's access token (used, then refused
     * with 401s), a client secret given to MSAL whose Entra ID is unreachable, a password reset
     * through Graph. Here java.util.logging is at ALL too, so OkHttp's, the JDK HTTP client's (MSAL's
     * transport) and Angus's protocol traces are written and scanned, and so is what the stand-in's
     * HTTP server logs of the requests it receives; only GreenMail stays at WARN.
     */
    @Test
    void aGraphMigrationAtDebugLevelWritesNeitherTheTokenNorTheClientSecret() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path secretsFile = dir.resolve("secrets.txt");
        Path output = dir.resolve("child-output.txt");
        Path julConfig = Files.writeString(dir.resolve("logging.properties"), String.join("\n",
                "handlers=java.util.logging.ConsoleHandler",
                ".level=ALL",
                "java.util.logging.ConsoleHandler.level=ALL",
                "com.icegreen.level=WARNING", ""));
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-Dorg.slf4j.simpleLogger.log.com.icegreen=warn",
                "-Djava.util.logging.config.file=" + julConfig,
                "-cp", System.getProperty("java.class.path"), GraphSecretsChild.class.getName(),
                work.toString(), secretsFile.toString(), nonce)
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(child.waitFor(150, TimeUnit.SECONDS)).as("the child finished").isTrue();
        String log = Files.readString(output, StandardCharsets.ISO_8859_1);
        List<String> secrets = Files.readAllLines(secretsFile).stream().filter(s -> !s.isBlank()).toList();
        assertThat(secrets).as("token, client secret, issued password, two source passwords").hasSize(5);
        List<Path> written = new ArrayList<>();
        written.add(output);
        try (Stream<Path> files = Files.walk(work)) {
            files.filter(Files::isRegularFile).forEach(written::add);
        }
        // first the scan: a failure must not print the output (it would carry the leak)
        assertThat(leaks(written, secrets)).as("secrets found in what the run wrote").isEmpty();
        assertThat(child.exitValue()).as(log.length() > 4000 ? log.substring(log.length() - 4000) : log).isZero();
        assertThat(log).as("debug logging was on").contains("DEBUG-ENABLED true true true");
        assertThat(log).contains("RESULT true true");
        assertThat(log).containsPattern("TOKEN-REFUSED true .*401");
        assertThat(log).contains("RESET-REFUSED ");
        assertThat(log).containsPattern("CLIENT-SECRET-FAILED true .*Entra ID");
        assertThat(log).contains("RESET-FAILED ");
        assertThat(log).as("OkHttp and Angus traces were written").contains("okhttp3").contains("A1 ");
        assertThat(written).as("ledgers and reports of both runs")
                .anySatisfy(p -> assertThat(p.toString()).contains("ledger-token"))
                .anySatisfy(p -> assertThat(p.toString()).contains("out-secret"));
    }

    private List<String> leaks(List<Path> written, List<String> secrets) throws IOException {
        List<String> leaks = new ArrayList<>();
        for (Path f : written) {
            String asText = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                if (forms(secret).stream().anyMatch(asText::contains) || decodedBase64(asText).contains(secret)) {
                    // never print the secret itself: a failing test's output is written too
                    leaks.add(secret.substring(0, 3) + "*** (secret #" + secrets.indexOf(secret) + ") in " + dir.relativize(f));
                }
            }
        }
        return leaks;
    }

    /** Every base64-looking word decoded, so a secret inside a SASL PLAIN blob is found too. */
    private static String decodedBase64(String text) {
        StringBuilder sb = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z0-9+/]{8,}={0,2}").matcher(text);
        while (m.find()) {
            try {
                sb.append(new String(java.util.Base64.getDecoder().decode(m.group()), StandardCharsets.ISO_8859_1)).append('\n');
            } catch (IllegalArgumentException notBase64) {
                // not base64 after all
            }
        }
        return sb.toString();
    }

    /** The secret as text, base64 (SASL PLAIN, XOAUTH2) and hex, so an encoded leak is found too. */
    private static List<String> forms(String secret) {
        byte[] b = secret.getBytes(StandardCharsets.UTF_8);
        return List.of(secret, java.util.Base64.getEncoder().encodeToString(b).replaceAll("=+$", ""),
                HexFormat.of().formatHex(b), HexFormat.of().formatHex(b).toUpperCase(Locale.ROOT));
    }

}
