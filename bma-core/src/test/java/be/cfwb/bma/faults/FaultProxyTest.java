package be.cfwb.bma.faults;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy itself, against an echo server, so that fault tests can trust it. */
class FaultProxyTest {

    private ServerSocket echo;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private FaultProxy proxy;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.execute(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    pool.execute(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = FaultProxy.to(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
        pool.shutdownNow();
    }

    @Test
    void forwardsFaithfullyWhenHealthy() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("a1 NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(read(s, 9)).isEqualTo("a1 NOOP\r\n");
        }
        assertThat(proxy.connections()).isEqualTo(1);
        assertThat(proxy.faultsInjected()).isZero();
    }

    @Test
    void dropsAfterTheGivenNumberOfServerBytes() throws IOException {
        proxy.set(FaultProxy.Faults.NONE.dropAfterServerBytes(4));
        try (Socket s = connect()) {
            s.getOutputStream().write("0123456789".getBytes(StandardCharsets.US_ASCII));
            assertThat(read(s, 10)).isEqualTo("0123");
        }
        assertThat(proxy.faultsInjected()).isEqualTo(1);
    }

    @Test
    void resetsWhenTheClientSendsTheCommand() throws IOException {
        proxy.set(FaultProxy.Faults.NONE.resetWhenClientSends(" APPEND "));
        try (Socket s = connect()) {
            s.getOutputStream().write("a1 LOGIN u p\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(read(s, 14)).isEqualTo("a1 LOGIN u p\r\n");
            s.getOutputStream().write("a2 APP".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write("END INBOX {10}\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    s.getOutputStream().write(new byte[1024]);
                    if (s.getInputStream().read() < 0) {
                        throw new IOException("closed");
                    }
                }
            }).isInstanceOf(IOException.class);
        }
        assertThat(proxy.faultsInjected()).isEqualTo(1);
    }

    @Test
    void refusesWhileToldThenRecovers() throws IOException {
        proxy.set(FaultProxy.Faults.NONE.refusing());
        try (Socket s = connect()) {
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        proxy.heal();
        try (Socket s = connect()) {
            s.getOutputStream().write('x');
            assertThat(read(s, 1)).isEqualTo("x");
        }
    }

    @Test
    void stallsUntilHealed() throws Exception {
        try (Socket s = connect()) {
            proxy.set(FaultProxy.Faults.NONE.stalling());
            s.getOutputStream().write('x');
            s.setSoTimeout(300);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(java.net.SocketTimeoutException.class);
            proxy.heal();
            s.setSoTimeout(5_000);
            assertThat(s.getInputStream().read()).isEqualTo('x');
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static String read(Socket s, int max) throws IOException {
        byte[] buf = new byte[max];
        int total = 0;
        while (total < max) {
            int n = s.getInputStream().read(buf, total, max - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return new String(buf, 0, total, StandardCharsets.US_ASCII);
    }
}
