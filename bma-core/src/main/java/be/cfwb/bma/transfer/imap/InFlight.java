package be.cfwb.bma.transfer.imap;

import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Commands sent on one connection without waiting for each other's answers (pipelined APPENDs,
 * the CREATEs of a new mailbox's folders), known by tag, and their results as they arrive. The
 * server answers them in the order sent; answers that are no result (untagged news) go to Angus's
 * handlers, as for its own commands. A connection lost or ended by BYE fails the whole lot: the
 * results not read are unknown.
 */
final class InFlight {

    /** The result of the command sent as number {@code index}. */
    record Result(int index, Response response) {
    }

    private final IMAPProtocol protocol;
    private final Map<String, Integer> byTag = new LinkedHashMap<>();

    InFlight(IMAPProtocol protocol) {
        this.protocol = protocol;
    }

    /** Sends {@code command} as number {@code index}, without waiting for its answer. */
    void send(String command, Argument args, int index) throws ProtocolException {
        try {
            byTag.put(protocol.writeCommand(command, args), index);
        } catch (IOException e) {
            throw new ConnectionException(protocol, Response.byeResponse(e));
        }
    }

    int size() {
        return byTag.size();
    }

    boolean isEmpty() {
        return byTag.isEmpty();
    }

    /** Reads answers until one of the commands in flight has its result. */
    Result next() throws ProtocolException {
        while (true) {
            Response r;
            try {
                r = protocol.readResponse();
            } catch (IOException e) {
                throw new ConnectionException(protocol, Response.byeResponse(e));
            }
            if (r.isBYE()) {
                throw new ConnectionException(protocol, r);
            }
            Integer index = r.isTagged() ? byTag.remove(r.getTag()) : null;
            if (index != null) {
                return new Result(index, r);
            }
            protocol.notifyResponseHandlers(new Response[] {r});
        }
    }
}
