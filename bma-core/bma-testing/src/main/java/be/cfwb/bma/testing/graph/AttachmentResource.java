package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message's attachments: file and item attachments in a request body, and large files through
 * an upload session ({@code createUploadSession}, then {@code PUT} of byte ranges to its URL).
 */
final class AttachmentResource {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
    private static final long MAX_UPLOAD_SESSION_BYTES = 150L * 1024 * 1024;

    private final StandInState state;
    private final Supplier<String> origin;

    AttachmentResource(StandInState state, Supplier<String> origin) {
        this.state = state;
        this.origin = origin;
    }

    /** {@code /messages/{id}/attachments}: list or add one. */
    Answer answer(StandInRequest r, StandInState.Message message) {
        if (r.method().equals("GET")) {
            ArrayNode values = GraphStandIn.JSON.createArrayNode();
            synchronized (state) {
                for (StandInState.Attachment a : message.attachments) {
                    values.add(json(a));
                }
            }
            return Answer.json(200, ODataQuery.page(r.query(), values, r.self()));
        }
        r.requireMethod("POST");
        GraphRefusal.requireWrite(r.user());
        StandInState.Attachment a = parse(r.json());
        add(message, a);
        return Answer.json(201, json(a));
    }

    StandInState.Attachment parse(ObjectNode a) {
        String type = a.path("@odata.type").asText("");
        String name = StandInState.text(a, "name");
        if (type.equals("#microsoft.graph.fileAttachment")) {
            String bytes = StandInState.text(a, "contentBytes");
            if (name == null || bytes == null) {
                throw new GraphRefusal(400, "ErrorInvalidRequest", "A fileAttachment needs name and contentBytes.");
            }
            byte[] content;
            try {
                content = Base64.getDecoder().decode(bytes);
            } catch (IllegalArgumentException e) {
                throw new GraphRefusal(400, "ErrorInvalidRequest", "contentBytes is not valid base64.");
            }
            return new StandInState.Attachment(StandInState.newId("AAMkAtt"), "file", name,
                    StandInState.text(a, "contentType"), a.path("isInline").asBoolean(false),
                    StandInState.text(a, "contentId"), content, null, false, content.length);
        }
        if (type.equals("#microsoft.graph.itemAttachment")) {
            JsonNode item = a.get("item");
            if (item == null || !item.isObject() || !item.path("@odata.type").asText("").equals("#microsoft.graph.message")) {
                throw new GraphRefusal(400, "ErrorInvalidRequest", "An itemAttachment needs an item of type message.");
            }
            ObjectNode nested = ((ObjectNode) item).deepCopy();
            ArrayNode nestedAttachments = nested.has("attachments") ? (ArrayNode) nested.remove("attachments") : null;
            GraphShapes.checkMessage(nested);
            if (nestedAttachments != null) {
                for (JsonNode na : nestedAttachments) {
                    parse((ObjectNode) na);
                }
                nested.set("attachments", nestedAttachments);
            }
            return new StandInState.Attachment(StandInState.newId("AAMkAtt"), "item", name,
                    "message/rfc822", false, null, null, nested, false, nested.toString().length());
        }
        throw new GraphRefusal(400, "ErrorInvalidRequest", "Unsupported attachment type '" + type + "'.");
    }

    private void add(StandInState.Message message, StandInState.Attachment a) {
        synchronized (state) {
            if (message.size() + a.size > state.maxMessageSize) {
                throw GraphRefusal.tooLarge();
            }
            message.attachments.add(a);
            message.json.put("hasAttachments", true);
        }
    }

    private static ObjectNode json(StandInState.Attachment a) {
        ObjectNode o = GraphStandIn.JSON.createObjectNode();
        o.put("@odata.type", a.kind.equals("file") ? "#microsoft.graph.fileAttachment" : "#microsoft.graph.itemAttachment");
        o.put("id", a.id);
        o.put("name", a.name);
        o.put("contentType", a.contentType);
        o.put("size", a.size);
        o.put("isInline", a.inline);
        if (a.contentId != null) {
            o.put("contentId", a.contentId);
        }
        return o;
    }

    Answer createUploadSession(StandInState.User user, StandInState.Message message, ObjectNode body) {
        JsonNode item = null;
        for (String field : GraphShapes.names(body)) {
            if (field.equalsIgnoreCase("attachmentItem")) {
                item = body.get(field);
            } else {
                throw new GraphRefusal(400, "RequestBodyRead", "Unexpected property '" + field + "' in createUploadSession.");
            }
        }
        if (item == null || !item.isObject()) {
            throw new GraphRefusal(400, "ErrorInvalidRequest", "createUploadSession needs an AttachmentItem.");
        }
        if (!"file".equals(item.path("attachmentType").asText(""))) {
            throw new GraphRefusal(400, "ErrorInvalidRequest", "AttachmentItem.attachmentType must be file.");
        }
        String name = StandInState.text(item, "name");
        long size = item.path("size").asLong(-1);
        if (name == null || size < 0) {
            throw new GraphRefusal(400, "ErrorInvalidRequest", "AttachmentItem needs a name and a size.");
        }
        if (size < GraphStandIn.UPLOAD_SESSION_MIN_BYTES) {
            throw new GraphRefusal(400, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
                    "Attachment size should not be less than the minimum size for an upload session (3 MB).");
        }
        if (size > MAX_UPLOAD_SESSION_BYTES) {
            throw new GraphRefusal(400, "ErrorAttachmentSizeShouldNotBeGreaterThanMaximumSize",
                    "Attachment size exceeds the 150 MB maximum.");
        }
        synchronized (state) {
            if (message.size() + size > state.maxMessageSize) {
                throw GraphRefusal.tooLarge();
            }
            StandInState.UploadSession session = new StandInState.UploadSession(UUID.randomUUID().toString(), user,
                    message, name, StandInState.text(item, "contentType"), item.path("isInline").asBoolean(false),
                    StandInState.text(item, "contentId"), size);
            state.sessions.put(session.id, session);
            ObjectNode o = GraphStandIn.JSON.createObjectNode();
            o.put("uploadUrl", origin.get() + "/upload/" + session.id + "?authtoken=" + UUID.randomUUID());
            o.put("expirationDateTime", state.clock.instant().plusSeconds(15 * 60).toString());
            o.putArray("nextExpectedRanges").add("0-");
            return Answer.json(201, o);
        }
    }

    /** A {@code PUT} to an upload URL ({@code /upload/{session}}): no bearer token, as Graph's upload URLs. */
    Answer upload(String method, List<String> segments, String contentRange, byte[] body) {
        if (!method.equals("PUT")) {
            throw GraphRefusal.notAllowed(method);
        }
        StandInState.UploadSession session;
        synchronized (state) {
            session = segments.size() == 2 ? state.sessions.get(segments.get(1)) : null;
        }
        if (session == null) {
            throw new GraphRefusal(404, "ErrorItemNotFound", "The upload session does not exist or has completed.");
        }
        Matcher m = contentRange == null ? null : CONTENT_RANGE.matcher(contentRange);
        if (m == null || !m.matches()) {
            throw new GraphRefusal(400, "InvalidContentRange", "Content-Range must be 'bytes a-b/total': " + contentRange);
        }
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        long total = Long.parseLong(m.group(3));
        synchronized (state) {
            if (total != session.size || start != session.next || end < start || end >= total
                    || end - start + 1 != body.length) {
                throw new GraphRefusal(416, "InvalidRange", "Expected bytes from " + session.next + " of " + session.size
                        + ", got " + contentRange + " with " + body.length + " bytes.");
            }
            System.arraycopy(body, 0, session.buffer, (int) start, body.length);
            session.next = end + 1;
            if (session.next < session.size) {
                ObjectNode o = GraphStandIn.JSON.createObjectNode();
                o.put("expirationDateTime", state.clock.instant().plusSeconds(15 * 60).toString());
                o.putArray("nextExpectedRanges").add(session.next + "-");
                return Answer.json(200, o);
            }
            state.sessions.remove(session.id);
            StandInState.Attachment a = new StandInState.Attachment(StandInState.newId("AAMkAtt"), "file",
                    session.name, session.contentType, session.inline, session.contentId, session.buffer, null, true,
                    session.size);
            add(session.message, a);
            return Answer.empty(201).header("Location", origin.get() + "/v1.0/users/" + session.user.id
                    + "/messages/" + session.message.id + "/attachments/" + a.id);
        }
    }
}
