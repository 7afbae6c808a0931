package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.MailboxConnector;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SpecialUse;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TargetMessage;
import be.cfwb.bma.transfer.TransferException;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Literal;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.iap.Response;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ObjIntConsumer;
import java.util.regex.Pattern;

/**
 * Writes to a mailbox over IMAP: APPEND with flags, INTERNALDATE and the trace header
 * {@value SourceKey#HEADER} (and the campaign's, {@link MessageToCopy#traceHeader}) prepended (the only byte change), streamed from the spooled
 * message through Angus's protocol layer so a large message is never whole in memory.
 * Well-known folders are found by SPECIAL-USE, else by their names in FR/NL/EN/DE (an Exchange
 * mailbox in French calls Sent Items {@code Éléments envoyés}), else created with Exchange's
 * English name.
 */
public final class ImapTarget implements MailboxTarget {

    private final ImapSession session;
    private Map<SpecialUse, String> wellKnown;
    private final Set<String> ensured = new HashSet<>();
    private IMAPFolder selected;
    private String selectedName;

    private ImapTarget(ImapSession session) {
        this.session = session;
    }

    /** Opens targets on {@code endpoint} with the credentials {@code credentials} gives each mailbox. */
    public static MailboxConnector<MailboxTarget> connector(ImapEndpoint endpoint, CredentialSource credentials, Clock clock) {
        ImapSession.Sessions sessions = new ImapSession.Sessions(endpoint);
        return mailbox -> {
            ImapTarget target = new ImapTarget(new ImapSession(sessions, credentials.credentialsFor(mailbox), mailbox, clock));
            target.session.store();
            return target;
        };
    }

    @Override
    public BmaAddress mailbox() {
        return session.mailbox();
    }

    @Override
    public Optional<Character> reservedNameCharacter() {
        try {
            char c = session.separator();
            return c == 0 ? Optional.empty() : Optional.of(c);
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read the hierarchy separator of " + mailbox(), e);
        }
    }

    private char separator() throws MessagingException {
        char c = session.separator();
        return c == 0 ? '/' : c;
    }

    /** The full IMAP name of a target folder, resolving its well-known base. */
    String fullName(TargetFolder folder) throws MessagingException {
        List<String> parts = new ArrayList<>();
        if (folder.base().isPresent()) {
            parts.add(resolve(folder.base().get()));
        }
        parts.addAll(folder.relative());
        if (parts.size() == 1 && parts.get(0).equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        return String.join(String.valueOf(separator()), parts);
    }

    private String resolve(SpecialUse use) throws MessagingException {
        if (use == SpecialUse.INBOX) {
            return "INBOX";
        }
        if (wellKnown == null) {
            Map<SpecialUse, String> byAttribute = new EnumMap<>(SpecialUse.class);
            Map<SpecialUse, String> byName = new EnumMap<>(SpecialUse.class);
            char sep = separator();
            for (Folder f : session.store().getDefaultFolder().list("*")) {
                IMAPFolder folder = (IMAPFolder) f;
                for (String attribute : folder.getAttributes()) {
                    SpecialUse.ofAttribute(attribute).ifPresent(u -> byAttribute.putIfAbsent(u, folder.getFullName()));
                }
                String[] parts = folder.getFullName().split(Pattern.quote(String.valueOf(sep)));
                boolean topOrUnderInbox = parts.length == 1 || (parts.length == 2 && parts[0].equalsIgnoreCase("INBOX"));
                if (topOrUnderInbox) {
                    String name = parts[parts.length - 1];
                    FolderMapper.specialUseByName(name).ifPresent(u -> {
                        // Exchange's own name wins over a look-alike a user created.
                        if (name.equalsIgnoreCase(u.exchangeName()) || !byName.containsKey(u)) {
                            byName.put(u, folder.getFullName());
                        }
                    });
                }
            }
            Map<SpecialUse, String> resolved = new EnumMap<>(SpecialUse.class);
            for (SpecialUse u : SpecialUse.values()) {
                String name = byAttribute.getOrDefault(u, byName.get(u));
                resolved.put(u, name != null ? name : u.exchangeName());
            }
            wellKnown = resolved;
        }
        return wellKnown.get(use);
    }

    @Override
    public void ensureFolder(TargetFolder folder) {
        try {
            String full = fullName(folder);
            if (ensured.contains(full)) {
                return;
            }
            char sep = separator();
            String[] parts = full.split(Pattern.quote(String.valueOf(sep)));
            StringBuilder name = new StringBuilder();
            for (String part : parts) {
                name.append(name.length() == 0 ? "" : String.valueOf(sep)).append(part);
                String n = name.toString();
                if (ensured.contains(n) || n.equalsIgnoreCase("INBOX")) {
                    continue;
                }
                Folder f = session.store().getFolder(n);
                // Refused because another connection of this mailbox created it meanwhile is not refused.
                if (!f.exists() && !f.create(Folder.HOLDS_MESSAGES | Folder.HOLDS_FOLDERS) && !f.exists()) {
                    throw TransferException.permanent("The target refused to create folder '" + n + "' in " + mailbox(), null);
                }
                ensured.add(n);
            }
            ensured.add(full);
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot create " + folder + " in " + mailbox(), e);
        }
    }

    private IMAPFolder select(String name) throws MessagingException {
        if (session.needsReconnect()) {
            selected = null;
        }
        if (selected != null && name.equals(selectedName) && selected.isOpen()) {
            return selected;
        }
        closeSelected();
        IMAPFolder folder = (IMAPFolder) session.store().getFolder(name);
        if (!folder.exists()) {
            return null;
        }
        folder.open(Folder.READ_WRITE);
        selected = folder;
        selectedName = name;
        return folder;
    }

    @Override
    public List<TargetMessage> messages(TargetFolder target) {
        try {
            IMAPFolder folder = select(fullName(target));
            if (folder == null) {
                return List.of();
            }
            Message[] messages = folder.getMessages();
            FetchProfile fp = new FetchProfile();
            fp.add(UIDFolder.FetchProfileItem.UID);
            fp.add(FetchProfile.Item.FLAGS);
            fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
            fp.add(SourceKey.HEADER);
            fp.add("Message-ID");
            List<TargetMessage> result = new ArrayList<>();
            for (int from = 0; from < messages.length; from += ImapSource.BATCH) {
                Message[] batch = Arrays.copyOfRange(messages, from, Math.min(messages.length, from + ImapSource.BATCH));
                folder.fetch(batch, fp);
                for (Message m : batch) {
                    // A copy marked \Deleted but not expunged is still there: copying it again would
                    // resurrect what the user deleted, and make a duplicate once undeleted.
                    if (m.isExpunged()) {
                        continue;
                    }
                    String[] values;
                    long uid;
                    Date received;
                    try {
                        values = m.getHeader(SourceKey.HEADER);
                        if (values == null || values.length == 0) {
                            continue;
                        }
                        uid = folder.getUID(m);
                        received = m.getReceivedDate();
                    } catch (MessagingException e) {
                        if (ImapErrors.isConnectionTrouble(e)) {
                            throw e;
                        }
                        throw unreadableCopy(folder, target, m.getMessageNumber(), ImapErrors.text(e));
                    }
                    if (uid < 0 || received == null) {
                        throw unreadableCopy(folder, target, m.getMessageNumber(), "no UID or date");
                    }
                    // Ours is the first: it was prepended; a copy of a copy may carry an older one below.
                    Optional<SourceKey> key = SourceKey.parse(values[0]);
                    if (key.isEmpty()) {
                        if (values[0].contains(mailbox().toString())) {
                            // Ours, damaged: which message it copies cannot be known, and copying
                            // that message again would make a second copy.
                            throw TransferException.permanent("The copy UID " + uid + " in " + target + " of " + mailbox()
                                    + " carries a damaged trace header (" + SourceKey.HEADER + ": "
                                    + RawFetch.words(values[0]) + "): nothing is copied to " + target
                                    + " until it is repaired or removed, so that no message is copied twice", null);
                        }
                        continue; // a stranger's header, not ours to trust
                    }
                    String[] ids = m.getHeader("Message-ID");
                    result.add(new TargetMessage(key.get(), Long.toString(uid), ImapFlags.of(m.getFlags()),
                            received.toInstant(),
                            ids == null || ids.length == 0 ? Optional.empty() : Optional.of(ids[0].strip())));
                }
                // As the source does: the folder forgets the headers it cached for this batch, so a
                // 100,000-message folder costs its TargetMessages, not 100,000 parsed headers too.
                for (Message m : batch) {
                    if (m instanceof IMAPMessage im) {
                        im.invalidateHeaders();
                    }
                }
            }
            return result;
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read the messages of " + target + " in " + mailbox(), e);
        }
    }

    /**
     * The failure for a copy whose answer could not be read: the copies of the folder are not
     * all known, so nothing is copied to it (a copy made now might be a second one). Retryable:
     * a garbled answer may be a passing fault; the server's words are asked for once more.
     */
    private TransferException unreadableCopy(IMAPFolder folder, TargetFolder target, int number, String angus) {
        String words = angus;
        try {
            RawFetch again = (RawFetch) folder.doCommand(p -> RawFetch.run(p, "FETCH " + number
                    + " (UID FLAGS INTERNALDATE)"));
            if (!again.unparsable().isEmpty()) {
                words = again.unparsable().get(0);
            }
        } catch (MessagingException e) {
            words = angus + "; " + ImapErrors.text(e);
        }
        return TransferException.retryable("The target's answer for message #" + number + " of " + target + " in "
                + mailbox() + " cannot be read (" + words + "): nothing is copied to " + target
                + " until it can, so that no message is copied twice", null);
    }

    @Override
    public AppendOutcome append(TargetFolder target, MessageToCopy message) {
        byte[] header = message.traceHeader().getBytes(StandardCharsets.US_ASCII);
        long total = header.length + message.size();
        if (total > Integer.MAX_VALUE) {
            return AppendOutcome.rejected("too large for IMAP APPEND: " + total + " bytes");
        }
        try {
            String name = fullName(target);
            IMAPFolder folder = selected != null && name.equals(selectedName) && selected.isOpen() && !session.needsReconnect()
                    ? selected : (IMAPFolder) session.store().getFolder(name);
            Flags flags = ImapFlags.toFlags(message.flags());
            Date date = Date.from(message.internalDate());
            Literal literal = new StreamingLiteral(header, message, (int) total);
            Object result = folder.doCommand(p -> {
                try {
                    return p.appenduid(name, flags, date, literal, true);
                } catch (ProtocolException e) {
                    return e;
                }
            });
            if (result instanceof ProtocolException pe) {
                Optional<String> rejection = ImapErrors.appendRejection(pe);
                if (rejection.isPresent()) {
                    return AppendOutcome.rejected(rejection.get());
                }
                throw ImapErrors.translate("APPEND of " + message.key() + " to " + target + " failed", pe);
            }
            AppendUID uid = (AppendUID) result;
            return AppendOutcome.copied(uid == null ? "" : Long.toString(uid.uid));
        } catch (MessagingException e) {
            throw ImapErrors.translate("APPEND of " + message.key() + " to " + target + " failed", e);
        } catch (StreamingLiteral.StreamFailure e) {
            throw TransferException.retryable("Reading the spooled message " + message.key() + " failed: "
                    + ImapErrors.text(e.getCause()), e.getCause());
        }
    }

    @Override
    public void appendAll(TargetFolder target, List<? extends MessageToCopy> messages, ObjIntConsumer<AppendOutcome> done) {
        if (messages.size() < 2) {
            MailboxTarget.super.appendAll(target, messages, done);
            return;
        }
        try {
            String name = fullName(target);
            IMAPFolder folder = selected != null && name.equals(selectedName) && selected.isOpen() && !session.needsReconnect()
                    ? selected : (IMAPFolder) session.store().getFolder(name);
            Argument args = new Argument();
            args.writeString(BASE64MailboxEncoder.encode(name));
            long total = 0;
            for (MessageToCopy message : messages) {
                byte[] header = message.traceHeader().getBytes(StandardCharsets.US_ASCII);
                total += header.length + message.size();
                if (header.length + message.size() > Integer.MAX_VALUE || total > Integer.MAX_VALUE) {
                    MailboxTarget.super.appendAll(target, messages, done);
                    return;
                }
                args.writeAtom(flagList(message.flags()));
                args.writeString(INTERNALDATE.format(Date.from(message.internalDate())));
                args.writeBytes(new StreamingLiteral(header, message, (int) (header.length + message.size())));
            }
            Object result = folder.doCommand(p -> {
                if (!p.hasCapability("MULTIAPPEND")) {
                    return null;
                }
                Response[] r = p.command("APPEND", args);
                p.notifyResponseHandlers(r);
                try {
                    p.handleResult(r[r.length - 1]);
                } catch (ProtocolException e) {
                    return e;
                }
                return true;
            });
            if (result == null) {
                MailboxTarget.super.appendAll(target, messages, done);
                return;
            }
            if (result instanceof ProtocolException pe) {
                if (ImapErrors.appendRejection(pe).isPresent()) {
                    // MULTIAPPEND is all or nothing: nothing was stored; one by one finds the message refused.
                    MailboxTarget.super.appendAll(target, messages, done);
                    return;
                }
                throw ImapErrors.translate("APPEND of " + messages.size() + " messages to " + target + " failed", pe);
            }
            for (int i = 0; i < messages.size(); i++) {
                done.accept(AppendOutcome.copied(""), i);
            }
        } catch (MessagingException e) {
            throw ImapErrors.translate("APPEND of " + messages.size() + " messages to " + target + " failed", e);
        } catch (StreamingLiteral.StreamFailure e) {
            throw TransferException.retryable("Reading a spooled message for " + target + " failed: "
                    + ImapErrors.text(e.getCause()), e.getCause());
        }
    }

    /** An IMAP flag list, as Angus writes it for APPEND ({@code \Recent} cannot be set and is never among ours). */
    static String flagList(MessageFlags f) {
        List<String> parts = new ArrayList<>();
        if (f.answered()) {
            parts.add("\\Answered");
        }
        if (f.draft()) {
            parts.add("\\Draft");
        }
        if (f.flagged()) {
            parts.add("\\Flagged");
        }
        if (f.seen()) {
            parts.add("\\Seen");
        }
        parts.addAll(f.keywords());
        return "(" + String.join(" ", parts) + ")";
    }

    @Override
    public Optional<InputStream> openCopy(TargetFolder target, TargetMessage message) {
        try {
            IMAPFolder folder = select(fullName(target));
            Message m = folder == null ? null : folder.getMessageByUID(Long.parseLong(message.targetId()));
            if (m == null) {
                throw TransferException.permanent("Message " + message.key() + " vanished from " + target, null);
            }
            ((org.eclipse.angus.mail.imap.IMAPMessage) m).setPeek(true);
            return Optional.of(((org.eclipse.angus.mail.imap.IMAPMessage) m).getMimeStream());
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read " + message.key() + " in " + target, e);
        }
    }

    @Override
    public boolean move(TargetFolder from, TargetMessage message, TargetFolder to) {
        try {
            String destination = fullName(to);
            IMAPFolder folder = select(fullName(from));
            if (folder == null || !session.store().hasCapability("MOVE")) {
                return false; // without MOVE it would take an EXPUNGE, which might remove what the user deleted
            }
            Message m = folder.getMessageByUID(Long.parseLong(message.targetId()));
            if (m == null) {
                throw TransferException.retryable("Message " + message.key() + " vanished from " + from, null);
            }
            folder.moveMessages(new Message[] {m}, session.store().getFolder(destination));
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
        closeSelected();
        session.close();
    }

    @Override
    public String toString() {
        return "ImapTarget[" + mailbox() + " on " + session.endpoint() + "]";
    }
}
