package be.cfwb.bma.faults;

import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.MailServerFixture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The set-up the fault tests share: an old and a new server started once for the class with a
 * {@link FaultHarness} over them, a temporary directory (spool) and a fresh ledger for each test.
 * Subclasses say which servers; their own {@code @BeforeEach} (proxies) runs after the ledger is
 * open and their {@code @AfterEach} before it is closed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoServerTestBase<O extends MailServerFixture, N extends MailServerFixture> {

    O oldServer;
    N newServer;
    FaultHarness h;
    @TempDir
    Path temp;
    Ledger ledger;

    protected abstract O startOld();

    protected abstract N startNew();

    @BeforeAll
    void startServers() {
        oldServer = startOld();
        newServer = startNew();
        h = new FaultHarness(oldServer, newServer);
    }

    @AfterAll
    void stopServers() {
        // null when a server failed to start: the other one still has to stop
        if (oldServer != null) {
            oldServer.close();
        }
        if (newServer != null) {
            newServer.close();
        }
    }

    @BeforeEach
    void openLedger() {
        ledger = Ledger.open(temp.resolve("ledger"), FaultHarness.CLOCK);
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }
}
