package be.cfwb.bma.testing;

import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import org.eclipse.angus.mail.iap.Literal;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.TreeSet;

/**
 * Fills a mailbox over IMAP, byte for byte: creates folders (any depth, accented names) and
 * APPENDs raw messages with flags and an INTERNALDATE. Works against any IMAP server, so the
 * same seed serves GreenMail and Dovecot.
 */
public final class MailboxSeeder implements AutoCloseable {

    private final Store store;

    private MailboxSeeder(Store store) {
        this.store = store;
    }

    public static MailboxSeeder connect(ImapEndpoint endpoint, String login, String password) {
        return new MailboxSeeder(ImapTestConnection.connect(endpoint, login, password));
    }

    /** Creates the folder and its parents if missing. */
    public MailboxSeeder folder(FolderPath path) {
        try {
            for (int i = 1; i <= path.depth(); i++) {
                FolderPath p = new FolderPath(path.segments().subList(0, i));
                Folder f = store.getFolder(ImapTestConnection.fullName(store, p));
                if (!f.exists()) {
                    f.create(Folder.HOLDS_MESSAGES | Folder.HOLDS_FOLDERS);
                }
            }
            return this;
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    /** Renames a folder (e.g. so that a new one of the old name gets a new UIDVALIDITY). */
    public MailboxSeeder renameFolder(FolderPath from, FolderPath to) {
        try {
            Folder f = store.getFolder(ImapTestConnection.fullName(store, from));
            if (!f.renameTo(store.getFolder(ImapTestConnection.fullName(store, to)))) {
                throw new IllegalStateException("The server refused to rename " + from);
            }
            return this;
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot rename " + from + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a folder and its messages (as a server rebuilding it, or a user removing it, does). */
    public MailboxSeeder deleteFolder(FolderPath path) {
        try {
            Folder f = store.getFolder(ImapTestConnection.fullName(store, path));
            if (!f.delete(true)) {
                throw new IllegalStateException("The server refused to delete " + path);
            }
            return this;
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot delete " + path + ": " + e.getMessage(), e);
        }
    }

    /** APPENDs {@code raw} unchanged to {@code path} (created if missing); returns its UID, or -1 if unknown. */
    public long append(FolderPath path, byte[] raw, MessageFlags flags, Instant internalDate) {
        folder(path);
        try {
            String name = ImapTestConnection.fullName(store, path);
            IMAPFolder folder = (IMAPFolder) store.getFolder(name);
            Flags f = new Flags();
            if (flags.seen()) {
                f.add(Flags.Flag.SEEN);
            }
            if (flags.answered()) {
                f.add(Flags.Flag.ANSWERED);
            }
            if (flags.flagged()) {
                f.add(Flags.Flag.FLAGGED);
            }
            if (flags.draft()) {
                f.add(Flags.Flag.DRAFT);
            }
            flags.keywords().forEach(f::add);
            Literal literal = new Literal() {
                @Override
                public int size() {
                    return raw.length;
                }

                @Override
                public void writeTo(OutputStream os) throws IOException {
                    os.write(raw);
                }
            };
            Object uid = folder.doCommand(p -> p.appenduid(name, f, Date.from(internalDate), literal, true));
            return uid == null ? -1 : ((AppendUID) uid).uid;
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot append to " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves a message to another folder (created if missing) as a mail client does where the
     * server lacks MOVE: COPY (same bytes, flags and date, a new UID), then {@code \Deleted} and
     * UID EXPUNGE of that one message.
     */
    public void move(FolderPath from, long uid, FolderPath to) {
        folder(to);
        try {
            IMAPFolder folder = (IMAPFolder) store.getFolder(ImapTestConnection.fullName(store, from));
            folder.open(Folder.READ_WRITE);
            try {
                jakarta.mail.Message m = folder.getMessageByUID(uid);
                folder.copyMessages(new jakarta.mail.Message[] {m},
                        store.getFolder(ImapTestConnection.fullName(store, to)));
                m.setFlag(Flags.Flag.DELETED, true);
                folder.expunge(new jakarta.mail.Message[] {m});
            } finally {
                folder.close(false);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot move UID " + uid + " of " + from + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a message for good: {@code \Deleted}, then UID EXPUNGE of that one message. */
    public void delete(FolderPath path, long uid) {
        try {
            IMAPFolder folder = (IMAPFolder) store.getFolder(ImapTestConnection.fullName(store, path));
            folder.open(Folder.READ_WRITE);
            try {
                jakarta.mail.Message m = folder.getMessageByUID(uid);
                m.setFlag(Flags.Flag.DELETED, true);
                folder.expunge(new jakarta.mail.Message[] {m});
            } finally {
                folder.close(false);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot delete UID " + uid + " of " + path + ": " + e.getMessage(), e);
        }
    }

    /** Sets the flags of a message (replacing its user-visible ones). */
    public void setFlags(FolderPath path, long uid, MessageFlags flags) {
        try {
            IMAPFolder folder = (IMAPFolder) store.getFolder(ImapTestConnection.fullName(store, path));
            folder.open(Folder.READ_WRITE);
            try {
                jakarta.mail.Message m = folder.getMessageByUID(uid);
                Flags all = new Flags();
                all.add(Flags.Flag.SEEN);
                all.add(Flags.Flag.ANSWERED);
                all.add(Flags.Flag.FLAGGED);
                all.add(Flags.Flag.DRAFT);
                for (String k : m.getFlags().getUserFlags()) {
                    all.add(k);
                }
                m.setFlags(all, false);
                Flags wanted = new Flags();
                if (flags.seen()) {
                    wanted.add(Flags.Flag.SEEN);
                }
                if (flags.answered()) {
                    wanted.add(Flags.Flag.ANSWERED);
                }
                if (flags.flagged()) {
                    wanted.add(Flags.Flag.FLAGGED);
                }
                if (flags.draft()) {
                    wanted.add(Flags.Flag.DRAFT);
                }
                flags.keywords().forEach(wanted::add);
                if (wanted.getSystemFlags().length + wanted.getUserFlags().length > 0) {
                    m.setFlags(wanted, true);
                }
            } finally {
                folder.close(false);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("Cannot set flags in " + path + ": " + e.getMessage(), e);
        }
    }

    /** Flags from IMAP words, e.g. {@code flags("\\Seen", "$Forwarded")}. */
    public static MessageFlags flags(String... words) {
        Set<String> set = Set.of(words);
        TreeSet<String> keywords = new TreeSet<>();
        for (String w : words) {
            if (!w.startsWith("\\")) {
                keywords.add(w);
            }
        }
        return new MessageFlags(set.contains("\\Seen"), set.contains("\\Answered"), set.contains("\\Flagged"),
                set.contains("\\Draft"), keywords);
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (MessagingException e) {
            // test helper: nothing to do
        }
    }
}
