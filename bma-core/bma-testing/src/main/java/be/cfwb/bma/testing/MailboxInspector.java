package be.cfwb.bma.testing;

import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads a mailbox back over IMAP, read-only, for assertions: folders, messages, flags, dates, bytes. */
public final class MailboxInspector implements AutoCloseable {

    /** One stored message as the server reports it. */
    public record StoredMessage(long uid, MessageFlags flags, Instant internalDate, long size, Optional<String> trace,
                                Optional<String> messageId) {
    }

    private final Store store;

    private MailboxInspector(Store store) {
        this.store = store;
    }

    public static MailboxInspector connect(ImapEndpoint endpoint, String login, String password) {
        return new MailboxInspector(ImapTestConnection.connect(endpoint, login, password));
    }

    /** Every folder, decoded names, sorted. */
    public List<FolderPath> folders() {
        try {
            Folder root = store.getDefaultFolder();
            char sep = root.getSeparator();
            List<FolderPath> result = new ArrayList<>();
            for (Folder f : root.list("*")) {
                result.add(new FolderPath(Arrays.asList(f.getFullName().split(Pattern.quote(String.valueOf(sep)), -1))));
            }
            result.sort(null);
            return result;
        } catch (MessagingException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public List<StoredMessage> messages(FolderPath path) {
        try {
            IMAPFolder folder = (IMAPFolder) store.getFolder(ImapTestConnection.fullName(store, path));
            if (!folder.exists() || (folder.getType() & Folder.HOLDS_MESSAGES) == 0) {
                // e.g. the \Noselect parent a server creates for a nested name
                return List.of();
            }
            folder.open(Folder.READ_ONLY);
            try {
                Message[] messages = folder.getMessages();
                FetchProfile fp = new FetchProfile();
                fp.add(UIDFolder.FetchProfileItem.UID);
                fp.add(FetchProfile.Item.FLAGS);
                fp.add(FetchProfile.Item.SIZE);
                fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
                fp.add(SourceKey.HEADER);
                fp.add("Message-ID");
                folder.fetch(messages, fp);
                List<StoredMessage> result = new ArrayList<>();
                for (Message m : messages) {
                    Flags f = m.getFlags();
                    TreeSet<String> keywords = new TreeSet<>(Arrays.asList(f.getUserFlags()));
                    MessageFlags flags = new MessageFlags(f.contains(Flags.Flag.SEEN), f.contains(Flags.Flag.ANSWERED),
                            f.contains(Flags.Flag.FLAGGED), f.contains(Flags.Flag.DRAFT), keywords);
                    String[] trace = m.getHeader(SourceKey.HEADER);
                    String[] id = m.getHeader("Message-ID");
                    result.add(new StoredMessage(folder.getUID(m), flags, m.getReceivedDate().toInstant(), m.getSize(),
                            trace == null ? Optional.empty() : Optional.of(trace[0]),
                            id == null ? Optional.empty() : Optional.of(id[0])));
                }
                return result;
            } finally {
                folder.close(false);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The raw bytes of a message (small messages; use {@link #sha256} for large ones). */
    public byte[] raw(FolderPath path, long uid) {
        try (InputStream in = open(path, uid)) {
            return in.readAllBytes();
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** SHA-256 of a message's bytes, hex, streamed. */
    public String sha256(FolderPath path, long uid) {
        try (InputStream in = open(path, uid)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | MessagingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private IMAPFolder openFolder;
    private FolderPath openPath;

    private InputStream open(FolderPath path, long uid) throws MessagingException {
        if (openFolder == null || !path.equals(openPath)) {
            closeOpen();
            openFolder = (IMAPFolder) store.getFolder(ImapTestConnection.fullName(store, path));
            openFolder.open(Folder.READ_ONLY);
            openPath = path;
        }
        IMAPMessage m = (IMAPMessage) openFolder.getMessageByUID(uid);
        m.setPeek(true);
        return m.getMimeStream();
    }

    private void closeOpen() throws MessagingException {
        if (openFolder != null) {
            openFolder.close(false);
            openFolder = null;
            openPath = null;
        }
    }

    @Override
    public void close() {
        try {
            closeOpen();
            store.close();
        } catch (MessagingException e) {
            // test helper
        }
    }
}
