package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.MailboxConnector;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.RetryStats;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TargetMessage;
import be.cfwb.bma.transfer.TransferException;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjIntConsumer;

/**
 * Writes to a mailbox over IMAP: folders by {@link TargetFolders}, the copies listed by their
 * trace header {@value SourceKey#HEADER} by {@link TargetListing}, messages stored by
 * {@link ImapAppender} (the trace header and the campaign's, {@link MessageToCopy#traceHeader},
 * prepended: the only byte change); moves and flag updates here, on the selected folder.
 */
public final class ImapTarget implements MailboxTarget {

    private final ImapSession session;
    private final TargetFolders folders;
    private final TargetListing listing;
    private final ImapAppender appender;
    private IMAPFolder selected;
    private String selectedName;

    /** @param beside the folders of another open connection of the same mailbox, shared; null for a listing of its own */
    private ImapTarget(ImapSession session, TargetFolders beside) {
        this.session = session;
        this.folders = new TargetFolders(session, this::commandFolder, beside);
        this.listing = new TargetListing(session.mailbox());
        this.appender = new ImapAppender(session, this::commandFolder);
    }

    /** Opens targets on {@code endpoint} with the credentials {@code credentials} gives each mailbox. */
    public static MailboxConnector<MailboxTarget> connector(ImapEndpoint endpoint, CredentialSource credentials, Clock clock) {
        return new Connector(new ImapSession.Sessions(endpoint), credentials, clock);
    }

    /** Opens targets; a further one of a mailbox shares the folder list its first one read. */
    private record Connector(ImapSession.Sessions sessions, CredentialSource credentials, Clock clock)
            implements MailboxConnector<MailboxTarget> {
        @Override
        public MailboxTarget open(BmaAddress mailbox) {
            return opened(mailbox, null);
        }

        @Override
        public MailboxTarget openBeside(BmaAddress mailbox, MailboxTarget beside) {
            // Spares the LIST "" "*" the further connection's first folder would cost.
            return opened(mailbox, beside instanceof ImapTarget other && other.mailbox().equals(mailbox) ? other.folders : null);
        }

        private MailboxTarget opened(BmaAddress mailbox, TargetFolders beside) {
            ImapTarget target = new ImapTarget(new ImapSession(sessions, credentials.credentialsFor(mailbox), mailbox, clock),
                    beside);
            target.session.store();
            return target;
        }
    }

    @Override
    public BmaAddress mailbox() {
        return session.mailbox();
    }

    @Override
    public Optional<Character> reservedNameCharacter() {
        try {
            char c = folders.serverSeparator();
            return c == 0 ? Optional.empty() : Optional.of(c);
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read the hierarchy separator of " + mailbox(), e);
        }
    }

    /** The full IMAP name of a target folder, resolving its well-known base. */
    String fullName(TargetFolder folder) throws MessagingException {
        return folders.fullName(folder);
    }

    @Override
    public void ensureFolder(TargetFolder folder) {
        folders.ensure(folder);
    }

    @Override
    public void prepareFolders(List<TargetFolder> wanted) {
        folders.prepare(wanted);
    }

    private IMAPFolder select(String name) throws MessagingException {
        if (session.needsReconnect()) {
            selected = null;
        }
        if (selected != null && name.equals(selectedName) && selected.isOpen()) {
            return selected;
        }
        closeSelected();
        if (!folders.exists(name)) {
            return null;
        }
        IMAPFolder folder = (IMAPFolder) session.store().getFolder(name);
        folder.open(Folder.READ_WRITE);
        selected = folder;
        selectedName = name;
        return folder;
    }

    @Override
    public List<TargetMessage> messages(TargetFolder target) {
        try {
            String name = fullName(target);
            if (folders.takeCreatedEmpty(name)) {
                return List.of(); // this session created it a moment ago: no SELECT, no listing
            }
            IMAPFolder folder = select(name);
            return folder == null ? List.of() : listing.list(folder, target);
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read the messages of " + target + " in " + mailbox(), e);
        }
    }

    /**
     * The folder a command that names its mailbox (APPEND, LIST, CREATE) goes through: the selected
     * one, whichever it is (IMAP allows them in the selected state), else the store's. Neither
     * costs an UNSELECT nor a second login.
     */
    private IMAPFolder commandFolder() throws MessagingException {
        return session.channel(selected);
    }

    @Override
    public Optional<Duration> roundTrip() {
        return session.roundTrip(selected);
    }

    @Override
    public AppendOutcome append(TargetFolder target, MessageToCopy message) {
        try {
            return appender.append(fullName(target), target, message);
        } catch (MessagingException e) {
            throw ImapErrors.translate("APPEND of " + message.key() + " to " + target + " failed", e);
        }
    }

    @Override
    public void appendAll(TargetFolder target, List<? extends MessageToCopy> messages, ObjIntConsumer<AppendOutcome> done) {
        if (messages.size() < 2) {
            MailboxTarget.super.appendAll(target, messages, done);
            return;
        }
        try {
            appender.appendAll(fullName(target), target, messages, done);
        } catch (MessagingException e) {
            throw ImapErrors.translate("APPEND of " + messages.size() + " messages to " + target + " failed", e);
        }
    }

    @Override
    public RetryStats retryStats() {
        return new RetryStats(0, appender.sharedThrottled(), Duration.ZERO);
    }

    @Override
    public Optional<InputStream> openCopy(TargetFolder target, TargetMessage message) {
        try {
            IMAPFolder folder = select(fullName(target));
            Message m = folder == null ? null : folder.getMessageByUID(Long.parseLong(message.targetId()));
            if (m == null) {
                throw TransferException.permanent("Message " + message.key() + " vanished from " + target, null);
            }
            ((IMAPMessage) m).setPeek(true);
            return Optional.of(((IMAPMessage) m).getMimeStream());
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read " + message.key() + " in " + target, e);
        }
    }

    @Override
    public boolean move(TargetFolder from, TargetMessage message, TargetFolder to) {
        try {
            String destination = fullName(to);
            IMAPFolder folder = select(fullName(from));
            if (folder == null || !session.hasCapability("MOVE")) {
                return false; // without MOVE it would take an EXPUNGE, which might remove what the user deleted
            }
            Message m = folder.getMessageByUID(Long.parseLong(message.targetId()));
            if (m == null) {
                throw TransferException.retryable("Message " + message.key() + " vanished from " + from, null);
            }
            folder.moveMessages(new Message[] {m}, session.store().getFolder(destination));
            // Angus keeps counting the moved message in the open folder; the listing numbers
            // messages from that count, and a number past the end is refused. Selected afresh
            // when next needed (moves are rare: the final pass following the old server's).
            closeSelected();
            return true;
        } catch (MessagingException | NumberFormatException e) {
            throw ImapErrors.translate("Cannot move " + message.key() + " from " + from + " to " + to,
                    e instanceof MessagingException me ? me : new MessagingException(e.getMessage()));
        }
    }

    @Override
    public void updateFlags(TargetFolder target, TargetMessage message, MessageFlags flags) {
        try {
            IMAPFolder folder = select(fullName(target));
            if (folder == null) {
                throw TransferException.permanent("Folder " + target + " vanished from " + mailbox(), null);
            }
            Message m = folder.getMessageByUID(Long.parseLong(message.targetId()));
            if (m == null) {
                throw TransferException.permanent("Message " + message.key() + " vanished from " + target, null);
            }
            Flags wanted = ImapFlags.toFlags(flags);
            Flags current = ImapFlags.toFlags(message.flags());
            Flags remove = new Flags(current);
            remove.remove(wanted);
            Flags add = new Flags(wanted);
            add.remove(current);
            if (add.getSystemFlags().length > 0 || add.getUserFlags().length > 0) {
                m.setFlags(add, true);
            }
            if (remove.getSystemFlags().length > 0 || remove.getUserFlags().length > 0) {
                m.setFlags(remove, false);
            }
        } catch (MessagingException | NumberFormatException e) {
            throw ImapErrors.translate("Cannot update the flags of " + message.key() + " in " + target,
                    e instanceof MessagingException me ? me : new MessagingException(e.getMessage()));
        }
    }

    private void closeSelected() {
        if (selected != null) {
            try {
                if (selected.isOpen()) {
                    selected.close(false);
                }
            } catch (MessagingException | RuntimeException e) {
                // nothing to save: we never expunge
            }
            selected = null;
            selectedName = null;
        }
    }

    @Override
    public void close() {
        session.close(selected);
        selected = null;
        selectedName = null;
    }

    @Override
    public String toString() {
        return "ImapTarget[" + mailbox() + " on " + session.endpoint() + "]";
    }
}
