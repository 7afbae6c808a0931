package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a message held by the {@link GraphStandIn}: the JSON it was created with
 * (plus the server-side fields), where it lives and how Outlook would show it.
 */
public record StoredMessage(String id, String folderId, String folderPath, ObjectNode json,
                            List<StoredAttachment> attachments) {

    public StoredMessage {
        Objects.requireNonNull(id, "id");
        json = json.deepCopy();
        attachments = List.copyOf(attachments);
    }

    @Override
    public ObjectNode json() {
        return json.deepCopy();
    }

    /** True when Outlook would show it as a draft: no PR_MESSAGE_FLAGS, or the unsent bit set. */
    public boolean isDraft() {
        return json.path("isDraft").asBoolean(true);
    }

    public boolean isRead() {
        return json.path("isRead").asBoolean(false);
    }

    public String subject() {
        return json.path("subject").asText(null);
    }

    public Optional<Instant> receivedDateTime() {
        return instant("receivedDateTime");
    }

    public Optional<Instant> sentDateTime() {
        return instant("sentDateTime");
    }

    /** The value of a single-value extended property, by its id as posted (case-insensitive). */
    public Optional<String> extendedProperty(String propertyId) {
        for (JsonNode p : json.path("singleValueExtendedProperties")) {
            if (p.path("id").asText("").equalsIgnoreCase(propertyId)) {
                return Optional.of(p.path("value").asText());
            }
        }
        return Optional.empty();
    }

    public boolean isFlagged() {
        return "flagged".equals(json.path("flag").path("flagStatus").asText(""));
    }

    private Optional<Instant> instant(String field) {
        String value = json.path(field).asText(null);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(value));
    }

    @Override
    public String toString() {
        return "StoredMessage[" + folderPath + ": " + subject() + (isDraft() ? ", draft" : "") + "]";
    }
}
