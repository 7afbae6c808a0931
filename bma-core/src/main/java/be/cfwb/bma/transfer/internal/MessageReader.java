package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferSettings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/** Reads messages of one mailbox from the source and spools them; a failure is the message's own. */
final class MessageReader {

    /**
     * Messages listed at most this large are read several at a time (one request for the set): a
     * round trip each would cost more than the bytes over a WAN. Larger ones stream in blocks.
     */
    private static final long BATCH_MESSAGE = 1024 * 1024;
    /** Listed bytes one such request may bring into memory at most. */
    private static final long BATCH_BUDGET = 2 * 1024 * 1024;
    private static final int BATCH_COUNT = 250;

    private final TransferSettings settings;
    private final Reconnecting connections;
    private final BmaAddress mailbox;

    MessageReader(TransferSettings settings, Reconnecting connections, BmaAddress mailbox) {
        this.settings = settings;
        this.connections = connections;
        this.mailbox = mailbox;
    }

    /**
     * True if the size the source announces (RFC822.SIZE) is so far over the target's limit that
     * the message is not worth downloading. Announced sizes are approximate on some servers
     * (line ends counted otherwise), so only a size more than a tenth over the limit decides;
     * nearer the limit the message is read and its real size decides, as before.
     */
    boolean announcedTooLarge(SourceMessage m) {
        long limit = settings.maxMessageSize();
        return m.size() > limit + limit / 10;
    }

    /**
     * The largest folder read whole with its listing
     * ({@link be.cfwb.bma.transfer.MailboxSource#listWithBodies}): within one batched read's
     * budget, and within the target's limit, so that no message it holds is one announced too
     * large, which is never downloaded.
     */
    long readWithListingAtMost() {
        return Math.min(BATCH_BUDGET, settings.maxMessageSize());
    }

    Fetched fetch(FolderPath path, long uv, SourceMessage m) {
        SourceKey key = new SourceKey(mailbox, path, uv, m.uid());
        if (announcedTooLarge(m)) {
            // Not read: downloading and spooling it on every pass changes nothing (before, a 150 MB
            // message crossed the network each pass only to be refused).
            return new Fetched(m, null, TransferException.permanent("too large: the old server announces " + m.size()
                    + " bytes, the target takes at most " + settings.maxMessageSize() + " (not downloaded)", null),
                    null, true);
        }
        try {
            InputStream in = connections.source().open(path, uv, m.uid(), m.size());
            return new Fetched(m, SpooledMessage.read(key, m.flags(), m.internalDate(), in, m.size(),
                    settings.memoryThreshold(), settings.spoolDirectory()), null, null);
        } catch (IOException e) {
            if (e.getCause() instanceof TransferException t && t.isThrottled()) {
                return new Fetched(m, null, t, null);
            }
            return new Fetched(m, null, TransferException.retryable("Reading UID " + m.uid() + " of " + path
                    + " failed: " + e.getMessage(), e), null);
        } catch (TransferException e) {
            return new Fetched(m, null, e, null);
        } catch (RuntimeException e) {
            return new Fetched(m, null, null, e);
        }
    }

    /** The messages from {@code from} on to read in one request: small ones within the budget, else just one. */
    static List<SourceMessage> smallRun(List<SourceMessage> toCopy, int from) {
        long bytes = 0;
        int end = from;
        while (end < toCopy.size() && end - from < BATCH_COUNT) {
            long size = toCopy.get(end).size();
            if (size > BATCH_MESSAGE || bytes + size > BATCH_BUDGET) {
                break;
            }
            bytes += size;
            end++;
        }
        return toCopy.subList(from, Math.max(end, from + 1));
    }

    /** Spools a message a batched read brought into memory. */
    Fetched spool(FolderPath path, long uv, SourceMessage m, ByteBuffer bytes) {
        SourceKey key = new SourceKey(mailbox, path, uv, m.uid());
        try {
            return new Fetched(m, SpooledMessage.of(key, m.flags(), m.internalDate(), bytes,
                    settings.memoryThreshold(), settings.spoolDirectory()), null, null);
        } catch (IOException e) {
            return new Fetched(m, null, TransferException.retryable("Spooling UID " + m.uid() + " of " + path
                    + " failed: " + e.getMessage(), e), null);
        } catch (RuntimeException e) {
            return new Fetched(m, null, null, e);
        }
    }
}
