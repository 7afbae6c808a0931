package be.cfwb.bma.testing.dovecot;

import be.cfwb.bma.testing.RequiredServers;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * JUnit 5 extension that runs a {@link DovecotServer} for a test class (as a {@code static}
 * {@code @RegisterExtension} field) or for each test (as an instance field), in the manner of
 * GreenMail's extension. Where Dovecot is not installed the tests are skipped with
 * {@link DovecotServer#absenceReason()} (failed in CI: {@link RequiredServers}). Register two for a source and a target.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DovecotExtension LEGACY = DovecotExtension.create(HierarchyStyle.DOT_INBOX_PREFIX);
 * ...
 * LEGACY.server().addUser("ec001234@adm.cfwb.be", "pw");
 * }</pre>
 */
public final class DovecotExtension implements ExecutionCondition, BeforeAllCallback, AfterAllCallback,
        BeforeEachCallback, AfterEachCallback {

    private final DovecotServer.Builder settings;
    private volatile DovecotServer server;
    private boolean perClass;

    private DovecotExtension(DovecotServer.Builder settings) {
        this.settings = settings;
    }

    /** A server with the default settings ({@link HierarchyStyle#SLASH}). */
    public static DovecotExtension create() {
        return new DovecotExtension(DovecotServer.builder());
    }

    /** A server with the given separator and prefix. */
    public static DovecotExtension create(HierarchyStyle style) {
        return new DovecotExtension(DovecotServer.builder().hierarchy(style));
    }

    /** Adjusts the settings (special-use, size limits...) before the server starts. */
    public DovecotExtension configure(Consumer<DovecotServer.Builder> customizer) {
        customizer.accept(settings);
        return this;
    }

    /** The running server. */
    public DovecotServer server() {
        DovecotServer running = server;
        if (running == null) {
            throw new IllegalStateException("the Dovecot server is not running (used outside a test?)");
        }
        return running;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return new DovecotCondition().evaluateExecutionCondition(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        startServer();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopServer();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            startServer();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stopServer();
        }
    }

    private void startServer() {
        RequiredServers.assume(DovecotServer.isInstalled(), DovecotServer::absenceReason);
        server = Objects.requireNonNull(settings.start());
    }

    private void stopServer() {
        DovecotServer running = server;
        server = null;
        if (running != null) {
            running.stop();
        }
    }
}
