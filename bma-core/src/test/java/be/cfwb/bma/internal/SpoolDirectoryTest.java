package be.cfwb.bma.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep takes only what dead processes left: a killed run's directory and old loose files of
 * earlier versions, never a live run's spool, in this process or another.
 * ({@code faults.KilledMigrationTest} shows it end to end after a SIGKILL.)
 */
class SpoolDirectoryTest {

    private static final Instant NOW = Instant.parse("2024-11-04T07:00:00Z");

    @TempDir
    Path spool;

    @Test
    void aLiveRunsSpoolIsKeptInThisProcessAndAnother() throws Exception {
        Path own = SpoolDirectory.of(spool);
        Path mine = Files.writeString(own.resolve("bma-1.eml"), "x");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                SpoolHolderChild.class.getName(), spool.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("READY");
            Path theirs;
            try (var list = Files.list(spool)) {
                theirs = list.filter(p -> !p.equals(own)).findFirst().orElseThrow().resolve("bma-live.eml");
            }
            assertThat(theirs).exists();

            assertThat(SpoolDirectory.sweep(spool, NOW)).isZero();
            assertThat(mine).exists();
            assertThat(theirs).exists();

            child.getOutputStream().close();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // It ended normally: its shutdown hook cleaned up after itself.
            assertThat(theirs.getParent()).doesNotExist();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aDeadRunsDirectoryAndOldLooseFilesAreSweptRecentLooseFilesKept() throws Exception {
        // As a SIGKILLed run leaves it: its directory, its lock file (the OS released the lock), its spool.
        Path dead = Files.createDirectories(spool.resolve(SpoolDirectory.PREFIX + "4242-17"));
        Files.createFile(dead.resolve(SpoolDirectory.LOCK));
        Files.writeString(dead.resolve("bma-a.eml"), "a");
        Files.writeString(dead.resolve("bma-b.eml"), "b");
        Path oldLoose = Files.writeString(spool.resolve("bma-99.eml"), "left by a version before the spool directories");
        Files.setLastModifiedTime(oldLoose, FileTime.from(NOW.minus(Duration.ofDays(2))));
        Path recentLoose = Files.writeString(spool.resolve("bma-100.eml"), "maybe in use by an older version");
        Files.setLastModifiedTime(recentLoose, FileTime.from(NOW.minus(Duration.ofHours(1))));
        Path unrelated = Files.writeString(spool.resolve("notes.txt"), "not ours");

        assertThat(SpoolDirectory.sweep(spool, NOW)).isEqualTo(3);

        assertThat(dead).doesNotExist();
        assertThat(oldLoose).doesNotExist();
        assertThat(recentLoose).exists();
        assertThat(unrelated).exists();
        assertThat(SpoolDirectory.sweep(spool.resolve("absent"), NOW)).isZero();
    }
}
