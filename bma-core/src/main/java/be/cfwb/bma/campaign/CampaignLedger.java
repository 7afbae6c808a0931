package be.cfwb.bma.campaign;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.transfer.TargetTraces;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A ledger's campaign, through the ledger's public API only (so on any backend): its id is the
 * run-wide event {@value #CREATED}, written before the first thing a campaign records (or, for a
 * ledger written before campaigns had ids, at its first write since); an explicit adoption of a
 * mailbox's target state is {@value #ADOPTED} for that mailbox. Both are read from the ledger's
 * index (the last event of each kind), never by reading the journal.
 */
public final class CampaignLedger {

    /** Run-wide: the ledger's campaign id ({@code id}). */
    public static final String CREATED = "campaign.created";
    /** Per mailbox: ops adopted what its target holds ({@code found}: the other campaign or {@code none}; {@code by}). */
    public static final String ADOPTED = "campaign.adopted";

    private CampaignLedger() {
    }

    /** The ledger's campaign, if it has one yet. */
    public static Optional<CampaignId> of(Ledger ledger) {
        return ledger.lastOfEachKind().stream().filter(e -> e.type().equals(CREATED))
                .flatMap(e -> e.get("id").stream()).findFirst().map(CampaignId::new);
    }

    /** The ledger's campaign, recorded now if it has none (the ledger must be writable). */
    public static CampaignId ensure(Ledger ledger, Clock clock) {
        Optional<CampaignId> existing = of(ledger);
        if (existing.isPresent()) {
            return existing.get();
        }
        CampaignId id = CampaignId.generate(clock);
        // How many events it held tells a ledger that got its id late from one that was born with it.
        ledger.append(LedgerEntry.of(CREATED).with("id", id.value()).with("events_before", ledger.size()));
        return id;
    }

    /**
     * True if the ledger has dealt with {@code mailbox}'s mails (a mail or a password recorded,
     * sent or not) or adopted its target: its target's copies are then this campaign's business.
     */
    public static boolean knows(Ledger ledger, BmaAddress mailbox) {
        List<LedgerEvent> kinds = ledger.lastOfEachKind(mailbox);
        return kinds.stream().anyMatch(e -> e.type().equals(ADOPTED) || e.event() instanceof Event.MailSending
                || e.event() instanceof Event.MailSent || e.event() instanceof Event.MailFailed
                || e.event() instanceof Event.CredentialIssued);
    }

    /** The adoption of {@code mailbox}, if recorded. */
    public static Optional<LedgerEvent> adoption(Ledger ledger, BmaAddress mailbox) {
        return ledger.latest(mailbox, ADOPTED);
    }

    /** Records that {@code by} adopted what {@code mailbox}'s target holds, as {@code found}. */
    public static LedgerEvent adopt(Ledger ledger, BmaAddress mailbox, TargetTraces found, String by) {
        return ledger.append(LedgerEntry.of(ADOPTED).mailbox(mailbox).with("found", found.campaign().orElse("none"))
                .with("where", found.where()).with("by", by));
    }
}
