package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TargetMessage;
import be.cfwb.bma.transfer.TransferException;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.UID;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The copies in a selected target folder, by their trace header. The FETCH answers are read by
 * {@link RawFetch}, not Angus's {@code folder.fetch}, which takes a refused FETCH (a throttled NO)
 * for an empty answer: a listing short of a copy would copy that message a second time. Here a
 * refusal throws, classified by {@link ImapErrors}, so it is retried and counted.
 */
final class TargetListing {

    private static final String ITEMS = "(UID FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (" + SourceKey.HEADER
            + " Message-ID)])";

    private final BmaAddress mailbox;

    TargetListing(BmaAddress mailbox) {
        this.mailbox = mailbox;
    }

    List<TargetMessage> list(IMAPFolder folder, TargetFolder target) throws MessagingException {
        int count = folder.getMessageCount();
        List<TargetMessage> result = new ArrayList<>();
        for (int from = 1; from <= count; from += ImapSource.BATCH) {
            String command = "FETCH " + from + ":" + Math.min(count, from + ImapSource.BATCH - 1) + " " + ITEMS;
            RawFetch fetch = (RawFetch) folder.doCommand(p -> {
                RawFetch f = RawFetch.run(p, command);
                f.requireOk(p);
                return f;
            });
            if (!fetch.unparsable().isEmpty()) {
                throw unreadable(target, fetch.unparsable().get(0));
            }
            for (FetchResponse r : fetch.fetches()) {
                copyIn(r, target).ifPresent(result::add);
            }
        }
        return result;
    }

    /** The copy an answer describes, if it carries our trace header. */
    private Optional<TargetMessage> copyIn(FetchResponse r, TargetFolder target) throws MessagingException {
        BODY body = r.getItem(BODY.class);
        UID uid = r.getItem(UID.class);
        FLAGS flags = r.getItem(FLAGS.class);
        INTERNALDATE date = r.getItem(INTERNALDATE.class);
        if (body == null && uid == null && flags == null && date == null) {
            return Optional.empty(); // an unsolicited FLAGS update, not an answer to the listing
        }
        if (body == null) {
            throw unreadable(target, "message #" + r.getNumber() + ": no header fields in the answer");
        }
        ByteArray block = body.getByteArray();
        HeaderFields headers = block == null ? HeaderFields.of(null, 0, 0)
                : HeaderFields.of(block.getBytes(), block.getStart(), block.getCount());
        List<String> values = headers.values(SourceKey.HEADER);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        if (uid == null || flags == null || date == null || date.getDate() == null) {
            throw unreadable(target, "message #" + r.getNumber() + ": no UID, flags or date");
        }
        // Ours is the first: it was prepended; a copy of a copy may carry an older one below.
        Optional<SourceKey> key = SourceKey.parse(values.get(0));
        if (key.isEmpty()) {
            if (values.get(0).contains(mailbox.toString())) {
                // Ours, damaged: which message it copies cannot be known, and copying
                // that message again would make a second copy.
                throw TransferException.permanent("The copy UID " + uid.uid + " in " + target + " of " + mailbox
                        + " carries a damaged trace header (" + SourceKey.HEADER + ": "
                        + RawFetch.words(values.get(0)) + "): nothing is copied to " + target
                        + " until it is repaired or removed, so that no message is copied twice", null);
            }
            return Optional.empty(); // a stranger's header, not ours to trust
        }
        List<String> ids = headers.values("Message-ID");
        return Optional.of(new TargetMessage(key.get(), Long.toString(uid.uid), ImapFlags.of(flags),
                date.getDate().toInstant(), ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(0).strip())));
    }

    /**
     * The failure for a copy whose answer could not be read: the copies of the folder are not
     * all known, so nothing is copied to it (a copy made now might be a second one). Retryable:
     * a garbled answer may be a passing fault.
     */
    private TransferException unreadable(TargetFolder target, String words) {
        return TransferException.retryable("The target's answer for a message of " + target + " in " + mailbox
                + " cannot be read (" + words + "): nothing is copied to " + target
                + " until it can, so that no message is copied twice", null);
    }
}
