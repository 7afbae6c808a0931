package be.cfwb.bma.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * This process's own directory inside the configured spool directory, and the sweep of those
 * that killed processes left behind.
 *
 * <p>A process spools into {@code <spool>/bma-spool-<pid>-<n>/}, which holds a {@value #LOCK}
 * file locked ({@link FileLock}, an OS lock) for as long as the process lives. A SIGKILL skips
 * every {@code finally} and shutdown hook, so its spooled messages (up to the target's 35 MiB
 * each) stay on disk; the OS releases its lock, though, and that is how the next run tells a
 * dead process's directory from a live one's — whatever the PID namespaces, and even when the
 * spool directory is shared by several runs at once. The directory is made under a name the
 * sweep ignores and renamed once its lock is held, so a sweep never takes a directory being
 * born for a dead one.
 */
public final class SpoolDirectory {

    static final String PREFIX = "bma-spool-";
    static final String LOCK = "lock";
    /** Loose spool files of versions before this layout are swept once they are this old. */
    static final Duration LEGACY_AGE = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(SpoolDirectory.class);
    private static final Map<Path, Owned> OWN = new ConcurrentHashMap<>();

    private record Owned(Path directory, FileChannel channel, FileLock lock) {
    }

    private SpoolDirectory() {
    }

    /** This process's directory inside {@code configured}, made (and locked) on first use. */
    public static Path of(Path configured) throws IOException {
        Path key = configured.toAbsolutePath().normalize();
        try {
            return OWN.compute(key, (k, owned) -> {
                if (owned != null && Files.isDirectory(owned.directory()) && owned.lock().isValid()) {
                    return owned;
                }
                if (owned != null) {
                    // Deleted under us (a test's temporary directory): start a new one.
                    try {
                        owned.channel().close();
                    } catch (IOException e) {
                        // nothing held any more
                    }
                }
                try {
                    return create(k);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).directory();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Owned create(Path configured) throws IOException {
        Files.createDirectories(configured);
        Path birth = Files.createTempDirectory(configured, ".bma-spool-new-");
        FileChannel channel = FileChannel.open(birth.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock();
        Path directory = Files.move(birth, configured.resolve(PREFIX + ProcessHandle.current().pid() + "-"
                + birth.getFileName().toString().substring(".bma-spool-new-".length())));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                lock.release();
                channel.close();
                delete(directory);
            } catch (IOException e) {
                // The next run's sweep takes it.
            }
        }, "bma-spool-cleanup"));
        return new Owned(directory, channel, lock);
    }

    /**
     * Deletes the spool directories of processes that are gone (their lock is free) and loose
     * spool files of earlier versions older than a day (measured against {@code now}); never a
     * live process's. Returns the number of files deleted.
     */
    public static int sweep(Path configured, Instant now) {
        if (!Files.isDirectory(configured)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(configured)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(PREFIX) && Files.isDirectory(entry)) {
                    deleted += sweepIfDead(entry);
                } else if (name.startsWith("bma-") && name.endsWith(".eml") && Files.isRegularFile(entry)
                        && Files.getLastModifiedTime(entry).toInstant().isBefore(now.minus(LEGACY_AGE))) {
                    Files.deleteIfExists(entry);
                    deleted++;
                }
            }
        } catch (IOException e) {
            // Sweeping is housekeeping: a failure must not stop the migration.
            LOG.warn("Could not sweep the spool directory {}: {}", configured, e.toString());
        }
        if (deleted > 0) {
            LOG.info("Deleted {} spool file(s) a killed run left in {}", deleted, configured);
        }
        return deleted;
    }

    private static int sweepIfDead(Path directory) throws IOException {
        Path lockFile = directory.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            return delete(directory);
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return 0; // held by this very process
            }
            if (lock == null) {
                return 0; // held by another live process
            }
            try {
                return delete(directory);
            } finally {
                if (lock.isValid()) {
                    lock.release();
                }
            }
        } catch (NoSuchFileException e) {
            return 0; // swept meanwhile by another run
        }
    }

    /** Deletes {@code directory} and what it holds; returns the number of spool files among them. */
    private static int delete(Path directory) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(directory)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException e) {
            return 0;
        }
        int files = 0;
        for (Path p : paths) {
            if (Files.deleteIfExists(p) && !p.equals(directory) && !p.getFileName().toString().equals(LOCK)) {
                files++;
            }
        }
        return files;
    }
}
