package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request to a user's resources, {@code /v1.0/users/{id}/...}: the segments after the user,
 * the decoded query, the body as received, and where it was sent (for next links).
 */
final class StandInRequest {

    private final String method;
    private final StandInState.User user;
    private final List<String> segments;
    private final Map<String, String> query;
    private final byte[] body;
    private final String contentType;
    private final String self;

    StandInRequest(String method, StandInState.User user, List<String> segments, Map<String, String> query,
                   byte[] body, String contentType, String self) {
        this.method = method;
        this.user = user;
        this.segments = segments;
        this.query = query;
        this.body = body;
        this.contentType = contentType;
        this.self = self;
    }

    String method() {
        return method;
    }

    StandInState.User user() {
        return user;
    }

    List<String> segments() {
        return segments;
    }

    Map<String, String> query() {
        return query;
    }

    /** The body as received (not copied: the stand-in reads it, never changes it). */
    byte[] body() {
        return body;
    }

    /** Where the request was sent, without its query: the base of next links. */
    String self() {
        return self;
    }

    /** The body as the JSON object every write of Graph's takes. */
    ObjectNode json() {
        return GraphShapes.parseObject(body);
    }

    boolean isTextPlain() {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/plain");
    }

    void requireMethod(String expected) {
        if (!method.equals(expected)) {
            throw GraphRefusal.notAllowed(method);
        }
    }

    /** The same request with its first {@code n} segments consumed by the resource that routes it. */
    StandInRequest after(int n) {
        return new StandInRequest(method, user, segments.subList(n, segments.size()), query, body, contentType, self);
    }
}
