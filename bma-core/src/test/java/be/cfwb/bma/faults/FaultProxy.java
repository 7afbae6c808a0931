package be.cfwb.bma.faults;

import be.cfwb.bma.testing.LoopbackRelay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on loopback that sits between the toolkit and a server and misbehaves on
 * demand: drops connections after a number of bytes, resets them when the client sends a
 * given command, stalls, trickles, or refuses connections for a while. Faults can change
 * while connections are open, so a test can let a login through and then break the APPEND.
 *
 * <p>Everything it starts is a daemon and ends with {@link #close()}; it only ever connects
 * to the one loopback target it was given.
 */
public final class FaultProxy extends LoopbackRelay {

    /** What the proxy does to traffic; immutable, swapped atomically. */
    @SuppressWarnings("ArrayRecordComponent") // a carrier of bytes: nothing compares these records
    public record Faults(long dropAfterClientBytes, long dropAfterServerBytes, byte[] resetWhenClientSends,
                         boolean refuse, boolean stall, int bytesPerSecond, byte[] stallWhenClientSends) {

        public static final Faults NONE = new Faults(-1, -1, null, false, false, 0, null);

        Faults(long dropAfterClientBytes, long dropAfterServerBytes, byte[] resetWhenClientSends, boolean refuse,
               boolean stall, int bytesPerSecond) {
            this(dropAfterClientBytes, dropAfterServerBytes, resetWhenClientSends, refuse, stall, bytesPerSecond, null);
        }

        /**
         * Stall both directions as soon as the client's bytes contain this text (e.g.
         * {@code "BODY.PEEK[]"}), so the stall hits that very command whatever the timing.
         */
        public Faults stallWhenClientSends(String text) {
            return new Faults(dropAfterClientBytes, dropAfterServerBytes, resetWhenClientSends, refuse, stall,
                    bytesPerSecond, text.getBytes(StandardCharsets.US_ASCII));
        }

        /** Close both sides once the client has sent this many more bytes on a new connection. */
        public Faults dropAfterClientBytes(long bytes) {
            return new Faults(bytes, dropAfterServerBytes, resetWhenClientSends, refuse, stall, bytesPerSecond);
        }

        /** Close both sides once the server has sent this many bytes on a connection. */
        public Faults dropAfterServerBytes(long bytes) {
            return new Faults(dropAfterClientBytes, bytes, resetWhenClientSends, refuse, stall, bytesPerSecond);
        }

        /** Reset (RST) the connection when the client's bytes contain this text, e.g. {@code " APPEND "}. */
        public Faults resetWhenClientSends(String text) {
            return new Faults(dropAfterClientBytes, dropAfterServerBytes, text.getBytes(StandardCharsets.US_ASCII),
                    refuse, stall, bytesPerSecond);
        }

        /** Accept and close at once every new connection. */
        public Faults refusing() {
            return new Faults(dropAfterClientBytes, dropAfterServerBytes, resetWhenClientSends, true, stall, bytesPerSecond);
        }

        /** Forward nothing in either direction until the faults change. */
        public Faults stalling() {
            return new Faults(dropAfterClientBytes, dropAfterServerBytes, resetWhenClientSends, refuse, true, bytesPerSecond);
        }

        /** Forward at most this many bytes a second in each direction. */
        public Faults trickle(int bytesPerSecond) {
            return new Faults(dropAfterClientBytes, dropAfterServerBytes, resetWhenClientSends, refuse, stall, bytesPerSecond);
        }
    }

    private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.NONE);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger faultsInjected = new AtomicInteger();
    private final AtomicLong clientBytes = new AtomicLong();
    private final AtomicLong serverBytes = new AtomicLong();

    private FaultProxy(int targetPort) throws IOException {
        super("fault-proxy", targetPort);
    }

    /** Starts a proxy to {@code 127.0.0.1:targetPort}. */
    public static FaultProxy to(int targetPort) throws IOException {
        return started(new FaultProxy(targetPort));
    }

    /** Replaces the faults; applies to bytes forwarded from now on (drop counters to new connections). */
    public FaultProxy set(Faults newFaults) {
        faults.set(newFaults);
        return this;
    }

    /** The faults in force now. */
    public Faults faults() {
        return faults.get();
    }

    /** Back to a faithful proxy. */
    public FaultProxy heal() {
        return set(Faults.NONE);
    }

    public int connections() {
        return connections.get();
    }

    /** How many times a fault actually broke or refused a connection. */
    public int faultsInjected() {
        return faultsInjected.get();
    }

    public long clientBytes() {
        return clientBytes.get();
    }

    public long serverBytes() {
        return serverBytes.get();
    }

    @Override
    protected boolean admit(Socket client) {
        connections.incrementAndGet();
        if (faults.get().refuse()) {
            faultsInjected.incrementAndGet();
            return false;
        }
        return true;
    }

    @Override
    protected void relay(Socket client, Socket upstream) {
        Faults atConnect = faults.get();
        Connection connection = new Connection(client, upstream);
        execute(() -> connection.pump(client, upstream, true, atConnect.dropAfterClientBytes()));
        execute(() -> connection.pump(upstream, client, false, atConnect.dropAfterServerBytes()));
    }

    /** One proxied connection: two pumps that end together. */
    private final class Connection {
        private final Socket client;
        private final Socket upstream;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void pump(Socket from, Socket to, boolean fromClient, long dropAfter) {
            byte[] buffer = new byte[8192];
            long forwarded = 0;
            byte[] window = new byte[0];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                while (!closed()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    Faults f = faults.get();
                    while (f.stall() && !closed() && !from.isClosed()) {
                        sleep(20);
                        f = faults.get();
                    }
                    if (fromClient && f.stallWhenClientSends() != null) {
                        window = concatTail(window, buffer, n, f.stallWhenClientSends().length * 2 + n);
                        if (contains(window, f.stallWhenClientSends())) {
                            faultsInjected.incrementAndGet();
                            Faults stalled = new Faults(f.dropAfterClientBytes(), f.dropAfterServerBytes(),
                                    f.resetWhenClientSends(), f.refuse(), true, f.bytesPerSecond(), null);
                            faults.set(stalled);
                            f = stalled;
                            while (f.stall() && !closed() && !from.isClosed()) {
                                sleep(20);
                                f = faults.get();
                            }
                        }
                    }
                    if (fromClient && f.resetWhenClientSends() != null) {
                        window = concatTail(window, buffer, n, f.resetWhenClientSends().length * 2 + n);
                        if (contains(window, f.resetWhenClientSends())) {
                            faultsInjected.incrementAndGet();
                            reset();
                            return;
                        }
                    }
                    int allowed = n;
                    if (dropAfter >= 0 && forwarded + n > dropAfter) {
                        allowed = (int) (dropAfter - forwarded);
                    }
                    write(out, buffer, allowed, f.bytesPerSecond());
                    forwarded += allowed;
                    (fromClient ? clientBytes : serverBytes).addAndGet(allowed);
                    if (allowed < n) {
                        faultsInjected.incrementAndGet();
                        break;
                    }
                }
            } catch (IOException e) {
                // The other pump or a fault closed the sockets: the connection is over.
            } finally {
                end(client, upstream);
            }
        }

        private void reset() {
            for (Socket s : List.of(client, upstream)) {
                try {
                    s.setSoLinger(true, 0);
                } catch (SocketException e) {
                    // already closed
                }
                closeQuietly(s);
            }
        }
    }

    private static void write(OutputStream out, byte[] buffer, int length, int bytesPerSecond) throws IOException {
        if (bytesPerSecond <= 0) {
            out.write(buffer, 0, length);
            out.flush();
            return;
        }
        int chunk = Math.max(1, bytesPerSecond / 10);
        for (int off = 0; off < length; off += chunk) {
            int len = Math.min(chunk, length - off);
            out.write(buffer, off, len);
            out.flush();
            sleep(100L * len / chunk);
        }
    }

    private static byte[] concatTail(byte[] window, byte[] buffer, int n, int keep) {
        byte[] all = new byte[window.length + n];
        System.arraycopy(window, 0, all, 0, window.length);
        System.arraycopy(buffer, 0, all, window.length, n);
        int from = Math.max(0, all.length - keep);
        return java.util.Arrays.copyOfRange(all, from, all.length);
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
