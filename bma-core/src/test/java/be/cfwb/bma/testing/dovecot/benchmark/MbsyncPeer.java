package be.cfwb.bma.testing.dovecot.benchmark;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.dovecot.DovecotServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer reference of the benchmark: isync's {@code mbsync} (Debian package {@code isync})
 * pulling every mailbox from the source Dovecot to a target Dovecot, one process per mailbox,
 * {@code threads} at once, master logins on both sides, arrival dates kept. Not a dependency:
 * the benchmark skips it with a message where {@code mbsync} is absent.
 */
final class MbsyncPeer {

    static final Path MBSYNC = Path.of(System.getProperty("bma.benchmark.mbsync", "/usr/bin/mbsync"));

    private MbsyncPeer() {
    }

    /** {@code isync 1.4.4}, as the binary tells it. */
    static String version() {
        try {
            Process p = new ProcessBuilder(MBSYNC.toString(), "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return v;
        } catch (IOException e) {
            return "mbsync";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "mbsync";
        }
    }

    static boolean isInstalled() {
        return Files.isExecutable(MBSYNC);
    }

    /** Runs the copy; returns the CPU time of the mbsync processes, in nanoseconds. */
    static long copy(DovecotServer source, DovecotServer target, List<BmaAddress> mailboxes, int threads, Path work)
            throws Exception {
        return copy(source, source.imapPort(), target, target.imapPort(), mailboxes, threads, work);
    }

    /**
     * As {@link #copy(DovecotServer, DovecotServer, List, int, Path)}, reaching each server through
     * a loopback port of its own (a relay's).
     */
    static long copy(DovecotServer source, int sourcePort, DovecotServer target, int targetPort,
                     List<BmaAddress> mailboxes, int threads, Path work) throws Exception {
        AtomicLong cpuTicks = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (BmaAddress mailbox : mailboxes) {
                futures.add(pool.submit(() -> {
                    cpuTicks.addAndGet(copyMailbox(source, sourcePort, target, targetPort, mailbox.toString(), work));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return cpuTicks.get() * 10_000_000L; // USER_HZ = 100
    }

    private static long copyMailbox(DovecotServer source, int sourcePort, DovecotServer target, int targetPort,
                                    String mailbox, Path work) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(work, "mbsync-");
        Path state = Files.createDirectories(dir.resolve("state"));
        Path config = dir.resolve("mbsyncrc");
        String conf = account("far", source, sourcePort, mailbox) + account("near", target, targetPort, mailbox)
                + "Channel copy\nFar :far:\nNear :near:\nPatterns *\nCreate Near\nSync Pull\nExpunge None\n"
                + "Remove None\nCopyArrivalDate yes\nSyncState " + state + "/\n";
        Files.writeString(config, conf, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        // The shell's cutime/cstime, read after mbsync ended and was reaped, are mbsync's CPU time.
        Process p = new ProcessBuilder("/bin/sh", "-c", "\"$0\" -q -c \"$1\" copy; rc=$?; cat /proc/$$/stat; exit $rc",
                MBSYNC.toString(), config.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("mbsync failed for " + mailbox + " (exit " + p.exitValue() + "): " + out);
        }
        if (Boolean.getBoolean("bma.benchmark.debug")) {
            System.out.println("mbsync " + mailbox + ": " + out);
        }
        String stat = out.lines().filter(l -> l.contains(") ")).reduce((a, b) -> b).orElse("");
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    private static String account(String name, DovecotServer server, int port, String mailbox) {
        return "IMAPAccount " + name + "\nHost " + server.host() + "\nPort " + port + "\nUser "
                + server.masterLogin(mailbox) + "\nPass " + server.masterPassword() + "\nSSLType None\n"
                + "AuthMechs PLAIN LOGIN\n\nIMAPStore " + name + "\nAccount " + name + "\n\n";
    }
}
