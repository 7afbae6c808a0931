package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shapes Graph accepts in a request body, checked as Graph checks them: the properties each
 * type may carry (StandInContractTest holds these sets against Graph's published CSDL), recipients,
 * enumerations and extended property ids and values.
 */
final class GraphShapes {

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

    private GraphShapes() {
    }

    static ObjectNode parseObject(byte[] body) {
        try {
            JsonNode node = GraphStandIn.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new GraphRefusal(400, "BadRequest", "Empty Payload. JSON content expected.");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw new GraphRefusal(400, "BadRequest", "Unable to read JSON request payload.");
        } catch (IOException e) {
            throw new GraphRefusal(400, "BadRequest", "Unable to read the request payload.");
        }
    }

    static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static void checkMessage(ObjectNode message) {
        for (String field : names(message)) {
            if (!MESSAGE_PROPERTIES.contains(field)) {
                throw new GraphRefusal(400, "RequestBodyRead",
                        "The property '" + field + "' does not exist on type 'microsoft.graph.message'.");
            }
        }
        for (String field : List.of("toRecipients", "ccRecipients", "bccRecipients", "replyTo")) {
            JsonNode list = message.get(field);
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw new GraphRefusal(400, "RequestBodyRead", field + " must be an array of recipients.");
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
                throw new GraphRefusal(400, "RequestBodyRead", "body.contentType must be text or html.");
            }
        }
        String importance = StandInState.text(message, "importance");
        if (importance != null && !Set.of("low", "normal", "high").contains(importance)) {
            throw new GraphRefusal(400, "RequestBodyRead", "importance must be low, normal or high.");
        }
        JsonNode flag = message.get("flag");
        if (flag != null && !flag.isNull()
                && !Set.of("notFlagged", "flagged", "complete").contains(flag.path("flagStatus").asText(""))) {
            throw new GraphRefusal(400, "RequestBodyRead", "flag.flagStatus must be notFlagged, flagged or complete.");
        }
        for (JsonNode h : message.path("internetMessageHeaders")) {
            String name = h.path("name").asText("");
            if (!name.toLowerCase(Locale.ROOT).startsWith("x-")) {
                throw new GraphRefusal(400, "InvalidInternetMessageHeader",
                        "The internet message header name '" + name + "' should start with 'x-' or 'X-'.");
            }
        }
        for (JsonNode p : message.path("singleValueExtendedProperties")) {
            checkExtendedProperty(p);
        }
    }

    private static void checkExtendedProperty(JsonNode p) {
        String id = p.path("id").asText("");
        if (!PROPERTY_ID.matcher(id).matches() || !p.path("value").isTextual()) {
            throw new GraphRefusal(400, "ErrorInvalidProperty", "Invalid extended property: " + p);
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
            throw new GraphRefusal(400, "ErrorInvalidExtendedPropertyValue",
                    "The value '" + value + "' is not valid for property " + id + ".");
        }
    }

    private static void checkRecipient(String field, JsonNode r) {
        String address = r.path("emailAddress").path("address").asText("");
        if (!r.isObject() || !address.contains("@")) {
            throw new GraphRefusal(400, "ErrorInvalidRecipients", field + ": recipient without a valid address: " + r);
        }
    }
}
