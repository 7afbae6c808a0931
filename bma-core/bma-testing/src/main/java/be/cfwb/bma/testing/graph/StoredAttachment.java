package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.Optional;

/**
 * An attachment as the stand-in holds it: a file (with its bytes) or an item (a nested
 * message, as JSON). {@code viaUploadSession} tells how it arrived.
 */
@SuppressWarnings("ArrayRecordComponent") // a carrier of bytes: nothing compares these records
public record StoredAttachment(String id, String kind, String name, String contentType, long size,
                               boolean isInline, String contentId, byte[] content, ObjectNode item,
                               boolean viaUploadSession) {

    public StoredAttachment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        content = content == null ? null : content.clone();
        item = item == null ? null : item.deepCopy();
    }

    public boolean isFile() {
        return "file".equals(kind);
    }

    public boolean isItem() {
        return "item".equals(kind);
    }

    @Override
    public byte[] content() {
        return content == null ? null : content.clone();
    }

    @Override
    public ObjectNode item() {
        return item == null ? null : item.deepCopy();
    }

    public Optional<String> contentIdValue() {
        return Optional.ofNullable(contentId);
    }

    @Override
    public String toString() {
        return "StoredAttachment[" + kind + " " + name + ", " + size + " bytes" + (isInline ? ", inline" : "")
                + (viaUploadSession ? ", upload session" : "") + "]";
    }
}
