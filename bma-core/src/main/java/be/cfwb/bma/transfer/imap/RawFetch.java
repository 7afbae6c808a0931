package be.cfwb.bma.transfer.imap;

import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One FETCH command whose answers are read here rather than by Angus, which drops an answer it
 * cannot parse without a word and then takes a missing body for an empty one. Here an
 * unparsable answer is kept, in the server's words, and the command's result is returned as is:
 * the caller decides, so that a message the server garbles is blamed with what the server said
 * and never copied empty.
 *
 * @param fetches     the FETCH answers that could be parsed
 * @param unparsable  the beginning of each answer that could not be, as the server sent it
 * @param result      the tagged result (OK, NO, BAD) or the BYE that ended the command
 * @param others      the other untagged answers that came meanwhile (EXISTS, EXPUNGE...)
 */
record RawFetch(List<FetchResponse> fetches, List<String> unparsable, Response result, List<Response> others) {

    /** How much of an unparsable answer is kept: enough to recognise it, never a whole message. */
    private static final int WORDS = 200;
    private static final Pattern UID = Pattern.compile("\\bUID (\\d+)");
    private static final Pattern LITERAL = Pattern.compile("\\{\\d+\\+?}");

    /** Sends {@code command} and reads its answers; other untagged answers go to Angus's handlers. */
    static RawFetch run(IMAPProtocol p, String command) throws ProtocolException {
        String tag;
        try {
            tag = p.writeCommand(command, null);
        } catch (IOException e) {
            throw new ConnectionException(p, Response.byeResponse(e));
        }
        RawFetch f = answers(p, tag);
        p.notifyResponseHandlers(f.others().toArray(new Response[0]));
        return f;
    }

    /**
     * Reads the answers to the command sent with {@code tag}, up to its result; the other untagged
     * answers are kept in {@link #others}, for the caller to hand on (or not: a folder not yet
     * open must not see them).
     */
    static RawFetch answers(IMAPProtocol p, String tag) throws ProtocolException {
        List<FetchResponse> fetches = new ArrayList<>();
        List<String> unparsable = new ArrayList<>();
        List<Response> others = new ArrayList<>();
        Response result;
        while (true) {
            IMAPResponse r;
            try {
                r = new IMAPResponse(p);
            } catch (IOException e) {
                result = Response.byeResponse(e);
                break;
            }
            if (r.isBYE()) {
                result = r;
                break;
            }
            if (r.isTagged() && tag.equals(r.getTag())) {
                result = r;
                break;
            }
            if (r.keyEquals("FETCH")) {
                try {
                    fetches.add(new FetchResponse(r));
                } catch (ParsingException | IOException e) {
                    unparsable.add(words(r.toString()));
                }
            } else {
                others.add(r);
            }
        }
        return new RawFetch(fetches, unparsable, result, List.copyOf(others));
    }

    /**
     * The server's words, cut to a readable length, control characters shown as spaces, and
     * ending at the first literal's announced length: a message's own text (its headers, its
     * body) is never repeated in a report or a log.
     */
    static String words(String raw) {
        Matcher literal = LITERAL.matcher(raw);
        String cut = literal.find() ? raw.substring(0, literal.end()) + " ..." : raw;
        String s = cut.replaceAll("[\\x00-\\x1f]+", " ").strip();
        return s.length() <= WORDS ? s : s.substring(0, WORDS) + "...";
    }

    /** The UID an unparsable answer names, if it names one. */
    static Optional<Long> uidIn(String unparsable) {
        Matcher m = UID.matcher(unparsable);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** Throws what the result says if it is not OK (a NO, a BAD, a BYE, a dropped connection). */
    void requireOk(IMAPProtocol p) throws ProtocolException {
        if (!result.isOK()) {
            p.handleResult(result);
        }
    }
}
