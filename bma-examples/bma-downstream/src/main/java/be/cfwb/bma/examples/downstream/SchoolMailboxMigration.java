package be.cfwb.bma.examples.downstream;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.MigrateResult;
import be.cfwb.bma.PlanResult;
import be.cfwb.bma.VerifyResult;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.graph.GraphConnection;
import be.cfwb.bma.graph.GraphTarget;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What a downstream FW-B system (say, the schools' administration portal) writes around the
 * library: "migrate these schools' mailboxes now" — plan them, copy their mail to Exchange,
 * verify — with the schools looked up in the bundled open-data inventory.
 */
public final class SchoolMailboxMigration {

    /** What one call did: the plan rows, the copy and the verification, each with its report file. */
    public record Outcome(PlanResult plan, MigrateResult copy, VerifyResult verification) {

        /** True if every message of every mailbox is on Exchange, verified. */
        public boolean isSuccess() {
            return copy.isSuccess() && verification.isSuccess();
        }
    }

    private final Path workDirectory;
    private final Clock clock;
    private final TransferSettings transfer;

    /**
     * @param workDirectory where the ledger ({@code ledger/}) and the reports ({@code reports/}) go
     * @param transfer      the servers and credentials, e.g. {@link #toExchange}
     */
    public SchoolMailboxMigration(Path workDirectory, Clock clock, TransferSettings transfer) {
        this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.transfer = Objects.requireNonNull(transfer, "transfer");
    }

    /** From the old IMAP server (one login per mailbox) to Exchange through Graph; {@code build()} it, or tune it first. */
    public static TransferSettings.Builder toExchange(ImapEndpoint oldServer, CredentialSource oldLogins, GraphConnection exchange,
                                              Clock clock) {
        return GraphTarget.configure(TransferSettings.builder(), exchange)
                .imapSource(oldServer, oldLogins, clock)
                .folderMapper(FolderMapper.exchange())
                .parallelism(2);
    }

    /**
     * Plans, copies (the pre-stage pass) and verifies {@code addresses}. A mailbox that fails is
     * in the outcome, not an exception: the others are migrated all the same.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_ADDRESS} naming an address that is not a
     *                      school's mailbox in the open data, before anything is done
     */
    public Outcome migrate(Collection<String> addresses) {
        Inventory all = Inventory.bundledOpenData();
        List<Mailbox> schools = addresses.stream().map(a -> {
            BmaAddress address = BmaAddress.parse(a);
            return all.find(address).orElseThrow(() -> new BmaException(BmaErrorCode.INVALID_ADDRESS,
                    address + " is not in the FW-B open-data inventory"));
        }).toList();
        Bma bma = Bma.configure()
                .inventory(Inventory.of(schools))
                .ledgerDirectory(workDirectory.resolve("ledger"))
                .outputDirectory(workDirectory.resolve("reports"))
                .clock(clock)
                .transfer(transfer)
                .load();
        PlanResult plan = bma.plan(MailboxSelection.all());
        MigrateResult copy = bma.migrate(MailboxSelection.all(), Pass.PRESTAGE);
        VerifyResult verification = bma.verify(MailboxSelection.all());
        return new Outcome(plan, copy, verification);
    }
}
