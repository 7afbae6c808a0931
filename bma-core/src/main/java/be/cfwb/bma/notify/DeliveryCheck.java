package be.cfwb.bma.notify;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxConnector;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.SourceFolder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Proves that the notification mails reached the old mailbox, the only one the school reads
 * before the cutover. Once the target mailbox exists in the tenant, a mail submitted through
 * Exchange Online to the same address lands in the new mailbox, which the school cannot open
 * yet: "sent" is then not "received". For each mail recorded as sent (the last attempt of each
 * mail) and not yet found, it logs in to the old server read-only, looks for the Message-ID in
 * the INBOX, then in the other folders (a school's filter may have moved it), and records
 * {@code mail.delivered} with the folder. A mail still missing after the delivery wait is
 * reported {@link DeliveryOutcome.Status#UNCONFIRMED}: a problem to watch, and for mail 4 a
 * reason to hold the cutover.
 */
public final class DeliveryCheck {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryCheck.class);

    private final MailboxConnector<MailboxSource> oldServer;
    private final Ledger ledger;
    private final Clock clock;
    private final Duration wait;

    /**
     * @param oldServer the old server's connector (read-only sources)
     * @param wait      how long after {@code mail.sent} a mail not found is still pending
     */
    public DeliveryCheck(MailboxConnector<MailboxSource> oldServer, Ledger ledger, Clock clock, Duration wait) {
        this.oldServer = oldServer;
        this.ledger = ledger;
        this.clock = clock;
        this.wait = wait;
    }

    /** Looks for every sent mail of {@code mailboxes} not yet found; one login per mailbox that needs it. */
    public DeliveryResult run(Collection<BmaAddress> mailboxes) {
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        for (BmaAddress mailbox : mailboxes) {
            outcomes.addAll(one(mailbox));
        }
        return new DeliveryResult(outcomes);
    }

    private List<DeliveryOutcome> one(BmaAddress mailbox) {
        List<LedgerEvent> history = ledger.history(mailbox);
        Map<Integer, LedgerEvent> sent = new TreeMap<>();
        Map<String, String> deliveredIn = new HashMap<>();
        for (LedgerEvent e : history) {
            if (e.type().equals(EventTypes.MAIL_SENT) && e.get("message_id").isPresent()) {
                e.get("mail").map(Integer::valueOf).ifPresent(n -> sent.put(n, e));
            } else if (e.type().equals(EventTypes.MAIL_DELIVERED)) {
                e.get("message_id").ifPresent(id -> deliveredIn.put(id, e.get("folder").orElse("")));
            }
        }
        List<DeliveryOutcome> outcomes = new ArrayList<>();
        Map<Integer, LedgerEvent> missing = new TreeMap<>();
        sent.forEach((n, e) -> {
            String id = e.get("message_id").orElseThrow();
            if (deliveredIn.containsKey(id)) {
                outcomes.add(new DeliveryOutcome(mailbox, n, id, e.at(), DeliveryOutcome.Status.ALREADY_DELIVERED,
                        Optional.of(deliveredIn.get(id)), "found before"));
            } else {
                missing.put(n, e);
            }
        });
        if (missing.isEmpty()) {
            return outcomes;
        }
        Map<String, FolderPath> found = new HashMap<>();
        String failure = "";
        try (MailboxSource source = oldServer.open(mailbox)) {
            List<FolderPath> folders = source.folders().stream().filter(SourceFolder::holdsMessages)
                    .map(SourceFolder::path)
                    .sorted(Comparator.comparing((FolderPath f) -> !f.isInbox()).thenComparing(Comparator.naturalOrder()))
                    .toList();
            for (FolderPath folder : folders) {
                for (LedgerEvent e : missing.values()) {
                    String id = e.get("message_id").orElseThrow();
                    if (!found.containsKey(id) && !source.findByMessageId(folder, id).isEmpty()) {
                        found.put(id, folder);
                    }
                }
                if (found.size() == missing.size()) {
                    break;
                }
            }
        } catch (BmaException e) {
            // The old server's trouble is reported with the mails it leaves unconfirmed; it stops nothing.
            failure = "; the old mailbox could not be read: " + e.getMessage();
            LOG.warn("Cannot look for the notification mails of {} in the old mailbox: {}", mailbox, e.getMessage());
        }
        Instant now = clock.instant();
        String problem = failure;
        missing.forEach((n, e) -> {
            String id = e.get("message_id").orElseThrow();
            FolderPath folder = found.get(id);
            if (folder != null) {
                ledger.append(LedgerEntry.of(EventTypes.MAIL_DELIVERED).mailbox(mailbox).with("mail", n)
                        .with("message_id", id).with("folder", folder.encoded()));
                outcomes.add(new DeliveryOutcome(mailbox, n, id, e.at(), DeliveryOutcome.Status.DELIVERED,
                        Optional.of(folder.encoded()), "found in " + folder));
            } else if (now.isBefore(e.at().plus(wait))) {
                outcomes.add(new DeliveryOutcome(mailbox, n, id, e.at(), DeliveryOutcome.Status.PENDING, Optional.empty(),
                        "not in the old mailbox yet (sent " + e.at() + ", waiting up to " + wait.toMinutes() + " min)"
                                + problem));
            } else {
                LOG.warn("Mail {} to {} <{}> is not in the old mailbox {} min after it was sent", n, mailbox, id,
                        Duration.between(e.at(), now).toMinutes());
                outcomes.add(new DeliveryOutcome(mailbox, n, id, e.at(), DeliveryOutcome.Status.UNCONFIRMED,
                        Optional.empty(), "not in the old mailbox " + Duration.between(e.at(), now).toMinutes()
                        + " min after it was sent: check that the SMTP server delivers to the old mailboxes,"
                        + " not to Exchange Online" + problem));
            }
        });
        outcomes.sort(Comparator.comparingInt(DeliveryOutcome::mail));
        return outcomes;
    }
}
