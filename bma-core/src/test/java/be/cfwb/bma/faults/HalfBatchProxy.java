package be.cfwb.bma.faults;

import be.cfwb.bma.testing.LoopbackRelay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A proxy to the old server that, once the client has sent its {@code n}th multi-message
 * {@code UID FETCH ... (UID BODY.PEEK[])}, lets {@code bytes} more of the server's answer
 * through and then nothing, running {@code atStall} once: the engine is then in the middle of a
 * batch, part of its messages received and part not.
 */
final class HalfBatchProxy extends LoopbackRelay {

    private static final byte[] BATCH = "(UID BODY.PEEK[])".getBytes(StandardCharsets.US_ASCII);

    private final int n;
    private final long bytes;
    private final Runnable atStall;
    private final AtomicInteger batches = new AtomicInteger();
    /** Server bytes still let through once armed; -1 until then. */
    private final AtomicLong left = new AtomicLong(-1);

    private HalfBatchProxy(int targetPort, int n, long bytes, Runnable atStall) throws IOException {
        super("half-batch-proxy", targetPort);
        this.n = n;
        this.bytes = bytes;
        this.atStall = atStall;
    }

    static HalfBatchProxy to(int targetPort, int n, long bytes, Runnable atStall) throws IOException {
        return started(new HalfBatchProxy(targetPort, n, bytes, atStall));
    }

    @Override
    protected void relay(Socket client, Socket upstream) {
        execute(() -> pump(client, upstream, true));
        execute(() -> pump(upstream, client, false));
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[8192];
        byte[] tail = new byte[0];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int count;
            while (!closed() && (count = in.read(buffer)) >= 0) {
                int allowed = count;
                if (fromClient) {
                    byte[] seen = new byte[tail.length + count];
                    System.arraycopy(tail, 0, seen, 0, tail.length);
                    System.arraycopy(buffer, 0, seen, tail.length, count);
                    if (contains(seen, BATCH) && batches.incrementAndGet() == n) {
                        left.set(bytes);
                    }
                    int keep = Math.min(seen.length, BATCH.length - 1);
                    tail = java.util.Arrays.copyOfRange(seen, seen.length - keep, seen.length);
                } else if (left.get() >= 0) {
                    allowed = (int) Math.min(count, left.get());
                    left.addAndGet(-allowed);
                }
                out.write(buffer, 0, allowed);
                out.flush();
                if (allowed < count || (!fromClient && left.get() == 0)) {
                    atStall.run(); // never returns in the child: it is killed there
                    return;
                }
            }
        } catch (IOException e) {
            // a side closed: the connection is over
        } finally {
            end(fromClient ? from : to, fromClient ? to : from);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
