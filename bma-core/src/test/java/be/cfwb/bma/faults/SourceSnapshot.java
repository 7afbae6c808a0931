package be.cfwb.bma.faults;

import be.cfwb.bma.transfer.imap.ImapEndpoint;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The complete visible state of a mailbox, read with EXAMINE and BODY.PEEK so that taking it
 * changes nothing: every folder (name, attributes but Dovecot's \Marked/\UnMarked hint,
 * UIDVALIDITY, UIDNEXT, count) and every message (UID, all flags including \Recent-free system
 * flags and keywords, internal date, RFC822.SIZE, SHA-256 of its bytes). Two snapshots are equal
 * iff nothing observable changed.
 */
record SourceSnapshot(TreeMap<String, FolderState> folders) {

    record FolderState(String attributes, long uidValidity, long uidNext, int count, List<MessageState> messages) {
    }

    record MessageState(long uid, String flags, long internalDate, int size, String sha256) {
    }

    static SourceSnapshot take(ImapEndpoint endpoint, String login, String password) {
        Properties p = new Properties();
        String proto = endpoint.tls() ? "imaps" : "imap";
        p.setProperty("mail." + proto + ".peek", "true");
        p.setProperty("mail." + proto + ".timeout", "30000");
        try {
            Store store = Session.getInstance(p).getStore(proto);
            store.connect(endpoint.host(), endpoint.port(), login, password);
            try {
                TreeMap<String, FolderState> folders = new TreeMap<>();
                for (Folder f : store.getDefaultFolder().list("*")) {
                    folders.put(f.getFullName(), state((IMAPFolder) f));
                }
                folders.put("INBOX", state((IMAPFolder) store.getFolder("INBOX")));
                return new SourceSnapshot(folders);
            } finally {
                store.close();
            }
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("Cannot snapshot " + login + ": " + e.getMessage(), e);
        }
    }

    private static FolderState state(IMAPFolder f) throws MessagingException, IOException {
        // \Marked and \UnMarked are left out: Dovecot derives them from its list index as a
        // hint ("the folder has \Recent messages") and a STATUS or LIST-STATUS from any client
        // refreshes that hint; they say nothing of the folder's content (messages, flags, UIDs,
        // folders), which the rest of the snapshot compares, and EXAMINE never clears \Recent.
        String attrs = Arrays.stream(f.getAttributes())
                .filter(x -> !x.equalsIgnoreCase("\\Marked") && !x.equalsIgnoreCase("\\UnMarked"))
                .sorted()
                .collect(Collectors.joining(" "));
        if ((f.getType() & Folder.HOLDS_MESSAGES) == 0) {
            return new FolderState(attrs, -1, -1, 0, List.of());
        }
        f.open(Folder.READ_ONLY); // EXAMINE
        try {
            List<MessageState> messages = new ArrayList<>();
            for (Message m : f.getMessages()) {
                IMAPMessage im = (IMAPMessage) m;
                im.setPeek(true);
                Flags flags = m.getFlags();
                TreeSet<String> words = new TreeSet<>(Arrays.asList(flags.getUserFlags()));
                for (Flags.Flag s : flags.getSystemFlags()) {
                    if (s != Flags.Flag.RECENT) { // \Recent belongs to a session, not to the message
                        words.add(systemName(s));
                    }
                }
                messages.add(new MessageState(f.getUID(m), String.join(" ", words), m.getReceivedDate().toInstant().toEpochMilli(),
                        m.getSize(), sha256(im)));
            }
            return new FolderState(attrs, f.getUIDValidity(), f.getUIDNext(), f.getMessageCount(), messages);
        } finally {
            f.close(false);
        }
    }

    private static String systemName(Flags.Flag f) {
        if (f == Flags.Flag.SEEN) {
            return "\\Seen";
        } else if (f == Flags.Flag.ANSWERED) {
            return "\\Answered";
        } else if (f == Flags.Flag.FLAGGED) {
            return "\\Flagged";
        } else if (f == Flags.Flag.DRAFT) {
            return "\\Draft";
        } else if (f == Flags.Flag.DELETED) {
            return "\\Deleted";
        }
        return "\\Recent";
    }

    private static String sha256(IMAPMessage m) throws MessagingException, IOException {
        try (InputStream in = m.getMimeStream()) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    int messageCount() {
        return folders.values().stream().mapToInt(FolderState::count).sum();
    }
}
