package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** What the stand-in answers a request: a status with a JSON or text body, or none, and headers. */
final class Answer {

    final int status;
    final JsonNode body;
    final String text;
    final Map<String, String> headers = new LinkedHashMap<>();

    private Answer(int status, JsonNode body, String text) {
        this.status = status;
        this.body = body;
        this.text = text;
    }

    static Answer json(int status, JsonNode body) {
        return new Answer(status, body, null);
    }

    static Answer text(int status, String text) {
        return new Answer(status, null, text);
    }

    static Answer empty(int status) {
        return new Answer(status, null, null);
    }

    /** Graph's error body: {@code {"error": {"code", "message", "innerError": {"request-id"}}}}. */
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
