package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.transfer.CopyTrace;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.TargetTraces;
import be.cfwb.bma.transfer.TraceProbe;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.NotTerm;
import jakarta.mail.search.SearchTerm;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The IMAP {@link TraceProbe}: one login, then per folder (INBOX first) an EXAMINE, read-only, and
 * one {@code UID SEARCH HEADER X-BMA-Source "" NOT HEADER X-BMA-Campaign "<ours>"}; it stops at the
 * first folder that answers, and reads the campaign header of that one message.
 */
public final class ImapTraceProbe implements TraceProbe {

    private static final Logger LOG = LoggerFactory.getLogger(ImapTraceProbe.class);

    private final ImapSession.Sessions sessions;
    private final CredentialSource credentials;
    private final Clock clock;

    private ImapTraceProbe(ImapEndpoint endpoint, CredentialSource credentials, Clock clock) {
        this.sessions = new ImapSession.Sessions(endpoint);
        this.credentials = credentials;
        this.clock = clock;
    }

    public static ImapTraceProbe of(ImapEndpoint endpoint, CredentialSource credentials, Clock clock) {
        return new ImapTraceProbe(endpoint, credentials, clock);
    }

    @Override
    public TargetTraces probe(BmaAddress mailbox, Optional<String> ours) {
        try (ImapSession session = new ImapSession(sessions, credentials.credentialsFor(mailbox), mailbox, clock)) {
            try {
                session.store();
            } catch (LoginRefusedException e) {
                if (e.isShared()) {
                    throw e;
                }
                // We copy with this login: a mailbox that refuses it holds no copy of ours (not created yet).
                LOG.info("{}: the target refuses its login, so it holds no copy of this toolkit", mailbox);
                return TargetTraces.NONE;
            }
            SearchTerm ourTrace = new HeaderTerm(SourceKey.HEADER, "");
            SearchTerm foreign = ours.<SearchTerm>map(c -> new AndTerm(ourTrace,
                    new NotTerm(new HeaderTerm(CopyTrace.CAMPAIGN_HEADER, c)))).orElse(ourTrace);
            for (String name : folders(session)) {
                IMAPFolder folder = (IMAPFolder) session.store().getFolder(name);
                folder.open(Folder.READ_ONLY);
                try {
                    Message[] found = folder.search(foreign);
                    if (found.length > 0) {
                        String[] campaign = found[0].getHeader(CopyTrace.CAMPAIGN_HEADER);
                        return TargetTraces.foreign(campaign == null || campaign.length == 0 ? Optional.empty()
                                : Optional.of(campaign[0].strip()), name);
                    }
                } finally {
                    folder.close(false);
                }
            }
            return TargetTraces.NONE;
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot look for copies on the target of " + mailbox, e);
        }
    }

    /** The selectable folders, INBOX first (where a copied mailbox has copies, nearly always). */
    private static List<String> folders(ImapSession session) throws MessagingException {
        List<String> names = new ArrayList<>();
        names.add("INBOX");
        for (Folder f : session.store().getDefaultFolder().list("*")) {
            IMAPFolder folder = (IMAPFolder) f;
            boolean noselect = Arrays.stream(folder.getAttributes()).anyMatch(a -> a.equalsIgnoreCase("\\Noselect")
                    || a.equalsIgnoreCase("\\NonExistent"));
            if (!noselect && !folder.getFullName().equalsIgnoreCase("INBOX")) {
                names.add(folder.getFullName());
            }
        }
        return names;
    }
}
