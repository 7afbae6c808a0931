package be.cfwb.bma.ledger.pg;

import be.cfwb.bma.Bma;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The done-when test of the shared ledger: three runner processes ({@link SharedRunnerChild}) run the
 * same days of 30 mailboxes on the same servers and one PostgreSQL ledger: the day of their mail 1
 * and their one migration day (a one-day window), a few messages each, leases of seconds; one is
 * SIGKILLed in the middle of an APPEND. The other two take over its mailboxes once its leases expire, and in the end
 * every mailbox is verified, every message is on the target once, every notification mail was sent
 * once, and no target mailbox was worked by two runners at once.
 */
@Tag("postgres")
class SharedRunnersTest {

    private static final int SAMPLE = 3;

    @TempDir
    Path temp;

    @Test
    void threeRunnersShareADayAndOneKilledLosesAndDuplicatesNothing() throws Exception {
        phase("start");
        PostgresServer pg = PostgresServer.shared();
        phase("postgres");
        try (GreenMailFixture target = GreenMailFixture.start()) {
            GreenMail old = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
            old.start();
            try {
                run(pg, old, target);
            } finally {
                old.stop();
            }
        }
    }

    private void run(PostgresServer pg, GreenMail old, GreenMailFixture target) throws Exception {
        ImapEndpoint oldImap = ImapEndpoint.parse("imap://127.0.0.1:" + old.getImap().getPort(), "old");
        for (BmaAddress a : SharedRunnerChild.MAILBOXES) {
            old.setUser(a.toString(), a.toString(), "pw-" + a.localPart());
            target.createUser(a, "pw-" + a.localPart());
            try (MailboxSeeder seeder = MailboxSeeder.connect(oldImap, a.toString(), "pw-" + a.localPart())) {
                SampleMailboxes.seed(seeder, a, SAMPLE);
            }
        }
        phase("servers and 30 mailboxes seeded");
        LedgerLocation.Database ledger = pg.newDatabase(temp.resolve("parent-files"));
        Bma parent = SharedRunnerChild.bma(ledger, old.getImap().getPort(), old.getSmtp().getPort(),
                target.imapEndpoint().port(), temp.resolve("parent"), "parent", false);
        TreeSet<LocalDate> days = new TreeSet<>();
        for (PlannedMailbox p : parent.plan(MailboxSelection.all()).plan().mailboxes()) {
            days.add(p.mailDate(1));
            days.add(p.migrationDate());
        }
        assertThat(days).as("the day of mail 1 and the one migration day").hasSize(2).contains(SharedRunnerChild.DAY);

        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        long[] killedAt = new long[1];
        CountDownLatch doomedReady = new CountDownLatch(1);
        List<Process> runners = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "r" + i;
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // Short-lived JVMs: quick compiles and a small heap start and run them faster on a busy machine.
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                    "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                    "-cp", System.getProperty("java.class.path"), SharedRunnerChild.class.getName(), name, ledger.url(),
                    Integer.toString(old.getImap().getPort()), Integer.toString(old.getSmtp().getPort()),
                    Integer.toString(target.imapEndpoint().port()), temp.toString(), Boolean.toString(i == 0)));
            days.forEach(d -> command.add(d.toString()));
            // Logs apart: a log line written between a BEGIN/END line and its newline would hide it.
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(temp.resolve(name + ".err").toFile());
            builder.environment().put("BMA_LEDGER_PASSWORD", pg.login().password().reveal());
            Process process = builder.start();
            runners.add(process);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                        if (line.startsWith("READY r0")) {
                            doomedReady.countDown();
                        }
                        if (line.startsWith("AT append")) {
                            killedAt[0] = System.currentTimeMillis();
                            process.destroyForcibly(); // SIGKILL: no finally, no shutdown hook, leases left held
                        }
                    }
                } catch (java.io.IOException e) {
                    lines.add("READ FAILED " + e);
                }
            });
            reader.start();
            readers.add(reader);
            if (i == 0) {
                // The doomed runner starts first, so that it holds mailboxes when it dies.
                assertThat(doomedReady.await(60, TimeUnit.SECONDS)).as("runner 0 started: %s", lines).isTrue();
            }
        }
        try {
            for (Process p : runners) {
                assertThat(p.waitFor(8, TimeUnit.MINUTES)).as("runner finished: %s", tail(lines)).isTrue();
            }
            for (Thread t : readers) {
                t.join(10_000);
            }
        } finally {
            // The runners' output and logs (with times) kept for a look when this fails or is slow.
            Path kept = Files.createDirectories(Path.of("target", "shared-runners"));
            Files.write(kept.resolve("runners.out"), tail(lines, Integer.MAX_VALUE));
            for (int i = 0; i < runners.size(); i++) {
                runners.get(i).destroyForcibly();
                Files.copy(temp.resolve("r" + i + ".err"), kept.resolve("r" + i + ".err"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        phase("runners done");
        Files.write(Path.of("target", "shared-runners", "timing.txt"), timing);
        assertThat(killedAt[0]).as("runner 0 was killed in an APPEND: %s", tail(lines)).isPositive();
        assertThat(lines).as("the survivors finished every day").contains("FINISHED r1", "FINISHED r2");

        // Every mailbox verified, in the shared ledger.
        try (Ledger reader = ledger.openReadOnly(Clock.systemUTC())) {
            for (BmaAddress a : SharedRunnerChild.MAILBOXES) {
                assertThat(MailboxStep.of(reader.lastOfEachKind(a))).as(a.toString()).isEqualTo(MailboxStep.VERIFIED);
            }
            // Every notification mail sent once: four per mailbox in the ledger, and each of them received once.
            List<LedgerEvent> sent = reader.events(e -> e.event() instanceof Event.MailSent);
            assertThat(sent).hasSize(4 * SharedRunnerChild.MAILBOXES.size());
            Map<String, Long> received = new HashMap<>();
            for (MimeMessage m : old.getReceivedMessages()) {
                // GreenMail also counts the seeded messages; the notifications are ours.
                if (messageId(m).startsWith("bma.mail")) {
                    received.merge(messageId(m), 1L, Long::sum);
                }
            }
            assertThat(received.values()).as("no mail received twice").containsOnly(1L);
            assertThat(received).hasSize(sent.size());
            assertThat(sent).allSatisfy(e -> assertThat(received).containsKey(bare(((Event.MailSent) e.event()).messageId())));
        }
        // Every message once on the target: the sample and the four mails, no duplicate.
        for (BmaAddress a : SharedRunnerChild.MAILBOXES) {
            try (MailboxInspector inspector = MailboxInspector.connect(target.imapEndpoint(), a.toString(), "pw-" + a.localPart())) {
                List<String> ids = new ArrayList<>();
                for (FolderPath f : inspector.folders()) {
                    inspector.messages(f).forEach(m -> ids.add(m.messageId().orElse("uid " + m.uid())));
                }
                assertThat(ids).as(a.toString()).hasSize(SAMPLE + 4).doesNotHaveDuplicates();
            }
        }
        assertNoMailboxWorkedByTwoRunnersAtOnce(lines, killedAt[0]);
    }

    private record Session(String runner, long begin, long end) {
    }

    /** Where the test's time goes: each phase's wall time and this JVM's CPU so far (the runners print theirs). */
    private final List<String> timing = new ArrayList<>();
    private long phaseStart = System.nanoTime();

    private void phase(String name) {
        long now = System.nanoTime();
        timing.add(name + ": " + (now - phaseStart) / 1_000_000 + " ms wall, test JVM CPU so far "
                + ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L) + " ms");
        phaseStart = now;
    }

    private static void assertNoMailboxWorkedByTwoRunnersAtOnce(List<String> lines, long killedAt) {
        Map<String, List<Session>> sessions = new HashMap<>();
        Map<String, List<long[]>> open = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length != 4 || !(f[0].equals("BEGIN") || f[0].equals("END"))) {
                continue;
            }
            String key = f[1] + " " + f[2];
            if (f[0].equals("BEGIN")) {
                open.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[] {Long.parseLong(f[3])});
            } else {
                long begin = open.get(key).remove(0)[0];
                sessions.computeIfAbsent(f[2], k -> new ArrayList<>()).add(new Session(f[1], begin, Long.parseLong(f[3])));
            }
        }
        open.values().removeIf(List::isEmpty);
        open.forEach((key, left) -> {
            assertThat(key).as("only the killed runner leaves a session open").startsWith("r0 ");
            left.forEach(b -> sessions.computeIfAbsent(key.split(" ")[1], k -> new ArrayList<>())
                    .add(new Session("r0", b[0], killedAt)));
        });
        assertThat(sessions.keySet()).hasSize(SharedRunnerChild.MAILBOXES.size());
        Map<String, Long> byRunner = sessions.values().stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(Session::runner, Collectors.counting()));
        assertThat(byRunner).as("the survivors both worked").containsKeys("r0", "r1", "r2");
        sessions.forEach((mailbox, list) -> {
            for (Session a : list) {
                for (Session b : list) {
                    if (!a.runner().equals(b.runner())) {
                        assertThat(a.begin() < b.end() && b.begin() < a.end())
                                .as("%s worked by %s and %s at once", mailbox, a, b).isFalse();
                    }
                }
            }
        });
    }

    private static String messageId(MimeMessage m) {
        try {
            return bare(m.getMessageID());
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String bare(String messageId) {
        return messageId == null ? "" : messageId.strip().replaceAll("^<|>$", "");
    }

    private static List<String> tail(List<String> lines) {
        return tail(lines, 40);
    }

    private static List<String> tail(List<String> lines, int count) {
        synchronized (lines) {
            return new ArrayList<>(lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }
    }
}
