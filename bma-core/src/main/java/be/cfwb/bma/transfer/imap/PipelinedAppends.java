package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.MessageToCopy;

import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;

import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several single-message APPENDs in flight on one connection, for a target with LITERAL+ and
 * without MULTIAPPEND (Exchange): each APPEND is sent without waiting for the answer to the one
 * before, so a window of them costs one round trip instead of one each. Answers are matched to
 * their message by tag.
 *
 * <p>The exactly-once rule holds as for one APPEND at a time: a message counts as copied only on
 * its tagged OK. Any message whose answer was never read (connection lost, crash) may or may not
 * be stored; the next attempt lists the folder's trace headers and finds it, as after a lost OK.
 * A final NO fails only its message. A retryable NO (throttling, server busy) stops the sending;
 * the answers already in flight are still read and recorded, so that the next attempt starts on
 * a clean connection and repeats only what was refused.
 */
final class PipelinedAppends {

    /** APPENDs in flight at most: enough to cover a WAN round trip, few enough for a server's queue. */
    static final int MAX_IN_FLIGHT = 16;
    /** Literal bytes in flight at most (one larger message still goes, alone). */
    static final long MAX_BYTES_IN_FLIGHT = 4L << 20;

    private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID\\s+\\d+\\s+(\\d+)]", Pattern.CASE_INSENSITIVE);

    /**
     * What one window ended with.
     *
     * @param failure    the first retryable refusal, or null if there was none
     * @param failedAt   the index of the message it refused, or -1
     * @param throttled  throttled refusals after the first failure, whose wait that failure's retry covers
     */
    record Window(ProtocolException failure, int failedAt, int throttled) {
    }

    private final String mailboxArgument;
    private final List<? extends MessageToCopy> messages;
    private final List<byte[]> headers;

    /**
     * @param mailboxArgument the folder as the APPEND names it (modified UTF-7)
     * @param headers         each message's trace header, prepended to its literal
     */
    PipelinedAppends(String mailboxArgument, List<? extends MessageToCopy> messages, List<byte[]> headers) {
        this.mailboxArgument = mailboxArgument;
        this.messages = messages;
        this.headers = headers;
    }

    private long size(int i) {
        return headers.get(i).length + messages.get(i).size();
    }

    /**
     * Sends the APPENDs and reads their answers into {@code outcomes}: each message's outcome,
     * null where none is known (not sent, retryable NO, answer not read). Filled as the answers
     * arrive, so that a connection lost part-way leaves those read before it.
     *
     * @throws ProtocolException a {@link ConnectionException} if the connection ended: the
     *                           answers not read are unknown
     */
    Window run(IMAPProtocol p, AppendOutcome[] outcomes) throws ProtocolException {
        InFlight inFlight = new InFlight(p);
        long bytes = 0;
        int next = 0;
        ProtocolException failure = null;
        int failedAt = -1;
        int throttled = 0;
        while ((failure == null && next < messages.size()) || !inFlight.isEmpty()) {
            boolean canSend = failure == null && next < messages.size() && (inFlight.isEmpty()
                    || (inFlight.size() < MAX_IN_FLIGHT && bytes + size(next) <= MAX_BYTES_IN_FLIGHT));
            if (canSend) {
                inFlight.send("APPEND", arguments(next), next);
                bytes += size(next);
                next++;
                continue;
            }
            InFlight.Result answer = inFlight.next();
            int i = answer.index();
            Response r = answer.response();
            bytes -= size(i);
            if (r.isOK()) {
                outcomes[i] = AppendOutcome.copied(appendUid(r));
                continue;
            }
            ProtocolException refusal = r.isNO() ? new CommandFailedException(r) : new BadCommandException(r);
            Optional<String> rejection = ImapErrors.appendRejection(refusal);
            if (rejection.isPresent()) {
                outcomes[i] = AppendOutcome.rejected(rejection.get());
            } else if (failure == null) {
                failure = refusal;
                failedAt = i;
            } else if (ImapErrors.throttle(refusal).isPresent()) {
                throttled++;
            }
        }
        return new Window(failure, failedAt, throttled);
    }

    /** The arguments of message {@code i}'s APPEND. */
    private Argument arguments(int i) {
        MessageToCopy m = messages.get(i);
        Argument args = new Argument();
        args.writeString(mailboxArgument);
        args.writeAtom(ImapAppender.flagList(m.flags()));
        args.writeString(INTERNALDATE.format(Date.from(m.internalDate())));
        args.writeBytes(new StreamingLiteral(headers.get(i), m, (int) size(i)));
        return args;
    }

    /** The new copy's UID from the OK's APPENDUID code (UIDPLUS), else empty. */
    static String appendUid(Response ok) {
        Matcher m = APPENDUID.matcher(ok.toString());
        return m.find() ? m.group(1) : "";
    }
}
