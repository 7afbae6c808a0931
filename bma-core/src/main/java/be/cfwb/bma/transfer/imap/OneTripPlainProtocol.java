package be.cfwb.bma.transfer.imap;

import jakarta.mail.Folder;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.ResyncData;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;
import org.eclipse.angus.mail.util.MailLogger;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Angus's IMAP protocol, logging in with PLAIN in one round trip where the server offers SASL-IR:
 * Angus sends {@code AUTHENTICATE PLAIN} alone and waits for the server's empty challenge before
 * sending the credentials, a second round trip per connection (at 20 ms, a tenth of a no-op
 * rerun's work on the old server). Elsewhere Angus's own exchange is used. The line is never
 * traced: it holds the password. Its LOGOUT does not wait for the server's answer, a mailbox
 * is not closed or unselected before the next one is opened, and an EXAMINE may carry the
 * folder's listing with it ({@link #listAheadOfNextExamine}).
 */
final class OneTripPlainProtocol extends IMAPProtocol {

    private static final String SASL_IR = "SASL-IR";
    private static final ThreadLocal<ListingAhead> AHEAD = new ThreadLocal<>();
    private boolean loggedIn;
    private boolean loggedOut;
    /** The selected mailbox was opened read-only (EXAMINE): see {@link #close()}. */
    private volatile boolean examined;

    OneTripPlainProtocol(String name, String host, int port, Properties props, boolean ssl, MailLogger logger)
            throws IOException, ProtocolException {
        super(name, host, port, props, ssl, logger);
    }

    @Override
    public synchronized void authplain(String authzid, String user, String password) throws ProtocolException {
        if (!hasCapability(SASL_IR)) {
            super.authplain(authzid, user, password);
            return;
        }
        PlainInitialResponse message = PlainInitialResponse.of(authzid, user, password);
        List<Response> responses = new ArrayList<>();
        Response result;
        boolean tracing = isTracing();
        if (tracing) {
            suspendTracing();
        }
        try {
            result = exchange(message, responses);
        } finally {
            if (tracing) {
                resumeTracing();
            }
        }
        Response[] untagged = responses.toArray(new Response[0]);
        handleCapabilityResponse(untagged);
        notifyResponseHandlers(untagged);
        handleLoginResult(result);
        // The OK's CAPABILITY code spares Angus the CAPABILITY command it otherwise sends after a login.
        setCapabilities(result);
        loggedIn = true;
    }

    /** Sends the line and reads up to its tagged answer; an answer that cannot be had is a BYE, as in Angus. */
    private Response exchange(PlainInitialResponse message, List<Response> untagged) {
        try {
            String tag = writeCommand(message.command(), null);
            while (true) {
                Response r = readResponse();
                if (r.isContinuation()) {
                    // PLAIN has no second step: a server asking for one is answered with a cancel (RFC 3501 6.2.2).
                    OutputStream out = getOutputStream();
                    out.write("*\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } else if (r.isTagged() && tag.equals(r.getTag())) {
                    return r;
                } else if (r.isBYE()) {
                    return r;
                } else {
                    untagged.add(r);
                }
            }
        } catch (Exception e) {
            return Response.byeResponse(e);
        }
    }

    @Override
    public boolean isAuthenticated() {
        return !loggedOut && (loggedIn || super.isAuthenticated());
    }

    /**
     * Sends LOGOUT and closes without waiting for the server's BYE and OK (Angus waits): nothing
     * depends on them (every APPEND had its own OK before), and the wait is a round trip per
     * connection, a fifth of a no-op rerun's time on the old server.
     */
    @Override
    public void logout() {
        if (loggedOut) {
            disconnect(); // once is enough: the folder that held the connection logged it out
            return;
        }
        loggedIn = false;
        loggedOut = true;
        try {
            writeCommand("LOGOUT", null);
        } catch (IOException | ProtocolException e) {
            // The connection is going in any case.
        } finally {
            disconnect();
        }
    }

    @Override
    public MailboxInfo examine(String mailbox, ResyncData resync) throws ProtocolException {
        examined = false;
        ListingAhead ahead = AHEAD.get();
        AHEAD.remove();
        MailboxInfo info = ahead == null || resync != null ? super.examine(mailbox, resync) : examine(mailbox, ahead);
        examined = true;
        return info;
    }

    /**
     * EXAMINE, with {@code ahead}'s FETCH sent right behind it rather than after its answer: the
     * server runs them in order, so the FETCH lists the mailbox just opened (or, if the EXAMINE
     * failed, none or the one before, an answer then set aside). Its answers are read here and
     * kept in {@code ahead}, none handed to the folder's handlers: the folder is not open yet.
     */
    private MailboxInfo examine(String mailbox, ListingAhead ahead) throws ProtocolException {
        Argument args = new Argument();
        writeMailboxName(args, mailbox);
        String examineTag;
        String fetchTag;
        try {
            examineTag = writeCommand("EXAMINE", args);
            fetchTag = writeCommand(ahead.command, null);
        } catch (IOException e) {
            throw new ConnectionException(this, Response.byeResponse(e));
        }
        List<Response> answers = new ArrayList<>();
        Response result = null;
        while (result == null) {
            Response r;
            try {
                r = readResponse();
            } catch (IOException e) {
                throw new ConnectionException(this, Response.byeResponse(e));
            } catch (ProtocolException e) {
                continue; // read but not parsable: skipped, as Angus's own command() does
            }
            if (r.isBYE()) {
                throw new ConnectionException(this, r);
            }
            answers.add(r);
            if (r.isTagged() && examineTag.equals(r.getTag())) {
                result = r;
            }
        }
        ahead.answer = RawFetch.answers(this, fetchTag);
        if (ahead.answer.result().isBYE()) {
            throw new ConnectionException(this, ahead.answer.result());
        }
        Response[] r = answers.toArray(new Response[0]);
        MailboxInfo info = new MailboxInfo(r);
        info.mode = Folder.READ_ONLY;
        notifyResponseHandlers(r);
        handleResult(result);
        return info;
    }

    /**
     * Asks the next EXAMINE on this thread to send {@code ahead}'s FETCH with it (null: none): a
     * folder's listing then costs the old server no round trip of its own. Angus opens a folder
     * on the caller's thread, through this protocol.
     */
    static void listAheadOfNextExamine(ListingAhead ahead) {
        if (ahead == null) {
            AHEAD.remove();
        } else {
            AHEAD.set(ahead);
        }
    }

    /** A FETCH to send with the next EXAMINE, and its answers once read (null until then). */
    static final class ListingAhead {
        private final String command;
        private RawFetch answer;

        ListingAhead(String command) {
            this.command = command;
        }

        /** The FETCH's answers, empty if it was not sent (the folder was opened another way). */
        Optional<RawFetch> answer() {
            return Optional.ofNullable(answer);
        }
    }

    @Override
    public MailboxInfo select(String mailbox, ResyncData resync) throws ProtocolException {
        examined = false;
        return super.select(mailbox, resync);
    }

    /**
     * The CLOSE of a mailbox opened with EXAMINE is not sent: it removes nothing there (RFC 3501
     * 6.4.2), and the next EXAMINE or SELECT, or the LOGOUT, leaves the mailbox anyway (6.3.1).
     * Angus closes a folder to hand its connection to the next one, and waiting for the answer
     * cost the old server a round trip per folder. A mailbox opened with SELECT is closed as asked.
     */
    @Override
    public void close() throws ProtocolException {
        if (examined) {
            examined = false;
            return;
        }
        super.close();
    }

    /**
     * The UNSELECT is not sent either: Angus sends it to leave a mailbox opened with SELECT (a
     * target folder) without expunging it, and the next SELECT or EXAMINE, or the LOGOUT, leaves
     * it without expunging too (RFC 3501 6.4.2); the commands a connection sends between folders
     * (APPEND, CREATE, LIST) are valid in the selected state. Waiting for the answer cost the
     * target a round trip per folder switch, the final pass one per folder.
     */
    @Override
    public void unselect() {
        // left to the next SELECT, EXAMINE or LOGOUT
    }

    @Override
    public synchronized void disconnect() {
        loggedIn = false;
        super.disconnect();
    }

    @Override
    public void unauthenticate() throws ProtocolException {
        loggedIn = false;
        super.unauthenticate();
    }
}
