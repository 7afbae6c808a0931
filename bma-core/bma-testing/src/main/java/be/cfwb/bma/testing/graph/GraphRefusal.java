package be.cfwb.bma.testing.graph;

/**
 * Graph refusing a request it finds wanting (a bad shape, a missing item, a denied write), raised
 * where the check fails, deep in a body's parsing, and answered with Graph's error body by
 * {@link StandInHandler} alone. Every other answer, successes and injected faults alike, is
 * returned, not thrown.
 */
final class GraphRefusal extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String code;

    GraphRefusal(int status, String code, String message) {
        // No stack trace: a refusal is an answer to the client, not a fault of the stand-in.
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    Answer answer() {
        return Answer.error(status, code, getMessage());
    }

    static GraphRefusal notFound() {
        return new GraphRefusal(404, "ErrorItemNotFound", "The specified object was not found in the store.");
    }

    static GraphRefusal noSuchSegment(String path) {
        return new GraphRefusal(400, "BadRequest", "Resource not found for the segment '" + path + "'.");
    }

    static GraphRefusal notAllowed(String method) {
        return new GraphRefusal(405, "Request_BadRequest", "Method " + method + " is not allowed on this resource.");
    }

    static GraphRefusal tooLarge() {
        return new GraphRefusal(413, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.");
    }

    static void requireWrite(StandInState.User user) {
        if (user.writesDenied) {
            throw new GraphRefusal(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        }
    }
}
