package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.transfer.FolderListing;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxConnector;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.RetryStats;
import be.cfwb.bma.transfer.SourceFolder;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.SpecialUse;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.UnreadableMessage;

import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.Namespaces;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads an old mailbox over IMAP without changing it: folders are opened read-only (EXAMINE),
 * bodies fetched with BODY.PEEK, several small ones per command or a large one in blocks of
 * {@value BodyStream#BLOCK} bytes asked ahead ({@link BodyStream}), metadata
 * (UID, FLAGS, RFC822.SIZE, INTERNALDATE, Message-ID) in batched FETCH ranges of
 * {@value #BATCH} messages, or, for a folder listed whole, with its EXAMINE in one round trip;
 * a small folder copied for the first time, with its bodies too ({@link #listWithBodies}).
 * Folder names arrive decoded from modified UTF-7.
 */
public final class ImapSource implements MailboxSource {

    static final int BATCH = 1000;
    /** The listing asked with a folder's EXAMINE when the whole folder is listed. */
    static final String LISTING_AHEAD = "FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)";

    private final ImapSession session;
    /** The folder statuses of this pass, from its LIST (see {@link #nothingAbove}); read by further connections' openings. */
    private volatile FolderStatuses statuses;
    private IMAPFolder open;
    private FolderPath openPath;
    /** The personal namespace, once the listing's NAMESPACE gave it; null until then. */
    private Optional<FolderPath> namespace;
    /** Throttling answers met on FETCHes whose answers were set aside (see {@link #countThrottled}). */
    private int throttledAside;

    private ImapSource(ImapSession session) {
        this.session = session;
    }

    /** Opens sources on {@code endpoint} with the credentials {@code credentials} gives each mailbox. */
    public static MailboxConnector<MailboxSource> connector(ImapEndpoint endpoint, CredentialSource credentials, Clock clock) {
        return new Connector(new ImapSession.Sessions(endpoint), credentials, clock);
    }

    /** Opens sources; a further one of a mailbox takes the hierarchy separator and the statuses its first one learnt. */
    private record Connector(ImapSession.Sessions sessions, CredentialSource credentials, Clock clock)
            implements MailboxConnector<MailboxSource> {
        @Override
        public MailboxSource open(BmaAddress mailbox) {
            ImapSource source = new ImapSource(new ImapSession(sessions, credentials.credentialsFor(mailbox), mailbox, clock));
            source.session.store();
            return source;
        }

        @Override
        public MailboxSource openBeside(BmaAddress mailbox, MailboxSource beside) {
            ImapSource source = (ImapSource) open(mailbox);
            if (beside instanceof ImapSource other && other.mailbox().equals(mailbox)) {
                // Spares the LIST "" "" its first folder name would cost, and the LIST-STATUS of a rerun.
                other.session.separatorIfKnown().ifPresent(source.session::knownSeparator);
                FolderStatuses known = other.statuses;
                source.statuses = known == null ? null : known.copy();
            }
            return source;
        }
    }

    @Override
    public BmaAddress mailbox() {
        return session.mailbox();
    }

    @Override
    public Optional<FolderPath> personalNamespace() {
        if (namespace != null) {
            return namespace;
        }
        try {
            Folder[] namespaces = session.store().getPersonalNamespaces();
            if (namespaces.length == 0 || namespaces[0].getFullName().isEmpty()) {
                return Optional.empty();
            }
            String prefix = namespaces[0].getFullName();
            char separator = namespaces[0].getSeparator();
            if (separator != 0 && prefix.charAt(prefix.length() - 1) == separator) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            return prefix.isEmpty() ? Optional.empty() : Optional.of(path(prefix, separator));
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read the namespaces of " + mailbox(), e);
        }
    }

    @Override
    public List<SourceFolder> folders() {
        return folders(false);
    }

    /** The NAMESPACE goes with the LIST, unless the namespace is known already. */
    @Override
    public List<SourceFolder> foldersAndNamespace() {
        return folders(namespace == null);
    }

    private List<SourceFolder> folders(boolean askNamespace) {
        try {
            List<ListInfo> listed = list(askNamespace);
            char separator = session.separator();
            List<SourceFolder> result = new ArrayList<>();
            boolean inbox = false;
            for (ListInfo folder : listed) {
                FolderPath path = path(folder.name, separator == 0 ? folder.separator : separator);
                Optional<SpecialUse> use = Optional.empty();
                boolean noselect = false;
                for (String attribute : folder.attrs) {
                    use = use.or(() -> SpecialUse.ofAttribute(attribute));
                    noselect |= attribute.equalsIgnoreCase("\\Noselect") || attribute.equalsIgnoreCase("\\NonExistent");
                }
                if (path.isInbox()) {
                    inbox = true;
                    path = FolderPath.inbox();
                }
                result.add(new SourceFolder(path, use, !noselect));
            }
            if (!inbox) {
                result.add(SourceFolder.of(FolderPath.inbox()));
            }
            result.sort(Comparator.comparing(SourceFolder::path));
            return List.copyOf(result);
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot list the folders of " + mailbox(), e);
        }
    }

    /**
     * Every folder, in one {@code LIST "" "*"}. Where the server offers LIST-STATUS (RFC 5819)
     * the same command returns each folder's UIDNEXT and UIDVALIDITY, kept for
     * {@link #nothingAbove}, and the session learns the hierarchy separator from the INBOX's
     * line: a rerun with nothing new then costs the old server this one command per mailbox
     * besides the login and LOGOUT.
     */
    private List<ListInfo> list(boolean askNamespace) throws MessagingException {
        FolderStatuses.Listing listing = (FolderStatuses.Listing) ((IMAPFolder) session.store().getDefaultFolder())
                .doCommand(p -> FolderStatuses.list(p, askNamespace));
        statuses = listing.statuses();
        listing.namespaces().ifPresent(n -> namespace = personal(n));
        listing.folders().stream().filter(f -> f.name.equalsIgnoreCase("INBOX")).findFirst()
                .ifPresent(inbox -> session.knownSeparator(inbox.separator));
        return listing.folders();
    }

    /** The first personal namespace of a NAMESPACE answer, as {@link #personalNamespace} gives it. */
    private static Optional<FolderPath> personal(Namespaces answer) {
        if (answer.personal == null || answer.personal.length == 0) {
            return Optional.empty();
        }
        String prefix = answer.personal[0].prefix;
        char separator = answer.personal[0].delimiter;
        if (separator != 0 && !prefix.isEmpty() && prefix.charAt(prefix.length() - 1) == separator) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix.isEmpty() ? Optional.empty() : Optional.of(path(prefix, separator));
    }

    static FolderPath path(String fullName, char separator) {
        if (separator == 0) {
            return FolderPath.of(fullName);
        }
        return new FolderPath(Arrays.asList(fullName.split(Pattern.quote(String.valueOf(separator)), -1)));
    }

    private IMAPFolder examine(FolderPath path) throws MessagingException {
        if (isOpen(path)) {
            return open;
        }
        if (session.needsReconnect()) {
            open = null;
        }
        closeFolder();
        IMAPFolder folder = (IMAPFolder) session.store().getFolder(imapName(path));
        folder.open(Folder.READ_ONLY);
        open = folder;
        openPath = path;
        if (folder.getUIDValidity() <= 0) {
            // Every copy's key and the ledger's marks hold it: without it, a copy could not be told
            // from one of an earlier folder of the same name, so the folder is reported, not copied.
            closeFolder();
            throw TransferException.permanent("The old server opened " + path + " in " + mailbox()
                    + " without a UIDVALIDITY, which every IMAP server must give (RFC 3501 2.3.1.1):"
                    + " its messages cannot be keyed, none is copied; ask the server's administrator", null);
        }
        return folder;
    }

    @Override
    public FolderListing list(FolderPath path, long afterUid) {
        return list(path, afterUid, true);
    }

    @Override
    public FolderListing list(FolderPath path, long afterUid, boolean messageIds) {
        try {
            if (afterUid <= 0 && !messageIds && !isOpen(path) && listableWithExamine(path)) {
                Optional<FolderListing.WithBodies> listed = listedWithExamine(path, LISTING_AHEAD);
                if (listed.isPresent()) {
                    return listed.get().listing();
                }
            }
            IMAPFolder folder = examine(path);
            long uidValidity = folder.getUIDValidity();
            Message[] messages = afterUid <= 0 ? folder.getMessages()
                    : folder.getMessagesByUID(afterUid + 1, UIDFolder.MAXUID);
            FetchProfile fp = new FetchProfile();
            fp.add(UIDFolder.FetchProfileItem.UID);
            fp.add(FetchProfile.Item.FLAGS);
            fp.add(FetchProfile.Item.SIZE);
            fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
            if (messageIds) {
                // A header read per message on the server (a file opened on a Maildir one) and a
                // header parse here: asked only when needed.
                fp.add("Message-ID");
            }
            List<SourceMessage> result = new ArrayList<>(messages.length);
            List<UnreadableMessage> unreadable = new ArrayList<>();
            for (int from = 0; from < messages.length; from += BATCH) {
                Message[] batch = Arrays.copyOfRange(messages, from, Math.min(messages.length, from + BATCH));
                folder.fetch(batch, fp);
                for (Message m : batch) {
                    if (m == null || m.isExpunged()) {
                        continue;
                    }
                    long uid;
                    Date received;
                    try {
                        uid = folder.getUID(m);
                        received = uid < 0 ? null : m.getReceivedDate();
                    } catch (MessagingException e) {
                        if (ImapErrors.isConnectionTrouble(e)) {
                            throw e;
                        }
                        uid = -1;
                        received = null;
                    }
                    if (uid < 0 || received == null) {
                        // Angus ignores an answer it cannot parse, and a refused FETCH (RFC 2180),
                        // and leaves the message unread. A garbled answer makes the message
                        // unreadable (reported, the rest of the folder copied); otherwise it is
                        // refused or throttled, and skipping it would drop it from the pass.
                        Optional<UnreadableMessage> garbled = unreadable(folder, path, m.getMessageNumber());
                        if (garbled.isPresent()) {
                            if (garbled.get().uid() > afterUid) {
                                unreadable.add(garbled.get());
                            }
                            continue;
                        }
                        throw TransferException.retryable("Cannot list " + path + " of " + mailbox() + ": message #"
                                + m.getMessageNumber() + " could not be read (FETCH refused; throttled?)", null);
                    }
                    if (uid <= afterUid) {
                        continue; // "UID n:*" always returns the last message, even below n
                    }
                    String[] ids = messageIds ? m.getHeader("Message-ID") : null;
                    result.add(new SourceMessage(uid, Math.max(0, m.getSize()), ImapFlags.of(m.getFlags()),
                            received.toInstant(),
                            ids == null || ids.length == 0 ? Optional.empty() : Optional.of(ids[0].strip())));
                }
                // Let the folder forget what it cached for this batch: memory stays per batch.
                for (Message m : batch) {
                    if (m instanceof IMAPMessage im) {
                        im.invalidateHeaders();
                    }
                }
            }
            result.sort(Comparator.comparingLong(SourceMessage::uid));
            unreadable.sort(Comparator.comparingLong(UnreadableMessage::uid));
            return new FolderListing(uidValidity, result, unreadable);
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot list " + path + " of " + mailbox(), e);
        }
    }

    /**
     * A folder whose size by the pass's status listing (STATUS=SIZE) is at most {@code maxBytes}
     * is listed and read with its EXAMINE, in one round trip, up to the UIDNEXT of that status:
     * a message that arrived since is not read (the listing then differs from the folder, and
     * the folder is listed the usual way), so no more than {@code maxBytes} come into memory.
     */
    @Override
    public FolderListing.WithBodies listWithBodies(FolderPath path, long maxBytes) {
        try {
            if (!isOpen(path) && listableWithExamine(path)) {
                Optional<String> read = statuses.sizeAndNext(imapName(path)).filter(s -> s.bytes() <= maxBytes)
                        .map(s -> "UID FETCH 1:" + (s.uidNext() - 1) + " (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])");
                Optional<FolderListing.WithBodies> listed = listedWithExamine(path, read.orElse(LISTING_AHEAD));
                if (listed.isPresent()) {
                    return listed.get();
                }
            }
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot list " + path + " of " + mailbox(), e);
        }
        return list(path, 0, false).withoutBodies();
    }

    /**
     * A whole folder's listing asked with its EXAMINE by {@code command}, in one round trip
     * instead of two, with the bodies the command asked for; empty
     * where its answer is not the whole, plain listing (refused, a message missing or unparsable,
     * other news from the server meanwhile): the folder is then listed the usual way, which finds
     * and reports what is wrong; a throttling refusal set aside still counts.
     */
    private Optional<FolderListing.WithBodies> listedWithExamine(FolderPath path, String command)
            throws MessagingException {
        OneTripPlainProtocol.ListingAhead ahead = new OneTripPlainProtocol.ListingAhead(command);
        IMAPFolder folder;
        OneTripPlainProtocol.listAheadOfNextExamine(ahead);
        try {
            folder = examine(path);
        } catch (MessagingException | RuntimeException e) {
            ahead.answer().ifPresent(this::countThrottled);
            throw e;
        } finally {
            OneTripPlainProtocol.listAheadOfNextExamine(null);
        }
        if (ahead.answer().isEmpty()) {
            return Optional.empty();
        }
        RawFetch answer = ahead.answer().get();
        countThrottled(answer);
        long uidValidity = folder.getUIDValidity();
        int exists = folder.getMessageCount();
        if (!answer.others().isEmpty()) {
            // News the folder did not see (a message arrived, one was expunged): opened afresh.
            closeFolder();
            return Optional.empty();
        }
        if (exists == 0) {
            return Optional.of(new FolderListing(uidValidity, List.of()).withoutBodies());
        }
        if (!answer.result().isOK() || !answer.unparsable().isEmpty() || answer.fetches().size() != exists) {
            return Optional.empty();
        }
        List<SourceMessage> result = new ArrayList<>(exists);
        Map<Long, ByteBuffer> bodies = new HashMap<>();
        for (FetchResponse f : answer.fetches()) {
            UID uid = f.getItem(UID.class);
            FLAGS flags = f.getItem(FLAGS.class);
            RFC822SIZE size = f.getItem(RFC822SIZE.class);
            INTERNALDATE date = f.getItem(INTERNALDATE.class);
            if (uid == null || flags == null || size == null || date == null || date.getDate() == null) {
                return Optional.empty();
            }
            result.add(new SourceMessage(uid.uid, Math.max(0, size.size), ImapFlags.of(flags),
                    date.getDate().toInstant(), Optional.empty()));
            wholeBody(f).ifPresent(b -> bodies.put(uid.uid, b));
        }
        // RFC 3501 5.5 lets a server run a command sent behind another before that one is done,
        // unless it sees the ambiguity: such a server would list the mailbox open before. Its
        // answer would have this folder's count by chance at most, its size practically never: the
        // listing must add up to the size the status gave.
        long listed = result.stream().mapToLong(SourceMessage::size).sum();
        if (statuses.sizeAndNext(imapName(path)).filter(s -> s.bytes() == listed).isEmpty()) {
            return Optional.empty();
        }
        result.sort(Comparator.comparingLong(SourceMessage::uid));
        return Optional.of(new FolderListing.WithBodies(new FolderListing(uidValidity, result), bodies));
    }

    /**
     * A FETCH answer's whole message ({@code BODY[]}), kept in the answer's own buffer, not copied;
     * empty for a NIL body or none: such a message is read on its own, which reports it.
     */
    private static Optional<ByteBuffer> wholeBody(FetchResponse f) {
        BODY body = f.getItem(BODY.class);
        ByteArray bytes = body != null && body.getSection().isEmpty() && body.getOrigin() <= 0 ? body.getByteArray() : null;
        return bytes == null ? Optional.empty()
                : Optional.of(ByteBuffer.wrap(bytes.getBytes(), bytes.getStart(), bytes.getCount()).slice());
    }

    /**
     * True if the pass's status listing says the folder holds at most {@value #BATCH} messages (its
     * whole listing, read at once, then takes no more memory than one batch of the usual one) and
     * gives its size, which the answer must add up to (see {@link #listedWithExamine}).
     */
    private boolean listableWithExamine(FolderPath path) throws MessagingException {
        return statuses != null && statuses.messages(imapName(path)).orElse(Integer.MAX_VALUE) <= BATCH
                && statuses.sizeAndNext(imapName(path)).isPresent();
    }

    /** A FETCH's refusal, set aside for the usual listing, still counts if it was throttling. */
    private void countThrottled(RawFetch answer) {
        Response r = answer.result();
        if (r.isNO() || r.isBAD()) {
            ProtocolException e = r.isNO() ? new CommandFailedException(r) : new BadCommandException(r);
            if (ImapErrors.throttle(e).isPresent()) {
                throttledAside++;
            }
        }
    }

    @Override
    public RetryStats retryStats() {
        return new RetryStats(0, throttledAside, Duration.ZERO);
    }

    private boolean isOpen(FolderPath path) {
        return open != null && path.equals(openPath) && open.isOpen() && !session.needsReconnect();
    }

    /**
     * Message {@code number} asked again, its answers read here: if the server's answer cannot be
     * parsed, the message is unreadable, with those words; empty if the answer is refused or
     * readable now (the caller then retries the listing, as for a throttled FETCH).
     */
    private Optional<UnreadableMessage> unreadable(IMAPFolder folder, FolderPath path, int number)
            throws MessagingException {
        RawFetch again = (RawFetch) folder.doCommand(p -> {
            RawFetch f = RawFetch.run(p, "FETCH " + number + " (UID FLAGS RFC822.SIZE INTERNALDATE)");
            if (f.result().isBYE()) {
                f.requireOk(p);
            }
            return f;
        });
        if (!again.result().isOK() || again.unparsable().isEmpty()) {
            return Optional.empty();
        }
        String words = again.unparsable().get(0);
        long uid = RawFetch.uidIn(words).orElseGet(() -> uidOnly(folder, number));
        if (uid <= 0) {
            throw TransferException.retryable("Cannot list " + path + " of " + mailbox() + ": the old server's answer for"
                    + " message #" + number + " cannot be read, not even its UID: " + words, null);
        }
        return Optional.of(new UnreadableMessage(uid, "the old server's answer for UID " + uid + " of " + path
                + " cannot be read: " + words));
    }

    /** The UID of message {@code number} alone, or -1 if even that cannot be read. */
    private static long uidOnly(IMAPFolder folder, int number) {
        try {
            RawFetch f = (RawFetch) folder.doCommand(p -> RawFetch.run(p, "FETCH " + number + " (UID)"));
            return f.fetches().stream().map(r -> r.getItem(UID.class)).filter(Objects::nonNull)
                    .mapToLong(u -> u.uid).findFirst().orElse(-1);
        } catch (MessagingException e) {
            return -1;
        }
    }

    @Override
    public Map<Long, ByteBuffer> readAll(FolderPath path, long uidValidity, List<Long> uids) {
        if (uids.isEmpty()) {
            return Map.of();
        }
        try {
            IMAPFolder folder = examine(path);
            if (folder.getUIDValidity() != uidValidity) {
                throw TransferException.permanent("UIDVALIDITY of " + path + " in " + mailbox() + " changed from "
                        + uidValidity + " to " + folder.getUIDValidity() + " during the pass", null);
            }
            String command = "UID FETCH " + uidSet(uids) + " (UID BODY.PEEK[])";
            Map<Long, ByteBuffer> result = new HashMap<>();
            folder.doCommand(p -> {
                Response[] responses = p.command(command, null);
                for (int i = 0; i < responses.length; i++) {
                    if (responses[i] instanceof FetchResponse fr) {
                        UID uid = fr.getItem(UID.class);
                        BODY body = fr.getItem(BODY.class);
                        if (uid != null && body != null && body.getSection().isEmpty() && body.getOrigin() <= 0) {
                            // Each FETCH response has a buffer of its own (Angus reuses one only for
                            // its partial fetches): the message's bytes are kept there, not copied.
                            // A NIL body is left out: read alone, it is reported, never copied empty.
                            wholeBody(fr).ifPresent(b -> result.put(uid.uid, b));
                            responses[i] = null; // ours; the rest (EXPUNGE, EXISTS, flag updates) go to the folder
                        }
                    }
                }
                p.notifyResponseHandlers(responses);
                p.handleResult(responses[responses.length - 1]);
                return null;
            });
            result.keySet().retainAll(new HashSet<>(uids));
            return result;
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read " + uids.size() + " messages of " + path + " in " + mailbox(), e);
        }
    }

    /** {@code 1:3,7,9:10} for ascending UIDs 1, 2, 3, 7, 9, 10. */
    static String uidSet(List<Long> uids) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < uids.size()) {
            long start = uids.get(i);
            long end = start;
            while (i + 1 < uids.size() && uids.get(i + 1) == end + 1) {
                end = uids.get(++i);
            }
            i++;
            sb.append(sb.length() == 0 ? "" : ",").append(start);
            if (end != start) {
                sb.append(':').append(end);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean nothingAbove(FolderPath path, long uidValidity, long highestUid) {
        try {
            // STATUS without EXAMINE, on the connection a folder already holds if one is open: the
            // store would otherwise log in a second time while that folder keeps the first.
            String name = imapName(path);
            if (statuses == null) {
                list(false);
            }
            IMAPFolder channel = session.channel(open);
            return statuses.nothingAbove(name, uidValidity, highestUid,
                    (folder, items) -> (Status) channel.doCommand(p -> p.status(folder, items)));
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read the status of " + path + " in " + mailbox(), e);
        }
    }

    @Override
    public Optional<EmptyFolder> knownEmpty(FolderPath path) {
        try {
            return statuses == null ? Optional.empty() : statuses.knownEmpty(imapName(path));
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read the status of " + path + " in " + mailbox(), e);
        }
    }

    @Override
    public OptionalLong knownMessageCount(FolderPath path) {
        try {
            OptionalInt n = statuses == null ? OptionalInt.empty() : statuses.messages(imapName(path));
            return n.isPresent() ? OptionalLong.of(n.getAsInt()) : OptionalLong.empty();
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read the status of " + path + " in " + mailbox(), e);
        }
    }

    @Override
    public Optional<Duration> roundTrip() {
        return session.roundTrip(open);
    }

    @Override
    public List<Long> findByMessageId(FolderPath path, String messageId) {
        try {
            IMAPFolder folder = examine(path);
            // A quoted string: our Message-IDs hold no quote or backslash, but a stranger's might.
            String quoted = '"' + messageId.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
            List<Long> uids = new ArrayList<>();
            folder.doCommand(p -> {
                Response[] responses = p.command("UID SEARCH HEADER Message-ID " + quoted, null);
                Response result = responses[responses.length - 1];
                if (result.isOK()) {
                    for (int i = 0; i < responses.length - 1; i++) {
                        if (responses[i] instanceof IMAPResponse ir && ir.keyEquals("SEARCH")) {
                            long uid;
                            while ((uid = ir.readLong()) != -1) {
                                uids.add(uid);
                            }
                            responses[i] = null;
                        }
                    }
                }
                p.notifyResponseHandlers(responses);
                p.handleResult(result);
                return null;
            });
            return uids;
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot search " + path + " of " + mailbox() + " for " + messageId, e);
        }
    }

    private String imapName(FolderPath path) throws MessagingException {
        char separator = session.separator();
        return path.isInbox() ? "INBOX" : String.join(String.valueOf(separator), path.segments());
    }

    @Override
    public InputStream open(FolderPath path, long uidValidity, long uid) {
        return open(path, uidValidity, uid, BodyStream.SIZE_UNKNOWN);
    }

    @Override
    public InputStream open(FolderPath path, long uidValidity, long uid, long listedSize) {
        try {
            IMAPFolder folder = examine(path);
            if (folder.getUIDValidity() != uidValidity) {
                throw TransferException.permanent("UIDVALIDITY of " + path + " in " + mailbox() + " changed from "
                        + uidValidity + " to " + folder.getUIDValidity() + " during the pass", null);
            }
            // No FETCH (UID) first to learn whether the message is still there: the first block's
            // answer says it, a round trip less per message.
            String what = "Reading UID " + uid + " of " + path + " in " + mailbox();
            BodyStream body = new BodyStream(folder, uid, listedSize, what);
            boolean exists;
            try {
                exists = body.exists();
            } catch (IOException e) {
                closeQuietly(body);
                throw e.getCause() instanceof TransferException t ? t : TransferException.retryable(e.getMessage(), e);
            }
            if (!exists) {
                closeQuietly(body);
                throw TransferException.permanent("UID " + uid + " of " + path + " in " + mailbox()
                        + " is gone from the source (deleted while we copied)", null);
            }
            return body;
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read UID " + uid + " of " + path + " in " + mailbox(), e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // only drains what was asked; a broken connection is reopened before the next command
        }
    }

    private void closeFolder() {
        if (open != null) {
            try {
                if (open.isOpen()) {
                    open.close(false);
                }
            } catch (MessagingException | RuntimeException e) {
                // closing a read-only folder changes nothing; a failure only means the connection is gone
            }
            open = null;
            openPath = null;
        }
    }

    @Override
    public void close() {
        session.close(open);
        open = null;
        openPath = null;
    }

    @Override
    public String toString() {
        return "ImapSource[" + mailbox() + " on " + session.endpoint() + "]";
    }
}
