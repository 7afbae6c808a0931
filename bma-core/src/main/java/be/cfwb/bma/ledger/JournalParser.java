package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** A JSON line to a {@link LedgerEvent}, with Jackson's streaming parser (no tree), sharing addresses. */
final class JournalParser {

    private static final JsonFactory PARSERS = new ObjectMapper().getFactory();
    private final Map<String, Optional<BmaAddress>> addresses = new HashMap<>();

    Optional<LedgerEvent> parse(byte[] bytes, int from, int len) {
        try (JsonParser p = PARSERS.createParser(bytes, from, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Long seq = null;
            String at = null;
            String type = null;
            Optional<BmaAddress> mailbox = Optional.empty();
            SortedMap<String, String> data = new TreeMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "seq" -> seq = value == JsonToken.VALUE_NULL ? null : p.getValueAsLong();
                    case "at" -> at = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                    case "type" -> type = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                    case "mailbox" -> mailbox = value == JsonToken.VALUE_NULL ? Optional.empty()
                            : address(p.getValueAsString());
                    case "data" -> readData(p, value, data);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null || seq == null || at == null
                    || type == null || type.isBlank()) {
                return Optional.empty();
            }
            LedgerEvent event = new LedgerEvent(seq, Instant.parse(at), type, mailbox, data);
            event.event(); // a known type with a malformed value is not a valid event
            return Optional.of(event);
        } catch (IOException | DateTimeParseException | IllegalArgumentException | ArithmeticException | BmaException e) {
            return Optional.empty();
        }
    }

    private Optional<BmaAddress> address(String text) {
        return addresses.computeIfAbsent(text, t -> Optional.of(BmaAddress.parse(t)));
    }

    private static void readData(JsonParser p, JsonToken value, SortedMap<String, String> data) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                // As the first reader did (a tree's text): structured values are not ours.
                p.skipChildren();
                data.put(key, "");
            } else {
                data.put(key, v == JsonToken.VALUE_NULL ? "null" : p.getValueAsString());
            }
        }
    }
}
