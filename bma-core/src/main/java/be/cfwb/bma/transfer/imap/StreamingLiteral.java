package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.MessageToCopy;

import org.eclipse.angus.mail.iap.Literal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The APPEND literal: trace header, then the message streamed from its spool. */
final class StreamingLiteral implements Literal {

    /** A failure reading the spool while writing the literal; unchecked to cross Angus's writer. */
    static final class StreamFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StreamFailure(IOException cause) {
            super(cause);
        }
    }

    private final byte[] header;
    private final MessageToCopy message;
    private final int size;

    StreamingLiteral(byte[] header, MessageToCopy message, int size) {
        this.header = header;
        this.message = message;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void writeTo(OutputStream os) throws IOException {
        os.write(header);
        long written = 0;
        try (InputStream in = message.open()) {
            if (in instanceof ByteArrayInputStream) {
                written = in.transferTo(os); // writes the array itself: no copy
            } else {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    os.write(buffer, 0, n);
                    written += n;
                }
            }
        } catch (IOException e) {
            throw new StreamFailure(e);
        }
        if (written != message.size()) {
            throw new StreamFailure(new IOException("the spool gave " + written + " bytes, " + message.size() + " expected"));
        }
    }
}
