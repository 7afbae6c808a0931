package be.cfwb.bma.ledger.pg;

import be.cfwb.bma.Bma;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.DateRange;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.ledger.LeaseSettings;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.lifecycle.Stage;
import be.cfwb.bma.lifecycle.StageOutcome;
import be.cfwb.bma.notify.NotificationLinks;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.ForwardingTarget;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One of the runners of {@link SharedRunnersTest}, in a JVM of its own: runs the given days through
 * {@code Bma.run} on the shared PostgreSQL ledger, printing {@code BEGIN}/{@code END} (runner,
 * mailbox, epoch millis) around each session on a target mailbox. The doomed runner announces
 * {@code AT append} in the middle of its third APPEND and freezes there, for the parent's SIGKILL.
 * Leases are short ({@link #LEASES}) so that the survivors take the dead runner's mailboxes over
 * within seconds.
 * Arguments: runner name, ledger URL, old IMAP port, old SMTP port, target IMAP port, work dir,
 * doomed (true/false), then the days; the ledger password comes in {@code BMA_LEDGER_PASSWORD}.
 */
public final class SharedRunnerChild {

    static final List<BmaAddress> MAILBOXES = java.util.stream.IntStream.rangeClosed(1, 30)
            .mapToObj(i -> BmaAddress.parse(String.format("ec%06d@adm.cfwb.be", 5000 + i))).toList();
    static final Instant START = Instant.parse("2024-09-30T06:00:00Z");
    /** The one migration day of all 30 mailboxes. */
    static final LocalDate DAY = LocalDate.of(2024, 11, 4);
    /**
     * Short leases, so that the test waits seconds, not minutes, for the killed runner's: renewed
     * every 0.4 s, a live runner keeps its mailboxes unless stalled for over three seconds.
     */
    static final LeaseSettings LEASES = new LeaseSettings(Duration.ofSeconds(4), Duration.ofMillis(400),
            Duration.ofMillis(200), Clock.systemUTC());

    private SharedRunnerChild() {
    }

    public static void main(String[] args) {
        String runner = args[0];
        boolean doomed = Boolean.parseBoolean(args[6]);
        LedgerLocation.Database ledger = new LedgerLocation.Database(args[1],
                Optional.of(new Login(PostgresServer.USER, Secret.of(System.getenv("BMA_LEDGER_PASSWORD")))),
                Path.of(args[5], runner, "ledger-files"), LEASES);
        Bma bma = bma(ledger, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                Path.of(args[5], runner), runner, doomed);
        System.out.println("READY " + runner);
        System.out.flush();
        CutoverHook hook = CutoverHook.parse("true", Path.of(args[5]), Duration.ofSeconds(10));
        for (String day : Arrays.asList(args).subList(7, args.length)) {
            RunResult result = bma.run(LocalDate.parse(day), MailboxSelection.all(), Optional.of(hook), timing(runner));
            System.out.println("DAY " + day + " at " + Instant.now() + " " + runner + " " + result.due().size() + " mailboxes, stages ok: "
                    + result.stages().stream().allMatch(s -> s.success()));
        }
        System.out.println("FINISHED " + runner);
        // What the runner cost the machine, whatever else runs on it: the test's time on a quiet machine.
        System.out.println("CPU " + runner + " " + ProcessHandle.current().info().totalCpuDuration()
                .map(Duration::toMillis).orElse(-1L) + " ms");
    }

    /** Each stage's time on stderr (the runner's log), to see where a slow run spends it. */
    private static RunListener timing(String runner) {
        Map<Stage, Long> started = new EnumMap<>(Stage.class);
        return new RunListener() {
            @Override
            public void stageStarted(Stage stage, int mailboxes) {
                started.put(stage, System.nanoTime());
            }

            @Override
            public void stageFinished(StageOutcome outcome) {
                Long start = started.remove(outcome.stage());
                if (start != null) {
                    System.err.println("STAGE " + runner + " " + outcome.stage() + " " + outcome.mailboxes().size() + " "
                            + (System.nanoTime() - start) / 1_000_000 + " ms");
                }
            }
        };
    }

    static Bma bma(LedgerLocation ledger, int oldImap, int oldSmtp, int newImap, Path dir, String runner, boolean doomed) {
        Clock clock = Clock.fixed(START, ZoneId.of("Europe/Brussels"));
        Inventory inventory = Inventory.of(MAILBOXES.stream().map(a -> Mailbox.of(a, "École " + a.localPart())).toList());
        CredentialIssuer issuer = new CredentialIssuer() {
            @Override
            public void issue(BmaAddress mailbox, Secret password) {
                // the password goes nowhere in this test
            }

            @Override
            public String description() {
                return "test issuer";
            }
        };
        NotificationSettings notifications = NotificationSettings.builder()
                .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://enseignement.be/t1",
                        "https://enseignement.be/t2"))
                .notifier(new SmtpNotifier(SmtpSettings.loopback(oldSmtp), d -> { }))
                .sleeper(d -> { })
                .credentialIssuer(issuer)
                .build();
        TransferSettings transfer = TransferSettings.builder()
                .imapSource(ImapEndpoint.parse("imap://127.0.0.1:" + oldImap, "old"), SharedRunnerChild::password, clock)
                .imapTarget(ImapEndpoint.parse("imap://127.0.0.1:" + newImap, "new"), SharedRunnerChild::password, clock)
                .folderMapper(FolderMapper.exchange())
                .spoolDirectory(dir.resolve("spool"))
                .retries(2, Duration.ofMillis(10))
                .build();
        AtomicInteger appends = new AtomicInteger();
        TransferSettings watched = transfer.withConnectors(transfer.source(), m -> {
            MailboxTarget target = transfer.target().open(m);
            System.out.println("BEGIN " + runner + " " + m + " " + System.currentTimeMillis());
            System.out.flush();
            return new ForwardingTarget(target) {
                @Override
                public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
                    if (doomed && appends.incrementAndGet() == 3) {
                        System.out.println("AT append " + m);
                        System.out.flush();
                        while (true) {
                            try {
                                Thread.sleep(60_000);
                            } catch (InterruptedException e) {
                                // wait for the kill
                            }
                        }
                    }
                    return super.append(folder, message);
                }

                @Override
                public void close() {
                    System.out.println("END " + runner + " " + m + " " + System.currentTimeMillis());
                    System.out.flush();
                    super.close();
                }
            };
        });
        // One day for all 30 (a one-day window): the day the runners share, and the day of their mail 1 before it.
        PlanningSettings planning = PlanningSettings.defaults2024().toBuilder().window(BmaKind.EC, DateRange.day(DAY))
                .capacity(BmaKind.EC, 30).mailsPerHour(100_000).build();
        return Bma.configure().inventory(inventory).ledger(ledger).planning(planning).outputDirectory(dir.resolve("out"))
                .clock(clock).allowFutureDate(true).notifications(notifications).transfer(watched).load();
    }

    static MailboxCredentials password(BmaAddress mailbox) {
        return new MailboxCredentials.Password(mailbox.toString(), Secret.of("pw-" + mailbox.localPart()));
    }
}
