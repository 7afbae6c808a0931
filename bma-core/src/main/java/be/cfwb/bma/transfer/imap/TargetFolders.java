package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.SpecialUse;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TransferException;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.imap.IMAPFolder;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The target's folders by name: a {@link TargetFolder}'s full IMAP name, its well-known base
 * found by SPECIAL-USE, else by its names in FR/NL/EN/DE (an Exchange mailbox in French calls
 * Sent Items {@code Éléments envoyés}), else Exchange's English name; and folders created with
 * their parents. What was listed or created is remembered for the life of the session.
 */
final class TargetFolders {

    private final ImapSession session;
    private Map<SpecialUse, String> wellKnown;
    /** The folders the session's one {@code LIST "" "*"} found, and those it created since. */
    private final Set<String> ensured = new HashSet<>();
    private boolean listed;

    TargetFolders(ImapSession session) {
        this.session = session;
    }

    char separator() throws MessagingException {
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
            wellKnown = listWellKnown();
            listed = true;
        }
    }

    /** True if the folder exists: listed or created in this session, else asked (one LIST). */
    boolean exists(String fullName) throws MessagingException {
        listOnce();
        return fullName.equalsIgnoreCase("INBOX") || ensured.contains(fullName)
                || session.store().getFolder(fullName).exists();
    }

    private Map<SpecialUse, String> listWellKnown() throws MessagingException {
        Map<SpecialUse, String> byAttribute = new EnumMap<>(SpecialUse.class);
        Map<SpecialUse, String> byName = new EnumMap<>(SpecialUse.class);
        char sep = separator();
        for (Folder f : session.store().getDefaultFolder().list("*")) {
            IMAPFolder folder = (IMAPFolder) f;
            ensured.add(folder.getFullName());
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
        return resolved;
    }

    /**
     * One {@code CREATE}, where Angus's {@code Folder.create} adds three LISTs. A refusal is no
     * failure if the folder exists after all (another connection of the mailbox created it, or the
     * listing missed it): asked then, not before.
     */
    private void create(String name) throws MessagingException {
        IMAPFolder store = (IMAPFolder) session.store().getDefaultFolder();
        Object refused = store.doCommand(p -> {
            try {
                p.create(name);
                return null;
            } catch (CommandFailedException e) {
                return e;
            }
        });
        if (refused != null && !session.store().getFolder(name).exists()) {
            throw TransferException.permanent("The target refused to create folder '" + name + "' in "
                    + session.mailbox() + ": " + ((CommandFailedException) refused).getMessage(), null);
        }
    }

    /** Creates the folder and its missing parents. */
    void ensure(TargetFolder folder) {
        try {
            String full = fullName(folder);
            listOnce();
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
                create(n);
                ensured.add(n);
            }
            ensured.add(full);
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot create " + folder + " in " + session.mailbox(), e);
        }
    }
}
