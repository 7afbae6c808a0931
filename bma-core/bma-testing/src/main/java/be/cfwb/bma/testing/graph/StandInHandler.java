package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Routes and answers the stand-in's requests; see {@link GraphStandIn} for what it checks. */
final class StandInHandler implements HttpHandler {

    /** Properties a message may carry on create or sendMail; Graph refuses unknown ones. */
    static final Set<String> MESSAGE_PROPERTIES = Set.of("@odata.type", "subject", "body", "from", "sender",
            "toRecipients", "ccRecipients", "bccRecipients", "replyTo", "importance", "flag", "internetMessageId",
            "isRead", "singleValueExtendedProperties", "multiValueExtendedProperties", "attachments", "categories",
            "internetMessageHeaders", "isDeliveryReceiptRequested", "isReadReceiptRequested",
            "inferenceClassification", "conversationId", "uniqueBody", "bodyPreview", "hasAttachments",
            "receivedDateTime", "sentDateTime");
    /** What a PATCH of a user may carry (mail 2's password). */
    static final Set<String> USER_PATCH_PROPERTIES = Set.of("passwordProfile", "accountEnabled", "@odata.type");
    static final Set<String> PASSWORD_PROFILE_PROPERTIES = Set.of("password", "forceChangePasswordNextSignIn",
            "forceChangePasswordNextSignInWithMfa", "@odata.type");
    /** What a new mail folder may carry. */
    static final Set<String> FOLDER_PROPERTIES = Set.of("displayName", "isHidden", "@odata.type");
    /** What Graph lets us change on an existing message. */
    static final Set<String> MESSAGE_PATCH_PROPERTIES = Set.of("@odata.type", "isRead", "flag", "categories",
            "singleValueExtendedProperties");
    private static final Pattern PROPERTY_ID = Pattern.compile(
            "(?i)(Binary|Boolean|Currency|CLSID|Double|Float|Integer|Long|Short|String|SystemTime|Object)\\s+"
                    + "(0x[0-9a-f]{4}|\\{[0-9a-f-]{36}\\}\\s+(Name\\s+\\S.*|Id\\s+0x[0-9a-f]{4}))");
    private static final Pattern ANY_FILTER = Pattern.compile(
            "(?i)\\s*singleValueExtendedProperties/any\\(\\s*(\\w+)\\s*:\\s*\\1/id\\s+eq\\s+'((?:[^']|'')*)'\\s+and\\s+"
                    + "\\1/value\\s+eq\\s+'((?:[^']|'')*)'\\s*\\)\\s*");
    private static final Pattern EXPAND_PROPERTY = Pattern.compile(
            "(?i)\\s*singleValueExtendedProperties\\(\\s*\\$filter\\s*=\\s*(id\\s+eq\\s+'(?:[^']|'')*'"
                    + "(?:\\s+or\\s+id\\s+eq\\s+'(?:[^']|'')*')*)\\s*\\)\\s*");
    private static final Pattern EXPAND_ID = Pattern.compile("(?i)id\\s+eq\\s+'((?:[^']|'')*)'");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
    private static final int PR_MESSAGE_FLAGS_READ = 0x1;
    private static final int PR_MESSAGE_FLAGS_UNSENT = 0x8;
    private static final long MAX_UPLOAD_SESSION_BYTES = 150L * 1024 * 1024;

    /** An answer decided during handling; thrown to unwind to the one place that writes responses. */
    static final class Answer extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient JsonNode body;
        final transient Map<String, String> headers = new LinkedHashMap<>();
        final String text;

        Answer(int status, JsonNode body, String text) {
            super(null, null, false, false);
            this.status = status;
            this.body = body;
            this.text = text;
        }

        static Answer json(int status, JsonNode body) {
            return new Answer(status, body, null);
        }

        static Answer error(int status, String code, String message) {
            ObjectNode root = GraphStandIn.JSON.createObjectNode();
            ObjectNode error = root.putObject("error");
            error.put("code", code);
            error.put("message", message);
            ObjectNode inner = error.putObject("innerError");
            inner.put("request-id", UUID.randomUUID().toString());
            return new Answer(status, root, null);
        }

        Answer header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    private final StandInState state;
    private final Supplier<String> origin;

    StandInHandler(StandInState state, Supplier<String> origin) {
        this.state = state;
        this.origin = origin;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        boolean bearer = auth != null && auth.startsWith("Bearer ");
        StandInState.User[] mailbox = new StandInState.User[1];
        // Bookkeeping is done before the answer leaves, so that a client that has its answer sees
        // the request logged and no longer counted as in flight.
        java.util.function.IntConsumer done = status -> {
            synchronized (state) {
                if (mailbox[0] != null) {
                    mailbox[0].inFlight--;
                    mailbox[0] = null;
                }
                state.log.add(new GraphStandIn.RecordedRequest(method, decode(rawPath), rawQuery == null ? null
                        : decode(rawQuery), bearer, status));
            }
        };
        try {
            GraphStandIn.Fault fault = state.takeFault(method, rawPath);
            if (fault != null && fault.kind == GraphStandIn.FaultKind.DROP) {
                drain(exchange);
                done.accept(-1);
                exchange.close();
                return;
            }
            byte[] body = readBody(exchange);
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (state.recordBodies && body != null && type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                synchronized (state) {
                    state.bodies.add(new GraphStandIn.RecordedBody(method, decode(rawPath),
                            new String(body, java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
            Answer answer;
            try {
                if (fault != null && fault.kind == GraphStandIn.FaultKind.THROTTLE) {
                    throw Answer.error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
                            .header("Retry-After", retryAfter(fault.retryAfter));
                }
                if (fault != null && fault.kind == GraphStandIn.FaultKind.FAIL) {
                    throw Answer.error(503, "ServiceUnavailable", "Service unavailable (injected).")
                            .header("Retry-After", retryAfter(fault.retryAfter));
                }
                if (body == null) {
                    throw Answer.error(413, "RequestEntityTooLarge",
                            "The request body exceeds the maximum of " + GraphStandIn.MAX_REQUEST_BYTES + " bytes.");
                }
                List<String> segments = segments(rawPath);
                contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
                if (segments.size() >= 1 && segments.get(0).equals("upload")) {
                    throw upload(method, segments, exchange.getRequestHeaders().getFirst("Content-Range"), body);
                }
                if (!bearer || !auth.substring("Bearer ".length()).equals(state.token())) {
                    throw Answer.error(401, "InvalidAuthenticationToken",
                            bearer ? "Access token validation failure." : "Access token is empty.");
                }
                if (segments.size() < 3 || !segments.get(0).equals("v1.0") || !segments.get(1).equals("users")) {
                    throw Answer.error(400, "BadRequest", "Resource not found for the segment '" + rawPath + "'.");
                }
                StandInState.User user = state.findUser(segments.get(2));
                if (user == null) {
                    throw Answer.error(404, "Request_ResourceNotFound",
                            "Resource '" + segments.get(2) + "' does not exist or one of its queried reference-property"
                                    + " objects are not present.");
                }
                synchronized (state) {
                    user.inFlight++;
                    mailbox[0] = user;
                    user.peakConcurrency = Math.max(user.peakConcurrency, user.inFlight);
                    if (user.inFlight > state.mailboxConcurrency) {
                        throw Answer.error(429, "ApplicationThrottled",
                                "Application is over its MailboxConcurrency limit.").header("Retry-After", "1");
                    }
                }
                if (!state.delay.isZero()) {
                    Thread.sleep(state.delay.toMillis());
                }
                answer = route(method, segments.subList(3, segments.size()), query(rawQuery), user, body);
            } catch (Answer a) {
                answer = a;
            }
            if (fault != null && fault.kind == GraphStandIn.FaultKind.LOSE_RESPONSE) {
                done.accept(-2);
                exchange.close();
                return;
            }
            done.accept(answer.status);
            write(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.accept(-3);
            exchange.close();
        } catch (RuntimeException e) {
            done.accept(500);
            write(exchange, Answer.error(500, "InternalServerError", "Stand-in error: " + e));
        }
    }

    private Answer route(String method, List<String> s, Map<String, String> q, StandInState.User user, byte[] body) {
        int n = s.size();
        if (n == 0) {
            if (method.equals("GET")) {
                return Answer.json(200, userJson(user));
            }
            if (method.equals("PATCH")) {
                return patchUser(user, parseObject(body));
            }
            throw notAllowed(method);
        }
        String head = s.get(0);
        if (head.equals("sendMail") && n == 1) {
            requireMethod(method, "POST");
            requireWrite(user);
            String type = contentType.get();
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
                return sendMimeMail(user, body);
            }
            return sendMail(user, parseObject(body));
        }
        if (head.equals("mailFolders")) {
            if (n == 1) {
                if (method.equals("GET")) {
                    return list(q, foldersJson(user, user.children(null)));
                }
                requireMethod(method, "POST");
                return createFolder(user, null, parseObject(body));
            }
            StandInState.Folder folder = user.folder(s.get(1));
            if (folder == null) {
                throw Answer.error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
            }
            if (n == 2) {
                requireMethod(method, "GET");
                return Answer.json(200, folderJson(user, folder, q.get("$expand")));
            }
            if (s.get(2).equals("childFolders") && n == 3) {
                if (method.equals("GET")) {
                    return list(q, foldersJson(user, user.children(folder.id)));
                }
                requireMethod(method, "POST");
                return createFolder(user, folder, parseObject(body));
            }
            if (s.get(2).equals("messages")) {
                return messages(method, s.subList(3, n), q, user, folder, body);
            }
        }
        if (head.equals("messages")) {
            return messages(method, s.subList(1, n), q, user, null, body);
        }
        throw Answer.error(400, "BadRequest", "Resource not found for the segment '" + String.join("/", s) + "'.");
    }

    private Answer messages(String method, List<String> s, Map<String, String> q, StandInState.User user,
                            StandInState.Folder folder, byte[] body) {
        int n = s.size();
        if (n == 0) {
            if (method.equals("GET")) {
                return listMessages(user, folder, q);
            }
            requireMethod(method, "POST");
            requireWrite(user);
            StandInState.Folder target = folder != null ? folder : user.folder("drafts");
            return createMessage(user, target, parseObject(body), body.length);
        }
        if (s.get(0).equals("$count") && n == 1) {
            requireMethod(method, "GET");
            return new Answer(200, null, Integer.toString(filterMessages(user, folder, q.get("$filter")).size()));
        }
        StandInState.Message message = user.messages.get(s.get(0));
        if (message == null || (folder != null && !message.folderId.equals(folder.id))) {
            throw Answer.error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }
        if (n == 1) {
            if (method.equals("GET")) {
                return Answer.json(200, messageJson(message, q.get("$expand")));
            }
            if (method.equals("PATCH")) {
                requireWrite(user);
                return patchMessage(message, parseObject(body));
            }
            requireMethod(method, "DELETE");
            requireWrite(user);
            synchronized (state) {
                user.messages.remove(message.id);
            }
            return new Answer(204, null, null);
        }
        if (s.get(1).equals("attachments")) {
            if (n == 2) {
                if (method.equals("GET")) {
                    ArrayNode values = GraphStandIn.JSON.createArrayNode();
                    synchronized (state) {
                        for (StandInState.Attachment a : message.attachments) {
                            values.add(attachmentJson(a));
                        }
                    }
                    return list(q, values);
                }
                requireMethod(method, "POST");
                requireWrite(user);
                StandInState.Attachment a = parseAttachment(parseObject(body));
                addAttachment(message, a);
                return Answer.json(201, attachmentJson(a));
            }
            if (n == 3 && s.get(2).equals("createUploadSession")) {
                requireMethod(method, "POST");
                requireWrite(user);
                return createUploadSession(user, message, parseObject(body));
            }
        }
        throw Answer.error(400, "BadRequest", "Resource not found for the segment '" + String.join("/", s) + "'.");
    }

    // ---- users

    private ObjectNode userJson(StandInState.User user) {
        ObjectNode o = GraphStandIn.JSON.createObjectNode();
        o.put("id", user.id);
        o.put("userPrincipalName", user.userPrincipalName);
        o.put("mail", user.mail);
        o.put("displayName", user.userPrincipalName);
        o.put("accountEnabled", true);
        return o;
    }

    private Answer patchUser(StandInState.User user, ObjectNode body) {
        for (String field : names(body)) {
            if (!USER_PATCH_PROPERTIES.contains(field)) {
                throw Answer.error(400, "Request_BadRequest", "Property '" + field + "' is not supported by the stand-in.");
            }
        }
        JsonNode profile = body.get("passwordProfile");
        if (profile != null) {
            if (!profile.isObject()) {
                throw Answer.error(400, "Request_BadRequest", "passwordProfile must be an object.");
            }
            for (String field : names(profile)) {
                if (!PASSWORD_PROFILE_PROPERTIES.contains(field)) {
                    throw Answer.error(400, "Request_BadRequest",
                            "Property '" + field + "' does not exist on type 'microsoft.graph.passwordProfile'.");
                }
            }
            String password = StandInState.text(profile, "password");
            if (password == null || !complex(password)) {
                throw Answer.error(400, "Request_BadRequest",
                        "The specified password does not comply with password complexity requirements.");
            }
            JsonNode force = profile.get("forceChangePasswordNextSignIn");
            if (force != null && !force.isBoolean()) {
                throw Answer.error(400, "Request_BadRequest", "forceChangePasswordNextSignIn must be a boolean.");
            }
            requireWrite(user);
            synchronized (state) {
                user.passwordProfile = ((ObjectNode) profile).deepCopy();
                user.passwordChanges++;
            }
        }
        return new Answer(204, null, null);
    }

    /** Entra ID: 8 to 256 characters, three of the four classes. */
    private static boolean complex(String password) {
        if (password.length() < 8 || password.length() > 256) {
            return false;
        }
        int classes = 0;
        classes += password.chars().anyMatch(Character::isUpperCase) ? 1 : 0;
        classes += password.chars().anyMatch(Character::isLowerCase) ? 1 : 0;
        classes += password.chars().anyMatch(Character::isDigit) ? 1 : 0;
        classes += password.chars().anyMatch(c -> !Character.isLetterOrDigit(c)) ? 1 : 0;
        return classes >= 3;
    }

    private Answer sendMail(StandInState.User user, ObjectNode body) {
        // Action parameters are matched without regard to case (the Java SDK sends "Message").
        JsonNode message = null;
        JsonNode save = null;
        for (String field : names(body)) {
            if (field.equalsIgnoreCase("message")) {
                message = body.get(field);
            } else if (field.equalsIgnoreCase("saveToSentItems")) {
                save = body.get(field);
            } else {
                throw Answer.error(400, "RequestBodyRead",
                        "The property '" + field + "' does not exist on type 'microsoft.graph.sendMail'.");
            }
        }
        if (message == null || !message.isObject()) {
            throw Answer.error(400, "ErrorInvalidRequest", "sendMail needs a message object.");
        }
        checkMessageShape((ObjectNode) message);
        if (!message.path("toRecipients").isArray() || message.path("toRecipients").isEmpty()) {
            throw Answer.error(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.");
        }
        boolean saveToSent = save == null || save.asBoolean(true);
        synchronized (state) {
            state.sent.add(new SentMail(user.mail, (ObjectNode) message, saveToSent, null));
        }
        if (saveToSent) {
            ObjectNode copy = ((ObjectNode) message).deepCopy();
            copy.remove("attachments");
            StandInState.Message stored = store(user, user.folder("sentitems"), copy, 0, 0x1, null);
            synchronized (state) {
                stored.json.put("sentDateTime", state.clock.instant().toString());
            }
        }
        return new Answer(202, null, null);
    }

    /** sendMail in MIME form: base64 of an RFC 5322 message in a text/plain body, as Graph documents it. */
    private Answer sendMimeMail(StandInState.User user, byte[] body) {
        byte[] mime;
        try {
            mime = java.util.Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw Answer.error(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
        }
        ObjectNode json = GraphStandIn.JSON.createObjectNode();
        try {
            jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(
                    jakarta.mail.Session.getInstance(new java.util.Properties()), new java.io.ByteArrayInputStream(mime));
            jakarta.mail.Address[] from = m.getFrom();
            jakarta.mail.Address[] to = m.getRecipients(jakarta.mail.Message.RecipientType.TO);
            if (from == null || from.length != 1 || to == null || to.length == 0) {
                throw Answer.error(400, "ErrorMimeContentInvalid", "The MIME content needs one From and a To.");
            }
            String fromAddress = ((jakarta.mail.internet.InternetAddress) from[0]).getAddress();
            if (!fromAddress.equalsIgnoreCase(user.mail)) {
                throw Answer.error(403, "ErrorSendAsDenied", "The user account which was used to submit this request"
                        + " does not have the right to send mail on behalf of the specified sending account.");
            }
            json.put("subject", m.getSubject());
            json.putObject("from").putObject("emailAddress").put("address", fromAddress);
            ArrayNode recipients = json.putArray("toRecipients");
            for (jakarta.mail.Address a : to) {
                recipients.addObject().putObject("emailAddress")
                        .put("address", ((jakarta.mail.internet.InternetAddress) a).getAddress());
            }
            if (m.getMessageID() != null) {
                json.put("internetMessageId", m.getMessageID());
            }
            String[] date = m.getHeader("Date");
            if (date != null) {
                json.put("sentDateTime", date[0]);
            }
            String html = part(m, "text/html");
            String text = part(m, "text/plain");
            ObjectNode b = json.putObject("body");
            b.put("contentType", html != null ? "html" : "text");
            b.put("content", html != null ? html : text);
            if (text != null) {
                json.put("textPart", text);
            }
        } catch (jakarta.mail.MessagingException | IOException e) {
            throw Answer.error(400, "ErrorMimeContentInvalid", "The MIME content is not a valid message: " + e.getMessage());
        }
        synchronized (state) {
            state.sent.add(new SentMail(user.mail, json, true, mime));
        }
        ObjectNode copy = json.deepCopy();
        copy.remove("textPart");
        copy.remove("sentDateTime");
        store(user, user.folder("sentitems"), copy, mime.length, 0x1, null);
        return new Answer(202, null, null);
    }

    private static String part(jakarta.mail.Part p, String type) throws jakarta.mail.MessagingException, IOException {
        if (p.isMimeType(type)) {
            return (String) p.getContent();
        }
        if (p.isMimeType("multipart/*")) {
            jakarta.mail.Multipart mp = (jakarta.mail.Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                String found = part(mp.getBodyPart(i), type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    // ---- folders

    private ArrayNode foldersJson(StandInState.User user, List<StandInState.Folder> folders) {
        ArrayNode values = GraphStandIn.JSON.createArrayNode();
        for (StandInState.Folder f : folders) {
            values.add(folderJson(user, f, null));
        }
        return values;
    }

    private ObjectNode folderJson(StandInState.User user, StandInState.Folder f, String expand) {
        synchronized (state) {
            ObjectNode o = GraphStandIn.JSON.createObjectNode();
            o.put("id", f.id);
            o.put("displayName", f.displayName);
            o.put("parentFolderId", f.parentId == null ? "root-" + user.id : f.parentId);
            o.put("childFolderCount", user.children(f.id).size());
            int total = 0;
            int unread = 0;
            long size = 0;
            for (StandInState.Message m : user.messages.values()) {
                if (m.folderId.equals(f.id)) {
                    total++;
                    unread += m.json.path("isRead").asBoolean(false) ? 0 : 1;
                    size += m.size();
                }
            }
            o.put("unreadItemCount", unread);
            o.put("totalItemCount", total);
            o.put("isHidden", false);
            if (expand != null) {
                Matcher m = EXPAND_PROPERTY.matcher(expand);
                if (!m.matches()) {
                    throw Answer.error(400, "BadRequest", "The stand-in only expands one singleValueExtendedProperty.");
                }
                ArrayNode props = o.putArray("singleValueExtendedProperties");
                if (expandedIds(m.group(1)).stream().anyMatch(id -> id.equalsIgnoreCase("Long 0x0E08"))) {
                    props.addObject().put("id", "Long 0xe08").put("value", Long.toString(size));
                }
            }
            return o;
        }
    }

    private Answer createFolder(StandInState.User user, StandInState.Folder parent, ObjectNode body) {
        requireWrite(user);
        for (String field : names(body)) {
            if (!FOLDER_PROPERTIES.contains(field)) {
                throw Answer.error(400, "RequestBodyRead",
                        "The property '" + field + "' does not exist on type 'microsoft.graph.mailFolder'.");
            }
        }
        String name = StandInState.text(body, "displayName");
        if (name == null || name.isBlank()) {
            throw Answer.error(400, "ErrorInvalidRequest", "A folder needs a displayName.");
        }
        synchronized (state) {
            for (StandInState.Folder sibling : user.children(parent == null ? null : parent.id)) {
                if (sibling.displayName.equalsIgnoreCase(name)) {
                    throw Answer.error(409, "ErrorFolderExists", "A folder with the specified name already exists.");
                }
            }
            StandInState.Folder f = new StandInState.Folder(StandInState.newId("AAMk"),
                    parent == null ? null : parent.id, name, null);
            user.folders.put(f.id, f);
            return Answer.json(201, folderJson(user, f, null));
        }
    }

    // ---- messages

    private void checkMessageShape(ObjectNode message) {
        for (String field : names(message)) {
            if (!MESSAGE_PROPERTIES.contains(field)) {
                throw Answer.error(400, "RequestBodyRead",
                        "The property '" + field + "' does not exist on type 'microsoft.graph.message'.");
            }
        }
        for (String field : List.of("toRecipients", "ccRecipients", "bccRecipients", "replyTo")) {
            JsonNode list = message.get(field);
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw Answer.error(400, "RequestBodyRead", field + " must be an array of recipients.");
                }
                list.forEach(r -> checkRecipient(field, r));
            }
        }
        for (String field : List.of("from", "sender")) {
            if (message.hasNonNull(field)) {
                checkRecipient(field, message.get(field));
            }
        }
        JsonNode body = message.get("body");
        if (body != null && !body.isNull()) {
            String type = body.path("contentType").asText("");
            if (!type.equalsIgnoreCase("text") && !type.equalsIgnoreCase("html")) {
                throw Answer.error(400, "RequestBodyRead", "body.contentType must be text or html.");
            }
        }
        String importance = StandInState.text(message, "importance");
        if (importance != null && !Set.of("low", "normal", "high").contains(importance)) {
            throw Answer.error(400, "RequestBodyRead", "importance must be low, normal or high.");
        }
        JsonNode flag = message.get("flag");
        if (flag != null && !flag.isNull()
                && !Set.of("notFlagged", "flagged", "complete").contains(flag.path("flagStatus").asText(""))) {
            throw Answer.error(400, "RequestBodyRead", "flag.flagStatus must be notFlagged, flagged or complete.");
        }
        for (JsonNode h : message.path("internetMessageHeaders")) {
            String name = h.path("name").asText("");
            if (!name.toLowerCase(Locale.ROOT).startsWith("x-")) {
                throw Answer.error(400, "InvalidInternetMessageHeader",
                        "The internet message header name '" + name + "' should start with 'x-' or 'X-'.");
            }
        }
        for (JsonNode p : message.path("singleValueExtendedProperties")) {
            String id = p.path("id").asText("");
            if (!PROPERTY_ID.matcher(id).matches() || !p.path("value").isTextual()) {
                throw Answer.error(400, "ErrorInvalidProperty", "Invalid extended property: " + p);
            }
            String value = p.path("value").asText();
            String type = id.substring(0, id.indexOf(' ')).toLowerCase(Locale.ROOT);
            try {
                if (type.equals("integer") || type.equals("long") || type.equals("short")) {
                    Long.parseLong(value);
                } else if (type.equals("systemtime")) {
                    OffsetDateTime.parse(value);
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                throw Answer.error(400, "ErrorInvalidExtendedPropertyValue",
                        "The value '" + value + "' is not valid for property " + id + ".");
            }
        }
    }

    private void checkRecipient(String field, JsonNode r) {
        String address = r.path("emailAddress").path("address").asText("");
        if (!r.isObject() || !address.contains("@")) {
            throw Answer.error(400, "ErrorInvalidRecipients", field + ": recipient without a valid address: " + r);
        }
    }

    private Answer createMessage(StandInState.User user, StandInState.Folder folder, ObjectNode body, int requestSize) {
        checkMessageShape(body);
        List<StandInState.Attachment> attachments = new ArrayList<>();
        for (JsonNode a : body.path("attachments")) {
            if (!a.isObject()) {
                throw Answer.error(400, "RequestBodyRead", "attachments must hold objects.");
            }
            attachments.add(parseAttachment((ObjectNode) a));
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
        for (StandInState.Attachment a : attachments) {
            total += a.size;
        }
        if (total > state.maxMessageSize) {
            throw Answer.error(413, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.");
        }
        StandInState.Message m = store(user, folder, body, requestSize, flags, attachments);
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

    private StandInState.Message store(StandInState.User user, StandInState.Folder folder, ObjectNode json,
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
                Matcher matcher = EXPAND_PROPERTY.matcher(expand);
                if (!matcher.matches()) {
                    throw Answer.error(400, "BadRequest",
                            "The stand-in expands singleValueExtendedProperties($filter=id eq '...') only.");
                }
                List<String> ids = expandedIds(matcher.group(1));
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
    private Answer patchMessage(StandInState.Message message, ObjectNode body) {
        for (String field : names(body)) {
            if (!MESSAGE_PATCH_PROPERTIES.contains(field)) {
                throw Answer.error(400, "ErrorInvalidPropertyUpdateSentMessage",
                        "Property '" + field + "' cannot be updated on this message.");
            }
        }
        ObjectNode check = body.deepCopy();
        check.remove("isRead");
        checkMessageShape(check);
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
            message.json.put("lastModifiedDateTime", state.clock.instant().toString());
            return Answer.json(200, messageJson(message, null));
        }
    }

    private static List<String> expandedIds(String filter) {
        List<String> ids = new ArrayList<>();
        Matcher m = EXPAND_ID.matcher(filter);
        while (m.find()) {
            ids.add(m.group(1).replace("''", "'"));
        }
        return ids;
    }

    private List<StandInState.Message> filterMessages(StandInState.User user, StandInState.Folder folder,
                                                      String filter) {
        String propertyId = null;
        String value = null;
        if (filter != null) {
            Matcher m = ANY_FILTER.matcher(filter);
            if (!m.matches()) {
                throw Answer.error(400, "BadRequest", "The stand-in supports only $filter="
                        + "singleValueExtendedProperties/any(ep: ep/id eq '...' and ep/value eq '...'), not: " + filter);
            }
            propertyId = m.group(2).replace("''", "'");
            value = m.group(3).replace("''", "'");
        }
        List<StandInState.Message> out = new ArrayList<>();
        synchronized (state) {
            for (StandInState.Message msg : user.messages.values()) {
                if (folder != null && !msg.folderId.equals(folder.id)) {
                    continue;
                }
                if (propertyId != null && !hasProperty(msg, propertyId, value)) {
                    continue;
                }
                out.add(msg);
            }
        }
        return out;
    }

    private static boolean hasProperty(StandInState.Message msg, String id, String value) {
        for (JsonNode p : msg.json.path("singleValueExtendedProperties")) {
            if (p.path("id").asText("").equalsIgnoreCase(id) && p.path("value").asText("").equals(value)) {
                return true;
            }
        }
        return false;
    }

    private Answer listMessages(StandInState.User user, StandInState.Folder folder, Map<String, String> q) {
        List<StandInState.Message> found = filterMessages(user, folder, q.get("$filter"));
        ArrayNode values = GraphStandIn.JSON.createArrayNode();
        for (StandInState.Message m : found) {
            values.add(messageJson(m, q.get("$expand")));
        }
        Answer page = list(q, values);
        if ("true".equalsIgnoreCase(q.get("$count"))) {
            ((ObjectNode) page.body).put("@odata.count", found.size());
        }
        return page;
    }

    /** A page of {@code values} per {@code $top}/{@code $skip}, with an {@code @odata.nextLink} as Graph pages. */
    private Answer list(Map<String, String> q, ArrayNode values) {
        int top = q.containsKey("$top") ? Integer.parseInt(q.get("$top")) : 10;
        if (top < 1 || top > 1000) {
            throw Answer.error(400, "ErrorInvalidUrlQuery", "$top must be between 1 and 1000.");
        }
        int skip = q.containsKey("$skip") ? Integer.parseInt(q.get("$skip")) : 0;
        ObjectNode root = GraphStandIn.JSON.createObjectNode();
        ArrayNode page = root.putArray("value");
        for (int i = skip; i < Math.min(values.size(), skip + top); i++) {
            page.add(values.get(i));
        }
        if (skip + top < values.size()) {
            Map<String, String> next = new LinkedHashMap<>(q);
            next.put("$skip", Integer.toString(skip + top));
            next.put("$top", Integer.toString(top));
            root.put("@odata.nextLink", origin.get() + currentPath.get() + "?" + encodeQuery(next));
        }
        return Answer.json(200, root);
    }

    /** The request's Content-Type (set per request thread). */
    private final ThreadLocal<String> contentType = new ThreadLocal<>();

    /** The path being answered, for next links (set per request thread). */
    private final ThreadLocal<String> currentPath = new ThreadLocal<>();

    // ---- attachments

    private StandInState.Attachment parseAttachment(ObjectNode a) {
        String type = a.path("@odata.type").asText("");
        String name = StandInState.text(a, "name");
        if (type.equals("#microsoft.graph.fileAttachment")) {
            String bytes = StandInState.text(a, "contentBytes");
            if (name == null || bytes == null) {
                throw Answer.error(400, "ErrorInvalidRequest", "A fileAttachment needs name and contentBytes.");
            }
            byte[] content;
            try {
                content = Base64.getDecoder().decode(bytes);
            } catch (IllegalArgumentException e) {
                throw Answer.error(400, "ErrorInvalidRequest", "contentBytes is not valid base64.");
            }
            return new StandInState.Attachment(StandInState.newId("AAMkAtt"), "file", name,
                    StandInState.text(a, "contentType"), a.path("isInline").asBoolean(false),
                    StandInState.text(a, "contentId"), content, null, false, content.length);
        }
        if (type.equals("#microsoft.graph.itemAttachment")) {
            JsonNode item = a.get("item");
            if (item == null || !item.isObject() || !item.path("@odata.type").asText("").equals("#microsoft.graph.message")) {
                throw Answer.error(400, "ErrorInvalidRequest", "An itemAttachment needs an item of type message.");
            }
            ObjectNode nested = ((ObjectNode) item).deepCopy();
            ArrayNode nestedAttachments = nested.has("attachments") ? (ArrayNode) nested.remove("attachments") : null;
            checkMessageShape(nested);
            if (nestedAttachments != null) {
                for (JsonNode na : nestedAttachments) {
                    parseAttachment((ObjectNode) na);
                }
                nested.set("attachments", nestedAttachments);
            }
            return new StandInState.Attachment(StandInState.newId("AAMkAtt"), "item", name,
                    "message/rfc822", false, null, null, nested, false, nested.toString().length());
        }
        throw Answer.error(400, "ErrorInvalidRequest", "Unsupported attachment type '" + type + "'.");
    }

    private void addAttachment(StandInState.Message message, StandInState.Attachment a) {
        synchronized (state) {
            if (message.size() + a.size > state.maxMessageSize) {
                throw Answer.error(413, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.");
            }
            message.attachments.add(a);
            message.json.put("hasAttachments", true);
        }
    }

    private ObjectNode attachmentJson(StandInState.Attachment a) {
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

    private Answer createUploadSession(StandInState.User user, StandInState.Message message, ObjectNode body) {
        JsonNode item = null;
        for (String field : names(body)) {
            if (field.equalsIgnoreCase("attachmentItem")) {
                item = body.get(field);
            } else {
                throw Answer.error(400, "RequestBodyRead", "Unexpected property '" + field + "' in createUploadSession.");
            }
        }
        if (item == null || !item.isObject()) {
            throw Answer.error(400, "ErrorInvalidRequest", "createUploadSession needs an AttachmentItem.");
        }
        if (!"file".equals(item.path("attachmentType").asText(""))) {
            throw Answer.error(400, "ErrorInvalidRequest", "AttachmentItem.attachmentType must be file.");
        }
        String name = StandInState.text(item, "name");
        long size = item.path("size").asLong(-1);
        if (name == null || size < 0) {
            throw Answer.error(400, "ErrorInvalidRequest", "AttachmentItem needs a name and a size.");
        }
        if (size < GraphStandIn.UPLOAD_SESSION_MIN_BYTES) {
            throw Answer.error(400, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
                    "Attachment size should not be less than the minimum size for an upload session (3 MB).");
        }
        if (size > MAX_UPLOAD_SESSION_BYTES) {
            throw Answer.error(400, "ErrorAttachmentSizeShouldNotBeGreaterThanMaximumSize",
                    "Attachment size exceeds the 150 MB maximum.");
        }
        synchronized (state) {
            if (message.size() + size > state.maxMessageSize) {
                throw Answer.error(413, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.");
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

    private Answer upload(String method, List<String> segments, String contentRange, byte[] body) {
        requireMethod(method, "PUT");
        StandInState.UploadSession session;
        synchronized (state) {
            session = segments.size() == 2 ? state.sessions.get(segments.get(1)) : null;
        }
        if (session == null) {
            throw Answer.error(404, "ErrorItemNotFound", "The upload session does not exist or has completed.");
        }
        Matcher m = contentRange == null ? null : CONTENT_RANGE.matcher(contentRange);
        if (m == null || !m.matches()) {
            throw Answer.error(400, "InvalidContentRange", "Content-Range must be 'bytes a-b/total': " + contentRange);
        }
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        long total = Long.parseLong(m.group(3));
        synchronized (state) {
            if (total != session.size || start != session.next || end < start || end >= total
                    || end - start + 1 != body.length) {
                throw Answer.error(416, "InvalidRange", "Expected bytes from " + session.next + " of " + session.size
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
            addAttachment(session.message, a);
            return new Answer(201, null, null).header("Location", origin.get() + "/v1.0/users/" + session.user.id
                    + "/messages/" + session.message.id + "/attachments/" + a.id);
        }
    }

    // ---- plumbing

    private void requireWrite(StandInState.User user) {
        if (user.writesDenied) {
            throw Answer.error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        }
    }

    private static void requireMethod(String method, String expected) {
        if (!method.equals(expected)) {
            throw notAllowed(method);
        }
    }

    private static Answer notAllowed(String method) {
        return Answer.error(405, "Request_BadRequest", "Method " + method + " is not allowed on this resource.");
    }

    private static ObjectNode parseObject(byte[] body) {
        try {
            JsonNode node = GraphStandIn.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw Answer.error(400, "BadRequest", "Empty Payload. JSON content expected.");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw Answer.error(400, "BadRequest", "Unable to read JSON request payload.");
        } catch (IOException e) {
            throw Answer.error(400, "BadRequest", "Unable to read the request payload.");
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private List<String> segments(String rawPath) {
        currentPath.set(rawPath);
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                out.add(decode(part));
            }
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(decode(pair.substring(0, eq)), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String encodeQuery(Map<String, String> q) {
        List<String> parts = new ArrayList<>();
        q.forEach((k, v) -> parts.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")));
        return String.join("&", parts);
    }

    /** The body, or null when it exceeds Graph's write limit (the rest is drained so the client reads the 413). */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total <= GraphStandIn.MAX_REQUEST_BYTES) {
                    out.write(buffer, 0, n);
                }
            }
            return total > GraphStandIn.MAX_REQUEST_BYTES ? null : out.toByteArray();
        }
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static void write(HttpExchange exchange, Answer answer) throws IOException {
        answer.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = null;
        if (answer.body != null) {
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            bytes = GraphStandIn.JSON.writeValueAsBytes(answer.body);
        } else if (answer.text != null) {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            bytes = answer.text.getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().add("request-id", UUID.randomUUID().toString());
        if (bytes == null) {
            exchange.sendResponseHeaders(answer.status, -1);
        } else {
            exchange.sendResponseHeaders(answer.status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    /**
     * Whole seconds, as Graph sends them; a duration below or between seconds as a decimal
     * ("0.05"), which the SDK's retry handler honours, so that tests can throttle without slowing down.
     */
    static String retryAfter(java.time.Duration d) {
        if (d.toMillis() % 1000 == 0) {
            return Long.toString(d.toSeconds());
        }
        return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
