package be.cfwb.bma.testing.net;

import be.cfwb.bma.testing.LoopbackRelay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP relay that puts a wide-area round-trip time between its clients and a server:
 * every byte, in each direction of every connection, is delivered half the round-trip time after
 * the relay read it, in order. Bandwidth is not limited: a reader thread stamps each chunk with
 * its delivery time and queues it at once, a writer thread delivers it when due, so any number
 * of bytes can be in flight during one delay (as on a real link, throughput is then limited by
 * what the two ends keep in flight, not by the delay). A connection also pays the TCP handshake:
 * the server's first bytes (an IMAP greeting) reach the client one and a half round trips after
 * it connected, as over a real link.
 *
 * <p>The bytes in flight per direction are bounded by a window ({@value #DEFAULT_WINDOW} bytes by
 * default, about what a tuned TCP stack keeps in flight): a memory guard, far above what a
 * benchmark reaches at tens of milliseconds. With a zero round-trip time the relay still costs a
 * hop (two more socket copies), which is why a benchmark compares everything through the same
 * relay.
 */
public final class LatencyRelay extends LoopbackRelay {

    /** The default bound on the bytes in flight per direction of a connection. */
    public static final int DEFAULT_WINDOW = 32 << 20;

    private static final int CHUNK = 64 << 10;

    private final long oneWayNanos;
    private final long handshakeNanos;
    private final int window;
    private final AtomicInteger connections = new AtomicInteger();

    private LatencyRelay(int targetPort, Duration roundTrip, int window) throws IOException {
        super("latency-relay-" + targetPort, targetPort);
        if (roundTrip.isNegative()) {
            throw new IllegalArgumentException("negative round-trip time: " + roundTrip);
        }
        if (window < CHUNK) {
            throw new IllegalArgumentException("window below " + CHUNK + " bytes: " + window);
        }
        this.oneWayNanos = roundTrip.toNanos() / 2;
        this.handshakeNanos = roundTrip.toNanos();
        this.window = window;
    }

    /** A relay to the loopback port {@code targetPort} with the given round-trip time. */
    public static LatencyRelay start(int targetPort, Duration roundTrip) throws IOException {
        return start(targetPort, roundTrip, DEFAULT_WINDOW);
    }

    /** As {@link #start(int, Duration)}, with at most {@code window} bytes in flight per direction. */
    public static LatencyRelay start(int targetPort, Duration roundTrip, int window) throws IOException {
        return started(new LatencyRelay(targetPort, roundTrip, window));
    }

    /** The round-trip time this relay adds. */
    public Duration roundTrip() {
        return Duration.ofNanos(oneWayNanos * 2);
    }

    /** How many connections the relay has accepted so far. */
    public int connections() {
        return connections.get();
    }

    @Override
    protected void relay(Socket client, Socket upstream) throws IOException {
        connections.incrementAndGet();
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        long accepted = System.nanoTime();
        Connection connection = new Connection(client, upstream);
        // The handshake: nothing from the server reaches the client before one round trip.
        connection.pump(upstream, client, accepted + handshakeNanos);
        connection.pump(client, upstream, accepted);
    }

    /** A chunk of bytes and when to deliver it; an empty chunk is the end of the stream. */
    private static final class Chunk {
        private final byte[] bytes;
        private final long due;

        Chunk(byte[] bytes, long due) {
            this.bytes = bytes;
            this.due = due;
        }

        byte[] bytes() {
            return bytes;
        }

        long due() {
            return due;
        }
    }

    /** One relayed connection: two directions, each a reader and a writer. */
    private final class Connection {
        private final Socket client;
        private final Socket upstream;
        private final AtomicInteger openDirections = new AtomicInteger(2);

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void pump(Socket from, Socket to, long notBefore) {
            BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            Semaphore inFlight = new Semaphore(window);
            execute(() -> read(from, queue, inFlight, notBefore));
            execute(() -> write(to, queue, inFlight));
        }

        private void read(Socket from, BlockingQueue<Chunk> queue, Semaphore inFlight, long notBefore) {
            byte[] buffer = new byte[CHUNK];
            try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n == 0) {
                        continue;
                    }
                    inFlight.acquire(n);
                    queue.add(new Chunk(Arrays.copyOf(buffer, n), dueTime(notBefore)));
                }
                queue.add(new Chunk(new byte[0], dueTime(notBefore)));
            } catch (IOException e) {
                end(client, upstream);
                queue.add(new Chunk(new byte[0], System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                end(client, upstream);
            }
        }

        private long dueTime(long notBefore) {
            return Math.max(System.nanoTime(), notBefore) + oneWayNanos;
        }

        private void write(Socket to, BlockingQueue<Chunk> queue, Semaphore inFlight) {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    waitUntil(chunk.due());
                    if (chunk.bytes().length == 0) {
                        finish(to);
                        return;
                    }
                    out.write(chunk.bytes());
                    inFlight.release(chunk.bytes().length);
                }
            } catch (IOException e) {
                end(client, upstream);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                end(client, upstream);
            }
        }

        /** The end of one direction: passed on as a half-close; both ended, the connection is. */
        private void finish(Socket to) {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                end(client, upstream);
                return;
            }
            if (openDirections.decrementAndGet() == 0) {
                end(client, upstream);
            }
        }
    }

    private static void waitUntil(long due) throws InterruptedException {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
