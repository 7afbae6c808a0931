package be.cfwb.bma.transfer.imap;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.UID;

import java.io.IOException;
import java.io.InputStream;

/**
 * A message's bytes read from the old server in blocks of {@value ImapSession#FETCH_BLOCK}
 * ({@code UID FETCH uid (UID BODY.PEEK[]<offset.length>)}). Unlike Angus's own stream, which
 * takes an answer it could not parse, a NO or a NIL for an empty body, every block must come
 * back as a body of this UID: anything else fails the read with what the server said, so a
 * message is copied whole or not at all.
 */
final class BodyStream extends InputStream {

    private final IMAPFolder folder;
    private final long uid;
    private final String what;
    private long offset;
    private byte[] block = new byte[0];
    private int start;
    private int end;
    private boolean last;

    BodyStream(IMAPFolder folder, long uid, String what) {
        this.folder = folder;
        this.uid = uid;
        this.what = what;
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

    /** True if bytes are waiting, reading the next block when the last one is used up. */
    private boolean fill() throws IOException {
        while (start >= end) {
            if (last) {
                return false;
            }
            readBlock();
        }
        return true;
    }

    private void readBlock() throws IOException {
        String command = "UID FETCH " + uid + " (UID BODY.PEEK[]<" + offset + "." + ImapSession.FETCH_BLOCK + ">)";
        RawFetch answer;
        try {
            answer = (RawFetch) folder.doCommand(p -> {
                RawFetch f = RawFetch.run(p, command);
                f.requireOk(p);
                return f;
            });
        } catch (MessagingException | RuntimeException e) {
            // The cause says what kind of failure it was: a throttled read is waited out as the server asks.
            throw new IOException(what + ": " + ImapErrors.text(e), ImapErrors.translate(what, e));
        }
        for (FetchResponse fr : answer.fetches()) {
            UID u = fr.getItem(UID.class);
            BODY body = fr.getItem(BODY.class);
            if (body == null || (u != null && u.uid != uid) || !body.getSection().isEmpty()) {
                continue;
            }
            ByteArray bytes = body.getByteArray();
            if (bytes == null) {
                throw new IOException(what + ": the old server answered NIL for its body: " + RawFetch.words(fr.toString()));
            }
            block = bytes.getBytes();
            start = bytes.getStart();
            end = start + bytes.getCount();
            offset += bytes.getCount();
            last = bytes.getCount() < ImapSession.FETCH_BLOCK;
            return;
        }
        if (!answer.unparsable().isEmpty()) {
            throw new IOException(what + ": the old server's answer could not be read: " + answer.unparsable().get(0));
        }
        throw new IOException(what + ": the old server answered " + RawFetch.words(answer.result().toString())
                + " without the message's body");
    }
}
