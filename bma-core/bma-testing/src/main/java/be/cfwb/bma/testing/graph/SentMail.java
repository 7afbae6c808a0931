package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code sendMail} request the {@link GraphStandIn} accepted: who sent it and the message
 * JSON. A MIME send keeps its original bytes in {@link #mime()} and a JSON view of its headers
 * and HTML (else text) part in {@link #message()}.
 */
@SuppressWarnings("ArrayRecordComponent") // a carrier of bytes: nothing compares these records
public record SentMail(String sender, ObjectNode message, boolean saveToSentItems, byte[] mime) {

    public SentMail {
        Objects.requireNonNull(sender, "sender");
        message = message.deepCopy();
        mime = mime == null ? null : mime.clone();
    }

    /** The MIME bytes as posted (decoded from base64), or null for a JSON send. */
    @Override
    public byte[] mime() {
        return mime == null ? null : mime.clone();
    }

    public boolean isMime() {
        return mime != null;
    }

    public String internetMessageId() {
        return message.path("internetMessageId").asText(null);
    }

    @Override
    public ObjectNode message() {
        return message.deepCopy();
    }

    public String subject() {
        return message.path("subject").asText(null);
    }

    /** The body content as posted. */
    public String body() {
        return message.path("body").path("content").asText(null);
    }

    public String bodyContentType() {
        return message.path("body").path("contentType").asText(null);
    }

    public List<String> toAddresses() {
        List<String> out = new ArrayList<>();
        for (JsonNode r : message.path("toRecipients")) {
            out.add(r.path("emailAddress").path("address").asText());
        }
        return out;
    }

    /** A custom internet header posted with the message, if any. */
    public String header(String name) {
        for (JsonNode h : message.path("internetMessageHeaders")) {
            if (h.path("name").asText("").equalsIgnoreCase(name)) {
                return h.path("value").asText();
            }
        }
        return null;
    }
}
