package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.SpecialUse;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TransferException;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The target's folders by name: a {@link TargetFolder}'s full IMAP name, its well-known base
 * found by SPECIAL-USE, else by its names in FR/NL/EN/DE (an Exchange mailbox in French calls
 * Sent Items {@code Éléments envoyés}), else Exchange's English name; and folders created with
 * their parents. What was listed or created is remembered for the life of the session, and
 * shared with the mailbox's further connections of the pass. Every
 * command goes over the connection the target's selected folder holds, if any: IMAP allows LIST
 * and CREATE in the selected state, and Angus would log in again for a store command meanwhile.
 */
final class TargetFolders {

    private static final Logger LOG = LoggerFactory.getLogger(TargetFolders.class);

    /** The folder object a command that needs no particular folder is sent through. */
    @FunctionalInterface
    interface Channel {
        IMAPFolder get() throws MessagingException;
    }

    private final ImapSession session;
    private final Channel channel;
    private Map<SpecialUse, String> wellKnown;
    /**
     * The folders the one {@code LIST "" "*"} found, and those created since: this session's, and
     * those of the other connections of the mailbox it is shared with (each of them may add).
     */
    private final Set<String> ensured;
    /**
     * Folders a CREATE of the mailbox's connections made in this pass and whose (empty) contents
     * nobody has asked for yet; shared as {@link #ensured} is, each taken once.
     */
    private final Set<String> createdUnread;
    /** Set once {@link #wellKnown} and {@link #ensured} are filled: another connection's thread reads it first. */
    private volatile boolean listed;

    /**
     * @param beside the folders of another open connection of the same mailbox in this pass, or
     *               null: once that one has listed, its listing is shared (a further connection
     *               asks no LIST of its own); a folder it believes missing that another made
     *               costs a refused CREATE and a LIST, as before
     */
    TargetFolders(ImapSession session, Channel channel, TargetFolders beside) {
        this.session = session;
        this.channel = channel;
        if (beside != null && beside.listed) {
            this.wellKnown = beside.wellKnown;
            this.ensured = beside.ensured;
            this.createdUnread = beside.createdUnread;
            beside.session.separatorIfKnown().ifPresent(session::knownSeparator);
            this.listed = true;
        } else {
            this.ensured = ConcurrentHashMap.newKeySet();
            this.createdUnread = ConcurrentHashMap.newKeySet();
        }
    }

    /** The separator names are joined with: the server's, {@code /} where it has none. */
    char separator() throws MessagingException {
        char c = serverSeparator();
        return c == 0 ? '/' : c;
    }

    /** The server's hierarchy separator, 0 if it has none; learnt from the session's one listing. */
    char serverSeparator() throws MessagingException {
        listOnce();
        return session.separator();
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
        listOnce();
        return wellKnown.get(use);
    }

    /**
     * Every folder of the mailbox, in one {@code LIST "" "*"} per session: the well-known ones
     * found, and the names kept so that a folder known to exist costs no round trip before its
     * SELECT, and a missing one only its CREATE.
     */
    private void listOnce() throws MessagingException {
        if (!listed) {
            wellKnown = Map.copyOf(listWellKnown());
            listed = true;
        }
    }

    /** True if the folder exists: listed or created in this session, else asked (one LIST). */
    boolean exists(String fullName) throws MessagingException {
        listOnce();
        return fullName.equalsIgnoreCase("INBOX") || ensured.contains(fullName) || listed(fullName);
    }

    /**
     * True, once, if the mailbox's connections created the folder in this pass and its contents
     * were not asked for since:
     * it is then known to be empty without a SELECT and a listing (two round trips). Asked once
     * because the caller fills it next; a second attempt at the folder lists what is there.
     */
    boolean takeCreatedEmpty(String fullName) {
        return createdUnread.remove(fullName);
    }

    /**
     * One {@code LIST "" name}: true if the server has that folder, its name in any case (Exchange
     * matches folder names regardless of case, and so do some Dovecot set-ups).
     */
    private boolean listed(String fullName) throws MessagingException {
        ListInfo[] found = (ListInfo[]) channel.get().doCommand(p -> p.list("", fullName));
        return found != null && Arrays.stream(found).anyMatch(f -> f.name.equalsIgnoreCase(fullName));
    }

    private Map<SpecialUse, String> listWellKnown() throws MessagingException {
        Map<SpecialUse, String> byAttribute = new EnumMap<>(SpecialUse.class);
        Map<SpecialUse, String> byName = new EnumMap<>(SpecialUse.class);
        ListInfo[] folders = (ListInfo[]) channel.get().doCommand(p -> p.list("", "*"));
        folders = folders == null ? new ListInfo[0] : folders;
        Arrays.stream(folders).filter(f -> f.name.equalsIgnoreCase("INBOX")).findFirst()
                .ifPresent(inbox -> session.knownSeparator(inbox.separator)); // spares the LIST "" "" that asks it
        char c = session.separator();
        char sep = c == 0 ? '/' : c;
        for (ListInfo folder : folders) {
            ensured.add(folder.name);
            for (String attribute : folder.attrs) {
                SpecialUse.ofAttribute(attribute).ifPresent(u -> byAttribute.putIfAbsent(u, folder.name));
            }
            String[] parts = folder.name.split(Pattern.quote(String.valueOf(sep)));
            boolean topOrUnderInbox = parts.length == 1 || (parts.length == 2 && parts[0].equalsIgnoreCase("INBOX"));
            if (topOrUnderInbox) {
                String name = parts[parts.length - 1];
                FolderMapper.specialUseByName(name).ifPresent(u -> {
                    // Exchange's own name wins over a look-alike a user created.
                    if (name.equalsIgnoreCase(u.exchangeName()) || !byName.containsKey(u)) {
                        byName.put(u, folder.name);
                    }
                });
            }
        }
        Map<SpecialUse, String> resolved = new EnumMap<>(SpecialUse.class);
        for (SpecialUse u : SpecialUse.values()) {
            String name = byAttribute.getOrDefault(u, byName.get(u));
            resolved.put(u, name != null ? name : u.exchangeName());
        }
        return resolved;
    }

    /**
     * One {@code CREATE}, where Angus's {@code Folder.create} adds three LISTs. A refusal is no
     * failure if the folder exists after all (another connection of the mailbox created it, or the
     * listing missed it): asked then, not before. True if this CREATE made the folder.
     */
    private boolean create(String name) throws MessagingException {
        Object refused = channel.get().doCommand(p -> {
            try {
                p.create(name);
                return null;
            } catch (CommandFailedException e) {
                return e;
            }
        });
        if (refused != null && !listed(name)) {
            throw TransferException.permanent("The target refused to create folder '" + name + "' in "
                    + session.mailbox() + ": " + ((CommandFailedException) refused).getMessage(), null);
        }
        return refused == null;
    }

    /**
     * Creates the missing ones among {@code folders} and their parents, parents first, with all
     * the CREATEs sent before the first answer is read: one round trip for a new mailbox's
     * folders instead of one each. The server runs them in the order sent (RFC 3501 5.5: a CREATE
     * affects no other's result). A refused CREATE, or a connection lost meanwhile, is left for
     * {@link #ensure}: the folder's own copy meets it and reports it, or retries.
     */
    void prepare(List<TargetFolder> folders) {
        try {
            listOnce();
            Set<String> missing = new LinkedHashSet<>();
            Set<String> asked = new HashSet<>();
            for (TargetFolder folder : folders) {
                String full = fullName(folder);
                if (!ensured.contains(full)) {
                    asked.add(full);
                    missing.addAll(missingOnPath(full));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            List<String> names = List.copyOf(missing);
            boolean[] made = (boolean[]) channel.get().doCommand(p -> createAll(p, names));
            for (int i = 0; i < made.length; i++) {
                if (made[i]) {
                    ensured.add(names.get(i));
                    if (asked.contains(names.get(i))) {
                        createdUnread.add(names.get(i));
                    }
                }
            }
        } catch (MessagingException e) {
            LOG.debug("{}: the folders were not made ahead ({}); each is made as its copy starts",
                    session.mailbox(), e.getMessage());
        }
    }

    /** Sends a CREATE for each of {@code names}, then reads the answers: which of them it made. */
    private static boolean[] createAll(IMAPProtocol p, List<String> names) throws ProtocolException {
        InFlight creates = new InFlight(p);
        for (int i = 0; i < names.size(); i++) {
            Argument args = new Argument();
            args.writeString(BASE64MailboxEncoder.encode(names.get(i)));
            creates.send("CREATE", args, i);
        }
        boolean[] made = new boolean[names.size()];
        while (!creates.isEmpty()) {
            InFlight.Result r = creates.next();
            made[r.index()] = r.response().isOK();
        }
        return made;
    }

    /** The folder {@code full} and its parents, parents first, that are not known to exist (the INBOX always is). */
    private List<String> missingOnPath(String full) throws MessagingException {
        String sep = String.valueOf(separator());
        List<String> missing = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        for (String part : full.split(Pattern.quote(sep))) {
            name.append(name.length() == 0 ? "" : sep).append(part);
            String n = name.toString();
            if (!ensured.contains(n) && !n.equalsIgnoreCase("INBOX")) {
                missing.add(n);
            }
        }
        return missing;
    }

    /** Creates the folder and its missing parents. */
    void ensure(TargetFolder folder) {
        try {
            String full = fullName(folder);
            listOnce();
            if (ensured.contains(full)) {
                return;
            }
            for (String n : missingOnPath(full)) {
                boolean made = create(n);
                ensured.add(n);
                if (made && n.equals(full)) {
                    // Only the folder asked for: its copy starts now, on this connection. A parent
                    // made on the way may be another connection's folder, filled from there.
                    createdUnread.add(full);
                }
            }
            ensured.add(full);
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot create " + folder + " in " + session.mailbox(), e);
        }
    }
}
