package be.cfwb.bma.testing.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay against an echo server on loopback. The delays are real time (the relay exists to
 * add them); the assertions take lower bounds from the configured round trip and upper bounds
 * loose enough for a loaded shared machine.
 */
class LatencyRelayTest {

    private ServerSocket echo;
    private Thread echoThread;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(this::serveEcho, "echo");
        echoThread.setDaemon(true);
        echoThread.start();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void eachExchangeTakesTheRoundTripAndTheGreetingOneAndAHalf() throws Exception {
        Duration rtt = Duration.ofMillis(80);
        try (LatencyRelay relay = LatencyRelay.start(echo.getLocalPort(), rtt);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
            socket.setTcpNoDelay(true);
            long connected = System.nanoTime();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            assertThat(in.read()).as("the echo server's greeting").isEqualTo('*');
            long greeting = System.nanoTime() - connected;
            // The relay's clock starts at accept, which the kernel completes a little before connect()
            // returns here: a few milliseconds of slack below one and a half round trips.
            assertThat(greeting).isBetween(nanos(rtt.multipliedBy(3).dividedBy(2).minusMillis(5)), nanos(rtt.plusSeconds(2)));

            long fastest = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long sent = System.nanoTime();
                out.write('a' + i);
                assertThat(in.read()).isEqualTo('a' + i);
                long roundTrip = System.nanoTime() - sent;
                assertThat(roundTrip).isGreaterThanOrEqualTo(nanos(rtt));
                fastest = Math.min(fastest, roundTrip);
            }
            // Close to the round trip, not a multiple of it (no extra wait per byte or per read).
            assertThat(fastest).isLessThan(nanos(rtt.plusMillis(60)));
            assertThat(relay.connections()).isEqualTo(1);
        }
    }

    @Test
    void manyBytesArriveUnchangedAndInOrderWithoutAWaitPerChunk() throws Exception {
        Duration rtt = Duration.ofMillis(100);
        byte[] sent = new byte[16 << 20];
        new Random(9358).nextBytes(sent);
        try (LatencyRelay relay = LatencyRelay.start(echo.getLocalPort(), rtt);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo('*');
            long start = System.nanoTime();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(sent);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            byte[] received = in.readAllBytes();
            long took = System.nanoTime() - start;
            writer.join();

            assertThat(received).isEqualTo(sent);
            assertThat(took).isGreaterThanOrEqualTo(nanos(rtt));
            // 16 MiB is at least 256 reads of 64 KiB: a relay that waited half the round trip
            // per read would take 12.8 s or more; the queue takes one round trip plus copying.
            assertThat(took).isLessThan(nanos(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aZeroRoundTripRelaysAsIs() throws Exception {
        try (LatencyRelay relay = LatencyRelay.start(echo.getLocalPort(), Duration.ZERO);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
            assertThat(relay.roundTrip()).isZero();
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo('*');
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        }
    }

    private static long nanos(Duration d) {
        return d.toNanos();
    }

    /** Greets with {@code *}, then echoes every byte back until the client half-closes. */
    private void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> echoOne(s), "echo-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echoOne(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write('*');
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

}
