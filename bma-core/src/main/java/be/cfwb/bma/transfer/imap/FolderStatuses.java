package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.MailboxSource;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.Namespaces;
import org.eclipse.angus.mail.imap.protocol.Status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a source knows of its folders' UIDNEXT and UIDVALIDITY in this pass: each folder's answer
 * to the one {@code LIST ... RETURN (STATUS ...)} (RFC 5819) where the server offers LIST-STATUS,
 * else its own STATUS, asked once. A status serves the whole pass: the mailbox-wide "nothing new?"
 * check and each folder's own check read the same answer, so a folder costs at most one STATUS.
 * That an answer is a little old only leaves a message that arrived since to the next pass, as if
 * it had arrived after this one; a pass that compares everything (the final one) does not ask.
 * One per source connection; a further connection of the mailbox starts with a {@link #copy}.
 */
final class FolderStatuses {

    static final String LIST = "LIST \"\" \"*\"";
    static final String LIST_STATUS = LIST + " RETURN (STATUS (UIDNEXT UIDVALIDITY MESSAGES))";
    /** With each folder's size in bytes too (RFC 8438), where the server offers STATUS=SIZE. */
    static final String LIST_STATUS_SIZE = LIST + " RETURN (STATUS (UIDNEXT UIDVALIDITY MESSAGES SIZE))";
    private static final String[] ITEMS = {"UIDNEXT", "UIDVALIDITY"};

    /**
     * The folders of one LIST, their statuses where it gave them, and the namespaces where they
     * were asked with it and answered.
     */
    record Listing(List<ListInfo> folders, FolderStatuses statuses, Optional<Namespaces> namespaces) {
    }

    /** Asks the server for one folder's status. */
    @FunctionalInterface
    interface StatusCommand {
        Status status(String name, String[] items) throws MessagingException;
    }

    private final Map<String, Status> byName;

    private FolderStatuses(Map<String, Status> byName) {
        this.byName = Collections.synchronizedMap(byName);
    }

    /** The statuses known so far, for another connection of the same mailbox in this pass. */
    FolderStatuses copy() {
        synchronized (byName) {
            return new FolderStatuses(new HashMap<>(byName));
        }
    }

    /**
     * Every folder in one LIST, with their statuses where the server offers LIST-STATUS; with
     * {@code namespaces} and where the server offers NAMESPACE, its NAMESPACE sent just before, in
     * the same round trip. Answers that are not ours go to the protocol's handlers, as Angus's own
     * commands do.
     */
    static Listing list(IMAPProtocol p, boolean namespaces) throws ProtocolException {
        List<ListInfo> folders = new ArrayList<>();
        Map<String, Status> found = new HashMap<>();
        String namespaceTag = null;
        if (namespaces && p.hasCapability("NAMESPACE")) {
            try {
                namespaceTag = p.writeCommand("NAMESPACE", null);
            } catch (IOException e) {
                throw new ConnectionException(p, Response.byeResponse(e));
            }
        }
        String list = !p.hasCapability("LIST-STATUS") ? LIST : p.hasCapability("STATUS=SIZE") ? LIST_STATUS_SIZE : LIST_STATUS;
        Response[] responses = p.command(list, null);
        Response result = responses[responses.length - 1];
        Namespaces answered = null;
        boolean namespaceOk = false;
        for (int i = 0; namespaceTag != null && i < responses.length - 1; i++) {
            if (responses[i].isTagged() && namespaceTag.equals(responses[i].getTag())) {
                namespaceOk = responses[i].isOK();
                responses[i] = null;
            } else if (responses[i] instanceof IMAPResponse ir && ir.keyEquals("NAMESPACE")) {
                try {
                    answered = new Namespaces(ir);
                } catch (ProtocolException e) {
                    // left to be asked on its own
                }
                responses[i] = null;
            }
        }
        if (result.isOK()) {
            for (int i = 0; i < responses.length - 1; i++) {
                if (!(responses[i] instanceof IMAPResponse ir)) {
                    continue;
                }
                if (ir.keyEquals("LIST")) {
                    folders.add(new ListInfo(ir));
                    responses[i] = null;
                } else if (ir.keyEquals("STATUS")) {
                    try {
                        Status st = new Status(ir);
                        found.put(st.mbox, st);
                    } catch (ParsingException e) {
                        // that folder is asked with its own STATUS
                    }
                    responses[i] = null;
                }
            }
        }
        p.notifyResponseHandlers(responses);
        p.handleResult(result);
        return new Listing(folders, new FolderStatuses(found),
                namespaceOk ? Optional.ofNullable(answered) : Optional.empty());
    }

    /**
     * The status of folder {@code name} if the listing gave it and it held no message then; never
     * asked: a STATUS of its own would cost as much as opening the folder saves.
     */
    Optional<MailboxSource.EmptyFolder> knownEmpty(String name) {
        Status status = byName.get(name);
        return status != null && status.total == 0 && status.uidvalidity > 0 && status.uidnext > 0
                ? Optional.of(new MailboxSource.EmptyFolder(status.uidvalidity, status.uidnext)) : Optional.empty();
    }

    /** How many messages folder {@code name} held by the listing's status, if it gave one; never asked. */
    OptionalInt messages(String name) {
        Status status = byName.get(name);
        return status != null && status.total >= 0 ? OptionalInt.of(status.total) : OptionalInt.empty();
    }

    /**
     * Folder {@code name}'s size in bytes and its UIDNEXT, by the listing's status, if it gave
     * both and the folder held messages then; never asked.
     */
    Optional<SizeAndNext> sizeAndNext(String name) {
        Status status = byName.get(name);
        long size = status == null ? -1 : status.getItem("SIZE");
        return status != null && status.total > 0 && size >= 0 && status.uidnext > 1
                ? Optional.of(new SizeAndNext(size, status.uidnext)) : Optional.empty();
    }

    /** A folder's size in bytes and its UIDNEXT by one status answer. */
    record SizeAndNext(long bytes, long uidNext) {
    }

    /**
     * True only if folder {@code name} held no message above {@code highestUid} under
     * {@code uidValidity} when its status was taken; {@code ask} is used for a folder the LIST did
     * not give, once in the pass.
     */
    boolean nothingAbove(String name, long uidValidity, long highestUid, StatusCommand ask) throws MessagingException {
        Status status = byName.get(name);
        if (status == null && !byName.containsKey(name)) {
            status = ask.status(name, ITEMS);
            byName.put(name, status);
        }
        // UIDNEXT only grows: at most one past the highest UID done means nothing had arrived.
        return status != null && status.uidvalidity == uidValidity && status.uidnext > 0 && status.uidnext <= highestUid + 1;
    }
}
