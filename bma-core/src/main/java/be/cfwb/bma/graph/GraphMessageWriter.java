package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import com.microsoft.graph.models.AttachmentItem;
import com.microsoft.graph.models.AttachmentType;
import com.microsoft.graph.models.FileAttachment;
import com.microsoft.graph.models.FollowupFlag;
import com.microsoft.graph.models.FollowupFlagStatus;
import com.microsoft.graph.models.ItemAttachment;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.MessageCollectionResponse;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import com.microsoft.graph.models.UploadSession;
import com.microsoft.graph.users.item.messages.item.attachments.createuploadsession.CreateUploadSessionPostRequestBody;
import com.microsoft.kiota.serialization.JsonSerializationWriter;
import com.microsoft.kiota.serialization.Parsable;
import jakarta.mail.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Writes messages into one mailbox through Graph's JSON create, so that each is a received or
 * sent item (not a draft) with its dates, read state, flag and source key, and reads back what
 * was written. One instance per mailbox, used from one thread.
 *
 * <p>A message that needs more than one request (attachments added after the create) is first
 * created with a {@code pending:} key and gets its real key only once complete: a crash half way
 * leaves an item that no rerun mistakes for a finished copy, and {@link #removePending} cleans it.
 */
final class GraphMessageWriter {

    private static final Logger LOG = LoggerFactory.getLogger(GraphMessageWriter.class);
    static final String PENDING = "pending:";
    /** Room kept in a create request for JSON around the attachments we count. */
    private static final int REQUEST_MARGIN = 128 * 1024;

    /** What one message needs: its key, size, state and bytes. */
    record Copy(String sourceKey, long size, boolean seen, boolean flagged, boolean answered, boolean forwarded,
                Instant internalDate, String sourceFlags, IoSupplier<InputStream> content, Optional<String> campaign) {
        Copy(String sourceKey, long size, boolean seen, boolean flagged, boolean answered, boolean forwarded,
             Instant internalDate, String sourceFlags, IoSupplier<InputStream> content) {
            this(sourceKey, size, seen, flagged, answered, forwarded, internalDate, sourceFlags, content, Optional.empty());
        }
    }

    /** Opens the original bytes again on each call. */
    @FunctionalInterface
    interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Written with this id, or refused for good with the reason. */
    record Result(String messageId, String refusal) {
        static Result written(String id) {
            return new Result(id, null);
        }

        static Result refused(String reason) {
            return new Result(null, reason);
        }

        boolean isWritten() {
            return messageId != null;
        }
    }

    /** A message of ours found on the target. */
    record Keyed(String id, String sourceKey, boolean read, boolean flagged, Instant received,
                 Optional<String> internetMessageId, Optional<String> sourceFlags) {
    }

    private final GraphConnection graph;
    private final String mailbox;
    /** The transfer's spool directory: a large message and its large parts are kept there while written. */
    private final Path spool;

    GraphMessageWriter(GraphConnection graph, String mailbox) {
        this(graph, mailbox, Path.of(System.getProperty("java.io.tmpdir")));
    }

    GraphMessageWriter(GraphConnection graph, String mailbox, Path spool) {
        this.graph = graph;
        this.mailbox = mailbox;
        this.spool = spool;
    }

    /**
     * Writes one message into {@code folderId}.
     *
     * @throws GraphFailure for what may pass on a later attempt (throttling beyond the retries,
     *                      a lost connection); nothing half-written is left behind under the real key
     */
    Result write(String folderId, Copy copy) {
        long limit = graph.settings().maxMessageSize();
        if (copy.size() > limit) {
            return Result.refused("message of " + copy.size() + " bytes is larger than the tenant's limit of " + limit
                    + " bytes (" + GraphSettings.MAX_MESSAGE_SIZE + "); raise the limit in Exchange Online or copy it"
                    + " another way");
        }
        // Parsed from a shared stream (memory or a spool file), never whole in the heap: parts are
        // windows on it, and large ones are decoded to spool files, then uploaded in chunks.
        try (MimeSource source = MimeSource.of(copy.content().get(), copy.size(), spool);
             MimeMapping mapping = MimeMapping.of(source.stream(), spool)) {
            return write(folderId, copy, mapping);
        } catch (MessagingException e) {
            return Result.refused("the message cannot be parsed as MIME: " + e.getMessage());
        } catch (IOException e) {
            throw new GraphFailure(BmaErrorCode.CONNECTION_FAILED, 0, null, "Reading source message " + copy.sourceKey()
                    + " for " + mailbox + " failed: " + e.getMessage(), e);
        }
    }

    private Result write(String folderId, Copy copy, MimeMapping mapping) throws IOException {
        Message message = mapping.message;
        Instant sent = sentDate(copy, mapping);
        FollowupFlag flag = new FollowupFlag();
        flag.setFlagStatus(copy.flagged() ? FollowupFlagStatus.Flagged : FollowupFlagStatus.NotFlagged);
        message.setFlag(flag);

        List<MimeAttachment> later = new ArrayList<>();
        List<com.microsoft.graph.models.Attachment> inline = new ArrayList<>();
        long room = GraphSettings.MAX_REQUEST_BYTES - REQUEST_MARGIN - jsonSize(message);
        if (room < 0) {
            return Result.refused("its body alone is larger than Graph's 4 MB request limit; copy it with the IMAP target");
        }
        for (MimeAttachment a : mapping.attachments) {
            com.microsoft.graph.models.Attachment small = a.file == null ? graphAttachment(a) : null;
            long cost = small == null ? Long.MAX_VALUE : jsonSize(small) + 1024;
            if (small != null && cost <= room) {
                inline.add(small);
                room -= cost;
            } else {
                later.add(a);
            }
        }
        if (!inline.isEmpty()) {
            message.setAttachments(inline);
        }
        boolean twoStep = !later.isEmpty();
        String keyValue = twoStep ? PENDING + copy.sourceKey() : copy.sourceKey();
        message.setSingleValueExtendedProperties(properties(copy, sent, keyValue));

        String id;
        try {
            id = graph.call(mailbox, "creation of message " + copy.sourceKey(), () -> graph.client().users()
                    .byUserId(mailbox).mailFolders().byMailFolderId(folderId).messages().post(message)).getId();
        } catch (GraphFailure e) {
            if (e.isConnectionLost()) {
                Optional<String> made = find(folderId, keyValue);
                if (made.isPresent() && !twoStep) {
                    LOG.info("Message {} was created in {} although the answer was lost", copy.sourceKey(), mailbox);
                    return Result.written(made.get());
                }
                made.ifPresent(this::delete);
                throw e;
            }
            Optional<String> refusal = refusal(e);
            if (refusal.isPresent()) {
                return Result.refused(refusal.get());
            }
            throw e;
        }
        if (!twoStep) {
            return Result.written(id);
        }
        try {
            for (MimeAttachment a : later) {
                attach(id, a);
            }
            SingleValueLegacyExtendedProperty key = property(MapiProperties.SOURCE_KEY, copy.sourceKey());
            Message patch = new Message();
            patch.setSingleValueExtendedProperties(List.of(key));
            graph.call(mailbox, "completion of message " + copy.sourceKey(), () -> graph.client().users()
                    .byUserId(mailbox).messages().byMessageId(id).patch(patch));
            return Result.written(id);
        } catch (GraphFailure e) {
            delete(id);
            Optional<String> refusal = refusal(e);
            if (refusal.isPresent()) {
                return Result.refused(refusal.get());
            }
            throw e;
        }
    }

    private static Optional<String> refusal(GraphFailure e) {
        if (e.status() == 413 || "ErrorMessageSizeExceeded".equals(e.graphCode())) {
            return Optional.of("Exchange refused it as too large (HTTP " + e.status() + " " + e.graphCode() + ")");
        }
        if (e.status() == 400) {
            return Optional.of("Graph refused it as invalid: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** The Date header, else INTERNALDATE (a message without Date was still received then). */
    private static Instant sentDate(Copy copy, MimeMapping mapping) {
        return mapping.sentDate != null ? mapping.sentDate : copy.internalDate();
    }

    private static List<SingleValueLegacyExtendedProperty> properties(Copy copy, Instant sent, String keyValue) {
        List<SingleValueLegacyExtendedProperty> props = new ArrayList<>();
        // Read bit only: the unsent bit (0x8) would make it a draft.
        props.add(property(MapiProperties.MESSAGE_FLAGS, Integer.toString(copy.seen() ? MapiProperties.FLAG_READ : 0)));
        props.add(property(MapiProperties.DELIVERY_TIME, copy.internalDate().truncatedTo(ChronoUnit.SECONDS).toString()));
        props.add(property(MapiProperties.SUBMIT_TIME, sent.truncatedTo(ChronoUnit.SECONDS).toString()));
        if (copy.answered() || copy.forwarded()) {
            props.add(property(MapiProperties.LAST_VERB, Integer.toString(copy.answered()
                    ? MapiProperties.VERB_REPLIED : MapiProperties.VERB_FORWARDED)));
        }
        if (copy.sourceFlags() != null) {
            props.add(property(MapiProperties.SOURCE_FLAGS, copy.sourceFlags()));
        }
        props.add(property(MapiProperties.SOURCE_KEY, keyValue));
        copy.campaign().ifPresent(c -> props.add(property(MapiProperties.CAMPAIGN, c)));
        return props;
    }

    static SingleValueLegacyExtendedProperty property(String id, String value) {
        SingleValueLegacyExtendedProperty p = new SingleValueLegacyExtendedProperty();
        p.setId(id);
        p.setValue(value);
        return p;
    }

    private static com.microsoft.graph.models.Attachment graphAttachment(MimeAttachment a) {
        if (a.item) {
            ItemAttachment item = new ItemAttachment();
            item.setName(a.name);
            item.setItem(a.nested);
            return item;
        }
        FileAttachment f = new FileAttachment();
        f.setName(a.name);
        f.setContentType(a.contentType);
        f.setContentBytes(a.data);
        f.setIsInline(a.inline);
        if (a.contentId != null) {
            f.setContentId(a.contentId);
        }
        return f;
    }

    private void attach(String messageId, MimeAttachment a) throws IOException {
        if (a.file == null && (a.item || a.size < GraphSettings.UPLOAD_SESSION_THRESHOLD)) {
            com.microsoft.graph.models.Attachment small = graphAttachment(a);
            graph.call(mailbox, "attachment " + a.name, () -> graph.client().users().byUserId(mailbox).messages()
                    .byMessageId(messageId).attachments().post(small));
            return;
        }
        upload(messageId, a);
    }

    /** An upload session and sequential ranged PUTs, each under Graph's 4 MB request limit. */
    private void upload(String messageId, MimeAttachment a) throws IOException {
        CreateUploadSessionPostRequestBody request = new CreateUploadSessionPostRequestBody();
        AttachmentItem item = new AttachmentItem();
        item.setAttachmentType(AttachmentType.File);
        item.setName(a.name);
        item.setSize(a.size);
        item.setContentType(a.contentType);
        item.setIsInline(a.inline);
        if (a.contentId != null) {
            item.setContentId(a.contentId);
        }
        request.setAttachmentItem(item);
        UploadSession session = graph.call(mailbox, "upload session for " + a.name, () -> graph.client().users()
                .byUserId(mailbox).messages().byMessageId(messageId).attachments().createUploadSession().post(request));
        int chunkSize = graph.settings().uploadChunkSize();
        byte[] buffer = new byte[chunkSize];
        long offset = 0;
        try (InputStream in = a.open()) {
            while (offset < a.size) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(chunkSize, a.size - offset));
                if (n <= 0) {
                    throw new IOException("attachment " + a.name + " ended at " + offset + " of " + a.size + " bytes");
                }
                byte[] chunk = n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
                graph.putChunk(mailbox, session.getUploadUrl(), chunk, offset, a.size);
                offset += n;
            }
        }
    }

    /** The id of the message in {@code folderId} whose source key property is {@code keyValue}. */
    Optional<String> find(String folderId, String keyValue) {
        String filter = "singleValueExtendedProperties/any(ep: ep/id eq '" + MapiProperties.SOURCE_KEY
                + "' and ep/value eq '" + keyValue.replace("'", "''") + "')";
        MessageCollectionResponse found = graph.call(mailbox, "look-up of " + keyValue, () -> graph.client().users()
                .byUserId(mailbox).mailFolders().byMailFolderId(folderId).messages().get(r -> {
                    r.queryParameters.filter = filter;
                    r.queryParameters.select = new String[] {"id"};
                }));
        return found.getValue() == null || found.getValue().isEmpty() ? Optional.empty()
                : Optional.of(found.getValue().get(0).getId());
    }

    /** Every message of the folder carrying a source key (pending ones included), page by page. */
    List<Keyed> list(String folderId) {
        List<Keyed> out = new ArrayList<>();
        MessageCollectionResponse page = graph.call(mailbox, "listing of copied messages", () -> graph.client().users()
                .byUserId(mailbox).mailFolders().byMailFolderId(folderId).messages().get(r -> {
                    r.queryParameters.top = 250;
                    r.queryParameters.select = new String[] {"id", "isRead", "flag", "receivedDateTime",
                            "internetMessageId"};
                    r.queryParameters.expand = new String[] {"singleValueExtendedProperties($filter=id eq '"
                            + MapiProperties.SOURCE_KEY + "' or id eq '" + MapiProperties.SOURCE_FLAGS + "')"};
                }));
        while (true) {
            for (Message m : page.getValue()) {
                String key = null;
                String flags = null;
                if (m.getSingleValueExtendedProperties() != null) {
                    for (SingleValueLegacyExtendedProperty p : m.getSingleValueExtendedProperties()) {
                        if (p.getId() != null && p.getId().equalsIgnoreCase(MapiProperties.SOURCE_KEY)) {
                            key = p.getValue();
                        } else if (p.getId() != null && p.getId().equalsIgnoreCase(MapiProperties.SOURCE_FLAGS)) {
                            flags = p.getValue();
                        }
                    }
                }
                if (key != null) {
                    boolean flagged = m.getFlag() != null && m.getFlag().getFlagStatus() == FollowupFlagStatus.Flagged;
                    Instant received = m.getReceivedDateTime() == null ? Instant.EPOCH : m.getReceivedDateTime().toInstant();
                    out.add(new Keyed(m.getId(), key, Boolean.TRUE.equals(m.getIsRead()), flagged, received,
                            Optional.ofNullable(m.getInternetMessageId()), Optional.ofNullable(flags)));
                }
            }
            String next = page.getOdataNextLink();
            if (next == null) {
                return out;
            }
            page = graph.call(mailbox, "listing of copied messages", () -> graph.client().users().byUserId(mailbox)
                    .mailFolders().byMailFolderId(folderId).messages().withUrl(next).get());
        }
    }

    /** Deletes the incomplete copies a crash may have left in the folder; returns how many. */
    int removePending(List<Keyed> found) {
        int removed = 0;
        for (Keyed k : found) {
            if (k.sourceKey().startsWith(PENDING)) {
                delete(k.id());
                removed++;
            }
        }
        return removed;
    }

    /**
     * Read state and follow-up flag (what Graph lets us change after creation), and the record
     * of the source's flags.
     */
    void updateFlags(String messageId, boolean seen, boolean flagged, String sourceFlags) {
        Message patch = new Message();
        patch.setIsRead(seen);
        if (sourceFlags != null) {
            patch.setSingleValueExtendedProperties(List.of(property(MapiProperties.SOURCE_FLAGS, sourceFlags)));
        }
        FollowupFlag flag = new FollowupFlag();
        flag.setFlagStatus(flagged ? FollowupFlagStatus.Flagged : FollowupFlagStatus.NotFlagged);
        patch.setFlag(flag);
        graph.call(mailbox, "flag update", () -> graph.client().users().byUserId(mailbox).messages()
                .byMessageId(messageId).patch(patch));
    }

    private void delete(String messageId) {
        try {
            graph.call(mailbox, "removal of an incomplete copy", () -> {
                graph.client().users().byUserId(mailbox).messages().byMessageId(messageId).delete();
                return null;
            });
        } catch (GraphFailure e) {
            // Still marked pending: the next pass removes it.
            LOG.warn("Could not remove incomplete copy {} in {}: {}", messageId, mailbox, e.getMessage());
        }
    }

    /** The JSON size of a model, measured without touching its backing store (which the SDK's writer would). */
    static long jsonSize(Parsable value) {
        JsonSerializationWriter writer = new JsonSerializationWriter();
        writer.writeObjectValue(null, value);
        try (InputStream in = writer.getSerializedContent()) {
            return in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
