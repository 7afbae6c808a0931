package be.cfwb.bma.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jdk.net.ExtendedSocketOptions;

/**
 * The plumbing the test proxies share: a listening socket on loopback, an accept loop that
 * opens one upstream connection to a loopback port per client, the open sockets (so that
 * {@link #cutAll()} can cut them as a network cut or server restart would), daemon threads, and
 * a {@link #close()} that ends everything. Subclasses only say what to do with each connection;
 * IMAP-aware ones read the client's commands with {@link #readLine} and {@link #forwardCommand}.
 */
public abstract class LoopbackRelay implements AutoCloseable {

    /** A literal announced at the end of a command line: {@code {n}} or, LITERAL+, {@code {n+}}. */
    protected static final Pattern LITERAL = Pattern.compile("\\{(\\d+)(\\+?)\\}\r?\n$");

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Listens on an ephemeral loopback port; nothing is accepted before {@link #started}. */
    protected LoopbackRelay(String name, int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** {@code relay}, accepting: for the subclass's factory, once the subclass's own fields are set. */
    protected static <R extends LoopbackRelay> R started(R relay) {
        LoopbackRelay r = relay;
        r.threads.execute(r::acceptLoop);
        return relay;
    }

    /**
     * Whether to relay a connection just accepted; false closes it at once (counted by the
     * subclass as it sees fit). Called before the upstream connection is opened.
     */
    protected boolean admit(Socket client) {
        return true;
    }

    /** Starts relaying one connection (typically two {@link #execute}d pumps ending in {@link #end}). */
    protected abstract void relay(Socket client, Socket upstream) throws IOException;

    /** The port clients connect to instead of the server's. */
    public int port() {
        return server.getLocalPort();
    }

    /** Closes every open connection at once, as a server restart or network cut would. */
    public void cutAll() {
        open.forEach(LoopbackRelay::closeQuietly);
        open.clear();
    }

    protected final boolean closed() {
        return closed;
    }

    protected final void execute(Runnable pump) {
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
    protected final void copy(Socket from, Socket to, Object writeLock, Socket client, Socket upstream) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            while (true) {
                quickAck(from);
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
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

    /**
     * Acknowledges what {@code socket} receives at once (Linux; elsewhere nothing). GreenMail
     * does not set TCP_NODELAY: it sends the second line of a reply only once the first is
     * acknowledged, and a delayed ACK holds that back ~40 ms, so every multi-line reply (SELECT,
     * FETCH) would cost 40 ms. The kernel leaves quick-ACK mode on its own, hence before each read.
     */
    protected static void quickAck(Socket socket) {
        try {
            if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
                socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            }
        } catch (IOException e) {
            // a closed socket: the read that follows says so
        }
    }

    /**
     * Waits until every connection relayed so far has ended, at most {@code atMost}: a client
     * that closes without waiting for its last answer (LOGOUT) may be done before the relay has
     * read that last command; after this, it has.
     *
     * @throws IllegalStateException if connections are still open after {@code atMost}
     */
    public void awaitQuiet(java.time.Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!open.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(open.size() / 2 + " connection(s) still open after " + atMost);
            }
            sleep(5);
        }
    }

    /** Closes both sides of a connection and forgets them. */
    protected final void end(Socket client, Socket upstream) {
        closeQuietly(client);
        closeQuietly(upstream);
        open.remove(client);
        open.remove(upstream);
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    protected static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /**
     * Forwards a client's command whose first line is {@code line}: each line of it through
     * {@code lines} (ISO-8859-1, CRLF included), each literal byte for byte, up to the line that
     * ends the command. A synchronising literal is read once the server's {@code +}, forwarded
     * by the other pump, has reached the client.
     */
    protected static void forwardCommand(InputStream in, OutputStream up, byte[] line, UnaryOperator<String> lines)
            throws IOException {
        String text = new String(line, StandardCharsets.ISO_8859_1);
        while (true) {
            up.write(lines.apply(text).getBytes(StandardCharsets.ISO_8859_1));
            up.flush();
            Matcher literal = LITERAL.matcher(text);
            if (!literal.find()) {
                return;
            }
            long n = Long.parseLong(literal.group(1));
            byte[] buffer = new byte[8192];
            while (n > 0) {
                int r = in.read(buffer, 0, (int) Math.min(buffer.length, n));
                if (r < 0) {
                    throw new EOFException("end of stream inside a literal");
                }
                up.write(buffer, 0, r);
                n -= r;
            }
            byte[] next = readLine(in);
            if (next == null) {
                throw new EOFException("end of stream inside a command");
            }
            text = new String(next, StandardCharsets.ISO_8859_1);
        }
    }

    /** One line with its CRLF, or null at the end of the stream. */
    protected static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
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
