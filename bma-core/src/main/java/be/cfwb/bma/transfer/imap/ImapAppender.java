package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TransferException;

import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Literal;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjIntConsumer;

/**
 * APPENDs to one target mailbox: flags, INTERNALDATE and the trace header prepended (the only
 * byte change), streamed from the spooled message through Angus's protocol layer so that a large
 * message is never whole in memory. Several messages go as one MULTIAPPEND where the target has
 * it, else {@link PipelinedAppends} where it has LITERAL+ (Exchange), else one at a time.
 */
final class ImapAppender {

    private final ImapSession session;
    private final TargetFolders.Channel channel;
    /** Throttled answers whose wait another's retry covered (several in one pipelined window). */
    private int sharedThrottled;

    ImapAppender(ImapSession session, TargetFolders.Channel channel) {
        this.session = session;
        this.channel = channel;
    }

    int sharedThrottled() {
        return sharedThrottled;
    }

    AppendOutcome append(String name, TargetFolder target, MessageToCopy message) {
        byte[] header = message.traceHeader().getBytes(StandardCharsets.US_ASCII);
        long total = header.length + message.size();
        if (total > Integer.MAX_VALUE) {
            return AppendOutcome.rejected("too large for IMAP APPEND: " + total + " bytes");
        }
        try {
            IMAPFolder folder = channel.get();
            Flags flags = ImapFlags.toFlags(message.flags());
            Date date = Date.from(message.internalDate());
            Literal literal = new StreamingLiteral(header, message, (int) total);
            Object result = folder.doCommand(p -> {
                try {
                    return p.appenduid(name, flags, date, literal, true);
                } catch (ProtocolException e) {
                    return e;
                }
            });
            if (result instanceof ProtocolException pe) {
                Optional<String> rejection = ImapErrors.appendRejection(pe);
                if (rejection.isPresent()) {
                    return AppendOutcome.rejected(rejection.get());
                }
                throw ImapErrors.translate("APPEND of " + message.key() + " to " + target + " failed", pe);
            }
            AppendUID uid = (AppendUID) result;
            return AppendOutcome.copied(uid == null ? "" : Long.toString(uid.uid));
        } catch (MessagingException e) {
            throw ImapErrors.translate("APPEND of " + message.key() + " to " + target + " failed", e);
        } catch (StreamingLiteral.StreamFailure e) {
            throw spoolFailure(message.key().toString(), e);
        }
    }

    void appendAll(String name, TargetFolder target, List<? extends MessageToCopy> messages,
                   ObjIntConsumer<AppendOutcome> done) {
        List<byte[]> headers = new ArrayList<>();
        long total = 0;
        for (MessageToCopy message : messages) {
            byte[] header = message.traceHeader().getBytes(StandardCharsets.US_ASCII);
            headers.add(header);
            total += header.length + message.size();
            if (header.length + message.size() > Integer.MAX_VALUE) {
                oneByOne(name, target, messages, done);
                return;
            }
        }
        try {
            IMAPFolder folder = channel.get();
            if (session.hasCapability("MULTIAPPEND") && total <= Integer.MAX_VALUE) {
                multiAppend(folder, name, target, messages, headers, done);
            } else if (session.hasCapability("LITERAL+")) {
                pipelined(folder, name, target, messages, headers, done);
            } else {
                oneByOne(name, target, messages, done);
            }
        } catch (MessagingException e) {
            throw ImapErrors.translate("APPEND of " + messages.size() + " messages to " + target + " failed", e);
        } catch (StreamingLiteral.StreamFailure e) {
            throw spoolFailure("for " + target, e);
        }
    }

    private void oneByOne(String name, TargetFolder target, List<? extends MessageToCopy> messages,
                          ObjIntConsumer<AppendOutcome> done) {
        for (int i = 0; i < messages.size(); i++) {
            done.accept(append(name, target, messages.get(i)), i);
        }
    }

    private void multiAppend(IMAPFolder folder, String name, TargetFolder target, List<? extends MessageToCopy> messages,
                             List<byte[]> headers, ObjIntConsumer<AppendOutcome> done) throws MessagingException {
        Argument args = new Argument();
        args.writeString(BASE64MailboxEncoder.encode(name));
        for (int i = 0; i < messages.size(); i++) {
            MessageToCopy message = messages.get(i);
            args.writeAtom(flagList(message.flags()));
            args.writeString(INTERNALDATE.format(Date.from(message.internalDate())));
            args.writeBytes(new StreamingLiteral(headers.get(i), message, (int) (headers.get(i).length + message.size())));
        }
        Object result = folder.doCommand(p -> {
            Response[] r = p.command("APPEND", args);
            p.notifyResponseHandlers(r);
            try {
                p.handleResult(r[r.length - 1]);
            } catch (ProtocolException e) {
                return e;
            }
            return true;
        });
        if (result instanceof ProtocolException pe) {
            if (ImapErrors.appendRejection(pe).isPresent()) {
                // MULTIAPPEND is all or nothing: nothing was stored; one by one finds the message refused.
                oneByOne(name, target, messages, done);
                return;
            }
            throw ImapErrors.translate("APPEND of " + messages.size() + " messages to " + target + " failed", pe);
        }
        for (int i = 0; i < messages.size(); i++) {
            done.accept(AppendOutcome.copied(""), i);
        }
    }

    /**
     * Hands every outcome read to {@code done}, also when the window ended in a failure, before
     * throwing it: what the target said it stored is counted as copied exactly once.
     */
    private void pipelined(IMAPFolder folder, String name, TargetFolder target, List<? extends MessageToCopy> messages,
                           List<byte[]> headers, ObjIntConsumer<AppendOutcome> done) throws MessagingException {
        PipelinedAppends appends = new PipelinedAppends(BASE64MailboxEncoder.encode(name), messages, headers);
        AppendOutcome[] outcomes = new AppendOutcome[messages.size()];
        PipelinedAppends.Window window;
        try {
            window = (PipelinedAppends.Window) folder.doCommand(p -> appends.run(p, outcomes));
        } finally {
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] != null) {
                    done.accept(outcomes[i], i);
                }
            }
        }
        if (window.failure() != null) {
            sharedThrottled += window.throttled();
            throw ImapErrors.translate("APPEND of " + messages.get(window.failedAt()).key() + " to " + target
                    + " failed", window.failure());
        }
    }

    private static TransferException spoolFailure(String what, StreamingLiteral.StreamFailure e) {
        return TransferException.retryable("Reading the spooled message " + what + " failed: "
                + ImapErrors.text(e.getCause()), e.getCause());
    }

    /** An IMAP flag list, as Angus writes it for APPEND ({@code \Recent} cannot be set and is never among ours). */
    static String flagList(MessageFlags f) {
        List<String> parts = new ArrayList<>();
        if (f.answered()) {
            parts.add("\\Answered");
        }
        if (f.draft()) {
            parts.add("\\Draft");
        }
        if (f.flagged()) {
            parts.add("\\Flagged");
        }
        if (f.seen()) {
            parts.add("\\Seen");
        }
        parts.addAll(f.keywords());
        return "(" + String.join(" ", parts) + ")";
    }
}
