package be.cfwb.bma.transfer.imap;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A message's bytes read from the old server in blocks of {@value #BLOCK}
 * ({@code UID FETCH uid (UID BODY.PEEK[]<offset.length>)}), up to {@value #WINDOW} blocks asked
 * ahead: over a WAN the next blocks are already on their way while this one is spooled, instead
 * of one round trip per block. The listing's RFC822.SIZE, where given, sizes the first asks: a
 * large message's first blocks go out together, not the first alone to learn its size. The first
 * answer gives RFC822.SIZE again, which sizes the rest of the window (never asked past the
 * message's end, except one block to find it where the size was low; blocks asked past it on a
 * listed size too high come back empty and are read off).
 * Answers are matched by their offset. Unlike Angus's own stream, which takes an answer it could
 * not parse, a NO or a NIL for an empty body, every block must come back as a body of this UID:
 * anything else fails the read with what the server said, so a message is copied whole or not
 * at all. The connection is shared with the folder's other commands, so blocks asked and not
 * wanted any more are read off it (on failure, at the end, on {@link #close()}) before it is
 * used again.
 */
final class BodyStream extends InputStream {

    /** Below G1's humongous threshold (half a region, 512 KiB at least): each block is an ordinary allocation. */
    static final int BLOCK = 256 * 1024;
    /** Blocks asked ahead at most: 2 MiB in flight covers a 20 ms round trip up to about 100 MB/s. */
    static final int WINDOW = 8;
    /** The listed size of a message whose listing gave none: its first block is asked alone. */
    static final long SIZE_UNKNOWN = -1;

    private final IMAPFolder folder;
    private final long uid;
    /** The size the listing gave, {@link #SIZE_UNKNOWN} if none: what the first asks go by. */
    private final long listed;
    private final String what;
    /** The commands sent and not yet answered with their tagged result, oldest first. */
    private final ArrayDeque<Ask> inFlight = new ArrayDeque<>();
    /** Bodies that arrived, by offset, not yet handed out. */
    private final Map<Long, ByteArray> arrived = new HashMap<>();
    /** Tagged results that ended an ask whose body has not been handed out yet, by offset. */
    private final Map<Long, Response> ended = new HashMap<>();
    private final List<String> unparsable = new ArrayList<>();
    private String nil;
    /** The size the server announces, -1 until its first answer. */
    private long announced = -1;
    private long asked;
    private long offset;
    private byte[] block = new byte[0];
    private int start;
    private int end;
    private boolean last;

    private record Ask(String tag, long offset) {
    }

    BodyStream(IMAPFolder folder, long uid, long listed, String what) {
        this.folder = folder;
        this.uid = uid;
        this.listed = listed;
        this.what = what;
    }

    /**
     * Reads the first block; false if the server answers OK without any answer for this UID: the
     * message is gone (expunged since the listing), which no later attempt changes.
     */
    boolean exists() throws IOException {
        if (offset > 0 || start < end || last) {
            return true;
        }
        return readBlock();
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return block[start++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, end - start);
        System.arraycopy(block, start, b, off, n);
        start += n;
        return n;
    }

    /** Reads off the answers to blocks still asked, so that the folder's next command finds the connection clean. */
    @Override
    public void close() throws IOException {
        last = true;
        block = new byte[0];
        start = 0;
        end = 0;
        if (inFlight.isEmpty()) {
            return;
        }
        try {
            folder.doCommand(p -> {
                drain(p);
                return null;
            });
        } catch (MessagingException | RuntimeException e) {
            // the connection is broken: the folder reconnects before its next command
        } finally {
            inFlight.clear();
            arrived.clear();
        }
    }

    /** True if bytes are waiting, reading the next block when the last one is used up. */
    private boolean fill() throws IOException {
        while (start >= end) {
            if (last) {
                return false;
            }
            if (!readBlock()) {
                throw new IOException(what + ": the old server answered "
                        + RawFetch.words(String.valueOf(ended.get(offset))) + " without the message's body");
            }
        }
        return true;
    }

    /** The block at {@link #offset}; false if the server ended its command OK without it. */
    private boolean readBlock() throws IOException {
        Response failed;
        try {
            failed = (Response) folder.doCommand(p -> {
                askAhead(p);
                // Its tagged result too: a body that comes with a NO is not taken.
                while (!ended.containsKey(offset)) {
                    readAnswer(p);
                }
                Response result = ended.get(offset);
                if (result.isOK() && arrived.containsKey(offset)) {
                    return null;
                }
                drain(p);
                if (!result.isOK()) {
                    p.handleResult(result);
                }
                return result;
            });
        } catch (MessagingException | RuntimeException e) {
            // The cause says what kind of failure it was: a throttled read is waited out as the server asks.
            inFlight.clear();
            throw new IOException(what + ": " + ImapErrors.text(e), ImapErrors.translate(what, e));
        }
        if (failed != null) {
            if (nil != null) {
                throw new IOException(what + ": the old server answered NIL for its body: " + nil);
            }
            if (!unparsable.isEmpty()) {
                throw new IOException(what + ": the old server's answer could not be read: " + unparsable.get(0));
            }
            return false;
        }
        ByteArray bytes = arrived.remove(offset);
        ended.remove(offset);
        block = bytes.getBytes();
        start = bytes.getStart();
        end = start + bytes.getCount();
        offset += bytes.getCount();
        last = bytes.getCount() < BLOCK;
        if (last && !inFlight.isEmpty()) {
            // Asked past the end (the announced size was high): read off the empty answers now.
            try {
                folder.doCommand(p -> {
                    drain(p);
                    return null;
                });
            } catch (MessagingException | RuntimeException e) {
                inFlight.clear();
                throw new IOException(what + ": " + ImapErrors.text(e), ImapErrors.translate(what, e));
            }
        }
        return true;
    }

    /**
     * Sends the next asks: as many as the window holds up to the end the server announced, or
     * before its first answer the listed one (the first alone where none was listed); one more
     * past it only when nothing is asked any more.
     */
    private void askAhead(IMAPProtocol p) throws ProtocolException {
        long end = announced >= 0 ? announced : listed;
        while (inFlight.size() < WINDOW && ((inFlight.isEmpty() && asked <= offset) || (end >= 0 && asked < end))) {
            String items = asked == 0 ? "(UID RFC822.SIZE BODY.PEEK[]<0." + BLOCK + ">)"
                    : "(UID BODY.PEEK[]<" + asked + "." + BLOCK + ">)";
            try {
                inFlight.add(new Ask(p.writeCommand("UID FETCH " + uid + " " + items, null), asked));
            } catch (IOException e) {
                throw new ConnectionException(p, Response.byeResponse(e));
            }
            asked += BLOCK;
        }
    }

    /** Reads one answer: a body of ours, a tagged result of ours, or something for Angus's handlers. */
    private void readAnswer(IMAPProtocol p) throws ProtocolException {
        IMAPResponse r;
        try {
            r = new IMAPResponse(p);
        } catch (IOException e) {
            throw new ConnectionException(p, Response.byeResponse(e));
        }
        if (r.isBYE()) {
            inFlight.clear();
            p.notifyResponseHandlers(new Response[]{r});
            throw new ConnectionException(p, r);
        }
        if (r.isTagged()) {
            for (Ask ask : inFlight) {
                if (ask.tag().equals(r.getTag())) {
                    inFlight.remove(ask);
                    ended.put(ask.offset(), r);
                    return;
                }
            }
            return;
        }
        if (r.keyEquals("FETCH")) {
            FetchResponse fr;
            try {
                fr = new FetchResponse(r);
            } catch (ParsingException | IOException e) {
                unparsable.add(RawFetch.words(r.toString()));
                return;
            }
            UID u = fr.getItem(UID.class);
            BODY body = fr.getItem(BODY.class);
            if (body != null && (u == null || u.uid == uid) && body.getSection().isEmpty()) {
                RFC822SIZE size = fr.getItem(RFC822SIZE.class);
                if (size != null) {
                    announced = size.size;
                }
                ByteArray bytes = body.getByteArray();
                // A server that leaves out <origin> answers the oldest ask still open: answers come in order.
                long at = body.getOrigin() > 0 || inFlight.isEmpty() ? body.getOrigin() : inFlight.peek().offset();
                if (bytes == null) {
                    nil = RawFetch.words(fr.toString());
                } else {
                    arrived.put(at, bytes);
                }
                return;
            }
            // Angus's folder takes a FETCH answer (a flag change, say) only parsed.
            p.notifyResponseHandlers(new Response[]{fr});
            return;
        }
        p.notifyResponseHandlers(new Response[]{r});
    }

    /** Reads every answer still due, so that the connection is clean for the folder's next command. */
    private void drain(IMAPProtocol p) throws ProtocolException {
        while (!inFlight.isEmpty()) {
            readAnswer(p);
        }
        arrived.keySet().removeIf(at -> at > offset);
        ended.keySet().removeIf(at -> at > offset);
    }
}
