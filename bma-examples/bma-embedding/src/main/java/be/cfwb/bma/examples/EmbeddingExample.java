package be.cfwb.bma.examples;

import be.cfwb.bma.Bma;
import be.cfwb.bma.MigrateResult;
import be.cfwb.bma.PlanResult;
import be.cfwb.bma.VerifyResult;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.credentials.CredentialsFile;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;

/**
 * How another FW-B system uses the toolkit: configure once (inventory, ledger, servers), then
 * plan, copy and verify a few mailboxes, reading the results as values.
 *
 * <pre>
 * java be.cfwb.bma.examples.EmbeddingExample imaps://old.example:993 old-passwords.csv \
 *      imaps://outlook.office365.com:993 new-passwords.csv ec001394,po000478 [work-directory]
 * </pre>
 *
 * The passwords files hold {@code address;password} lines. Exit status 0 when every message
 * is on the new server, verified.
 */
public final class EmbeddingExample {

    private EmbeddingExample() {
    }

    public static void main(String[] args) {
        if (args.length < 5) {
            System.err.println("usage: EmbeddingExample OLD_URL OLD_PASSWORDS NEW_URL NEW_PASSWORDS MAILBOXES [WORK_DIR]");
            System.exit(2);
        }
        Path work = Path.of(args.length > 5 ? args[5] : "bma-work");
        boolean ok = run(args[0], Path.of(args[1]), args[2], Path.of(args[3]), args[4], work,
                Clock.system(ZoneId.of("Europe/Brussels")), System.out);
        System.exit(ok ? 0 : 1);
    }

    /** Plans, copies and verifies {@code mailboxes}; prints what happened; true if all is verified. */
    static boolean run(String oldUrl, Path oldPasswords, String newUrl, Path newPasswords, String mailboxes, Path work,
                       Clock clock, PrintStream out) {
        MailboxSelection selection = MailboxSelection.parse(mailboxes);
        Bma bma = Bma.configure()
                .inventory(Inventory.bundledOpenData().select(selection))
                .ledgerDirectory(work.resolve("ledger"))
                .outputDirectory(work.resolve("reports"))
                .clock(clock)
                .transfer(TransferSettings.builder()
                        .imapSource(ImapEndpoint.parse(oldUrl, "old server"), CredentialsFile.read(oldPasswords), clock)
                        .imapTarget(ImapEndpoint.parse(newUrl, "new server"), CredentialsFile.read(newPasswords), clock)
                        .build())
                .load();

        PlanResult plan = bma.plan(selection);
        for (PlannedMailbox p : plan.selected()) {
            out.printf("planned  %s  migration %s, mail 1 at %s  (%s)%n", p.address(), p.migrationDate(), p.mailAt(1),
                    p.mailbox().name());
        }

        MigrateResult copy = bma.migrate(selection, Pass.PRESTAGE);
        for (MailboxReport r : copy.report().mailboxes()) {
            out.printf("copied   %s  %d of %d messages%s%n", r.mailbox(), r.copied() + r.alreadyPresent(), r.found(),
                    r.isComplete() ? "" : "  INCOMPLETE: " + String.join("; ", r.problems()));
        }

        VerifyResult verification = bma.verify(selection);
        out.println(verification.summaryLine());
        out.println("reports in " + bma.outputDirectory());
        return copy.isSuccess() && verification.isSuccess();
    }
}
