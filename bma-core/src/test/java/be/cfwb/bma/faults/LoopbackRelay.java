package be.cfwb.bma.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The plumbing the test proxies share: a listening socket on loopback, an accept loop that
 * opens one upstream connection to a loopback port per client, the open sockets (so that
 * {@link #cutAll()} can cut them as a network cut or server restart would), daemon threads, and
 * a {@link #close()} that ends everything. Subclasses only say what to do with each connection.
 */
abstract class LoopbackRelay implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Listens on an ephemeral loopback port; nothing is accepted before {@link #started}. */
    LoopbackRelay(String name, int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** {@code relay}, accepting: for the subclass's factory, once the subclass's own fields are set. */
    static <R extends LoopbackRelay> R started(R relay) {
        LoopbackRelay r = relay;
        r.threads.execute(r::acceptLoop);
        return relay;
    }

    /**
     * Whether to relay a connection just accepted; false closes it at once (counted by the
     * subclass as it sees fit). Called before the upstream connection is opened.
     */
    boolean admit(Socket client) {
        return true;
    }

    /** Starts relaying one connection (typically two {@link #execute}d pumps ending in {@link #end}). */
    abstract void relay(Socket client, Socket upstream) throws IOException;

    /** The port clients connect to instead of the server's. */
    public int port() {
        return server.getLocalPort();
    }

    /** Closes every open connection at once, as a server restart or network cut would. */
    public void cutAll() {
        open.forEach(LoopbackRelay::closeQuietly);
        open.clear();
    }

    final boolean closed() {
        return closed;
    }

    final void execute(Runnable pump) {
        threads.execute(pump);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (!admit(client)) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                open.add(client);
                open.add(upstream);
                relay(client, upstream);
            } catch (IOException e) {
                if (!closed) {
                    sleep(10);
                }
            }
        }
    }

    /**
     * Copies {@code from} to {@code to} as it comes, each write under {@code writeLock}, until
     * either side ends; then ends the connection.
     */
    final void copy(Socket from, Socket to, Object writeLock, Socket client, Socket upstream) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (writeLock) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the connection is over
        } finally {
            end(client, upstream);
        }
    }

    /** Closes both sides of a connection and forgets them. */
    final void end(Socket client, Socket upstream) {
        closeQuietly(client);
        closeQuietly(upstream);
        open.remove(client);
        open.remove(upstream);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        cutAll();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
