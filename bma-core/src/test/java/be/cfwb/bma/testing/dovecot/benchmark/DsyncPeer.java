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
 * The second peer of the benchmark: Dovecot's own migration, dsync, as Dovecot documents it for
 * moving mail off another IMAP server: run on the new server, {@code doveadm backup -R -u <user>
 * imapc:} pulls the mailbox from the old server over IMAP (imapc storage, master login,
 * {@code imapc_features = rfc822.size fetch-headers}, {@code mail_prefetch_count = 20}) and writes
 * it into the new server's storage directly, not over IMAP. So the old server is reached through
 * the relay like for every other client, the target is not: that is how dsync is used, and why it
 * cannot write to Exchange. One process per mailbox, {@code threads} at once.
 */
final class DsyncPeer {

    static final Path DOVEADM = Path.of(System.getProperty("bma.benchmark.doveadm", "/usr/bin/doveadm"));

    private DsyncPeer() {
    }

    static boolean isInstalled() {
        return Files.isExecutable(DOVEADM);
    }

    /**
     * Copies every mailbox from {@code source}, reached through the loopback {@code sourcePort},
     * into {@code target}'s storage; returns the CPU time of the doveadm processes, in nanoseconds.
     */
    static long copy(DovecotServer source, int sourcePort, DovecotServer target, List<BmaAddress> mailboxes,
                     int threads, Path work) throws Exception {
        Path config = configuration(source, sourcePort, target, work);
        AtomicLong cpuTicks = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (BmaAddress mailbox : mailboxes) {
                futures.add(pool.submit(() -> {
                    cpuTicks.addAndGet(copyMailbox(config, mailbox.toString()));
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

    /** The target's configuration plus the imapc settings that reach the old server. */
    private static Path configuration(DovecotServer source, int sourcePort, DovecotServer target, Path work)
            throws IOException {
        Path dir = Files.createTempDirectory(work, "dsync-");
        Path config = dir.resolve("dovecot.conf");
        String prefix = source.hierarchy().prefix();
        String conf = "!include " + target.configFile() + "\n"
                + "imapc_host = " + source.host() + "\n"
                + "imapc_port = " + sourcePort + "\n"
                + "imapc_user = %u\n"
                + "imapc_master_user = " + source.masterUser() + "\n"
                + "imapc_password = " + source.masterPassword() + "\n"
                + "imapc_features = rfc822.size fetch-headers\n"
                + (prefix.isEmpty() ? "" : "imapc_list_prefix = " + prefix.replaceAll("[./]$", "") + "\n")
                + "mail_prefetch_count = 20\n";
        Files.writeString(config, conf, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        return config;
    }

    private static long copyMailbox(Path config, String mailbox) throws IOException, InterruptedException {
        // The shell's cutime/cstime, read after doveadm ended and was reaped, are dsync's CPU time.
        Process p = new ProcessBuilder("/bin/sh", "-c",
                "\"$0\" -c \"$1\" backup -R -u \"$2\" imapc: ; rc=$?; cat /proc/$$/stat; exit $rc",
                DOVEADM.toString(), config.toString(), mailbox).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("dsync failed for " + mailbox + " (exit " + p.exitValue() + "): " + out);
        }
        if (Boolean.getBoolean("bma.benchmark.debug")) {
            System.out.println("dsync " + mailbox + ": " + out);
        }
        String stat = out.lines().filter(l -> l.contains(") ")).reduce((a, b) -> b).orElse("");
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
