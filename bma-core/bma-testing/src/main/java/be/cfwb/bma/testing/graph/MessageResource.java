package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Messages, of a mailbox ({@code /users/{id}/messages}) or of a folder: list (with the property
 * filter and {@code $count}), create (as a draft unless PR_MESSAGE_FLAGS says sent), read, patch,
 * delete; their attachments go to {@link AttachmentResource}.
 */
final class MessageResource {

    private static final int PR_MESSAGE_FLAGS_READ = 0x1;
    private static final int PR_MESSAGE_FLAGS_UNSENT = 0x8;

    private final StandInState state;
    private final AttachmentResource attachments;

    MessageResource(StandInState state, AttachmentResource attachments) {
        this.state = state;
        this.attachments = attachments;
    }

    /** {@code r}'s segments start after {@code messages}; {@code folder} is null for the whole mailbox. */
    Answer answer(StandInRequest r, StandInState.Folder folder) {
        StandInState.User user = r.user();
        List<String> s = r.segments();
        if (s.isEmpty()) {
            if (r.method().equals("GET")) {
                return list(r, folder);
            }
            r.requireMethod("POST");
            GraphRefusal.requireWrite(user);
            return create(user, folder != null ? folder : user.folder("drafts"), r.json(), r.body().length);
        }
        if (s.get(0).equals("$count") && s.size() == 1) {
            r.requireMethod("GET");
            return Answer.text(200, Integer.toString(filter(user, folder, r.query().get("$filter")).size()));
        }
        StandInState.Message message = user.messages.get(s.get(0));
        if (message == null || (folder != null && !message.folderId.equals(folder.id))) {
            throw GraphRefusal.notFound();
        }
        if (s.size() == 1) {
            return one(r, message);
        }
        if (s.get(1).equals("attachments") && s.size() == 2) {
            return attachments.answer(r, message);
        }
        if (s.get(1).equals("attachments") && s.size() == 3 && s.get(2).equals("createUploadSession")) {
            r.requireMethod("POST");
            GraphRefusal.requireWrite(user);
            return attachments.createUploadSession(user, message, r.json());
        }
        throw GraphRefusal.noSuchSegment(String.join("/", s));
    }

    private Answer one(StandInRequest r, StandInState.Message message) {
        if (r.method().equals("GET")) {
            return Answer.json(200, messageJson(message, r.query().get("$expand")));
        }
        if (r.method().equals("PATCH")) {
            GraphRefusal.requireWrite(r.user());
            return patch(message, r.json());
        }
        r.requireMethod("DELETE");
        GraphRefusal.requireWrite(r.user());
        synchronized (state) {
            r.user().messages.remove(message.id);
        }
        return Answer.empty(204);
    }

    private Answer list(StandInRequest r, StandInState.Folder folder) {
        List<StandInState.Message> found = filter(r.user(), folder, r.query().get("$filter"));
        ArrayNode values = GraphStandIn.JSON.createArrayNode();
        for (StandInState.Message m : found) {
            values.add(messageJson(m, r.query().get("$expand")));
        }
        ObjectNode page = ODataQuery.page(r.query(), values, r.self());
        if ("true".equalsIgnoreCase(r.query().get("$count"))) {
            page.put("@odata.count", found.size());
        }
        return Answer.json(200, page);
    }

    private Answer create(StandInState.User user, StandInState.Folder folder, ObjectNode body, int requestSize) {
        GraphShapes.checkMessage(body);
        List<StandInState.Attachment> parsed = new ArrayList<>();
        for (JsonNode a : body.path("attachments")) {
            if (!a.isObject()) {
                throw new GraphRefusal(400, "RequestBodyRead", "attachments must hold objects.");
            }
            parsed.add(attachments.parse((ObjectNode) a));
        }
        body.remove("attachments");
        Integer flags = null;
        String received = null;
        String sent = null;
        for (JsonNode p : body.path("singleValueExtendedProperties")) {
            String id = p.path("id").asText("");
            if (id.equalsIgnoreCase("Integer 0x0E07")) {
                flags = Integer.parseInt(p.path("value").asText());
            } else if (id.equalsIgnoreCase("SystemTime 0x0E06")) {
                received = OffsetDateTime.parse(p.path("value").asText()).toInstant().toString();
            } else if (id.equalsIgnoreCase("SystemTime 0x0039")) {
                sent = OffsetDateTime.parse(p.path("value").asText()).toInstant().toString();
            }
        }
        long total = requestSize;
        for (StandInState.Attachment a : parsed) {
            total += a.size;
        }
        if (total > state.maxMessageSize) {
            throw GraphRefusal.tooLarge();
        }
        StandInState.Message m = store(user, folder, body, requestSize, flags, parsed);
        synchronized (state) {
            if (received != null) {
                m.json.put("receivedDateTime", received);
            }
            if (sent != null) {
                m.json.put("sentDateTime", sent);
            }
            return Answer.json(201, messageJson(m, null));
        }
    }

    /** Stores a message as Exchange would: ids, times, draft and read state from PR_MESSAGE_FLAGS. */
    StandInState.Message store(StandInState.User user, StandInState.Folder folder, ObjectNode json,
                               long size, Integer flags, List<StandInState.Attachment> attachments) {
        synchronized (state) {
            String now = state.clock.instant().toString();
            ObjectNode stored = json.deepCopy();
            String id = StandInState.newId("AAMkAG");
            stored.put("id", id);
            stored.put("parentFolderId", folder.id);
            stored.put("createdDateTime", now);
            stored.put("lastModifiedDateTime", now);
            stored.put("receivedDateTime", now);
            boolean draft = flags == null || (flags & PR_MESSAGE_FLAGS_UNSENT) != 0;
            stored.put("isDraft", draft);
            stored.put("isRead", flags == null ? stored.path("isRead").asBoolean(true) : (flags & PR_MESSAGE_FLAGS_READ) != 0);
            if (!stored.hasNonNull("internetMessageId")) {
                stored.put("internetMessageId", "<" + UUID.randomUUID() + "@stand-in.local>");
            }
            if (!stored.hasNonNull("flag")) {
                stored.putObject("flag").put("flagStatus", "notFlagged");
            }
            if (!stored.hasNonNull("importance")) {
                stored.put("importance", "normal");
            }
            StandInState.Message m = new StandInState.Message(id, folder.id, stored, size);
            if (attachments != null) {
                m.attachments.addAll(attachments);
            }
            stored.put("hasAttachments", !m.attachments.isEmpty());
            user.messages.put(id, m);
            return m;
        }
    }

    private ObjectNode messageJson(StandInState.Message m, String expand) {
        synchronized (state) {
            ObjectNode o = m.json.deepCopy();
            o.put("hasAttachments", !m.attachments.isEmpty());
            o.remove("singleValueExtendedProperties");
            if (expand != null) {
                List<String> ids = ODataQuery.expandedIds(expand,
                        "The stand-in expands singleValueExtendedProperties($filter=id eq '...') only.");
                ArrayNode props = GraphStandIn.JSON.createArrayNode();
                for (JsonNode p : m.json.path("singleValueExtendedProperties")) {
                    if (ids.stream().anyMatch(id -> p.path("id").asText("").equalsIgnoreCase(id))) {
                        props.add(p.deepCopy());
                    }
                }
                if (!props.isEmpty()) {
                    o.set("singleValueExtendedProperties", props);
                }
            }
            return o;
        }
    }

    /** What Graph lets us change on an existing message: read state, flag, categories, extended properties. */
    private Answer patch(StandInState.Message message, ObjectNode body) {
        for (String field : GraphShapes.names(body)) {
            if (!GraphShapes.MESSAGE_PATCH_PROPERTIES.contains(field)) {
                throw new GraphRefusal(400, "ErrorInvalidPropertyUpdateSentMessage",
                        "Property '" + field + "' cannot be updated on this message.");
            }
        }
        ObjectNode check = body.deepCopy();
        check.remove("isRead");
        GraphShapes.checkMessage(check);
        synchronized (state) {
            if (body.has("isRead")) {
                message.json.put("isRead", body.get("isRead").asBoolean());
            }
            if (body.has("flag")) {
                message.json.set("flag", body.get("flag").deepCopy());
            }
            if (body.has("categories")) {
                message.json.set("categories", body.get("categories").deepCopy());
            }
            for (JsonNode p : body.path("singleValueExtendedProperties")) {
                String id = p.path("id").asText();
                if (id.equalsIgnoreCase("Integer 0x0E07") || id.toLowerCase(Locale.ROOT).startsWith("systemtime 0x0e06")) {
                    // Exchange keeps the flags and delivery time set at creation.
                    continue;
                }
                setProperty(message, id, p);
            }
            message.json.put("lastModifiedDateTime", state.clock.instant().toString());
            return Answer.json(200, messageJson(message, null));
        }
    }

    private static void setProperty(StandInState.Message message, String id, JsonNode p) {
        ArrayNode props = message.json.has("singleValueExtendedProperties")
                ? (ArrayNode) message.json.get("singleValueExtendedProperties")
                : message.json.putArray("singleValueExtendedProperties");
        boolean replaced = false;
        for (JsonNode existing : props) {
            if (existing.path("id").asText().equalsIgnoreCase(id)) {
                ((ObjectNode) existing).put("value", p.path("value").asText());
                replaced = true;
            }
        }
        if (!replaced) {
            props.add(p.deepCopy());
        }
    }

    private List<StandInState.Message> filter(StandInState.User user, StandInState.Folder folder, String filter) {
        Optional<ODataQuery.PropertyFilter> property = ODataQuery.propertyFilter(filter);
        List<StandInState.Message> out = new ArrayList<>();
        synchronized (state) {
            for (StandInState.Message msg : user.messages.values()) {
                if (folder != null && !msg.folderId.equals(folder.id)) {
                    continue;
                }
                if (property.isPresent() && !hasProperty(msg, property.get())) {
                    continue;
                }
                out.add(msg);
            }
        }
        return out;
    }

    private static boolean hasProperty(StandInState.Message msg, ODataQuery.PropertyFilter filter) {
        for (JsonNode p : msg.json.path("singleValueExtendedProperties")) {
            if (p.path("id").asText("").equalsIgnoreCase(filter.id()) && p.path("value").asText("").equals(filter.value())) {
                return true;
            }
        }
        return false;
    }
}
