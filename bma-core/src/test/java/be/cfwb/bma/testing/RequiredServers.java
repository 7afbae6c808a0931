package be.cfwb.bma.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.util.function.Supplier;

/**
 * What a test does when a server or tool it needs (Dovecot, openssl, a second loopback address)
 * is missing: on a developer's machine it is skipped with the reason; in CI, where
 * {@value #ENVIRONMENT}{@code =true} (or {@code -D}{@value #PROPERTY}{@code =true}), it fails,
 * so that a green build never hides a suite that did not run. {@code .ci/run} sets the switch.
 */
public final class RequiredServers {

    /** The system property that turns skips into failures. */
    public static final String PROPERTY = "bma.requireServers";
    /** The environment variable that does the same (reaches child JVMs and invoker builds too). */
    public static final String ENVIRONMENT = "BMA_REQUIRE_SERVERS";

    private RequiredServers() {
    }

    /** True where missing servers must fail tests instead of skipping them. */
    public static boolean strict() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(ENVIRONMENT);
        }
        return Boolean.parseBoolean(value == null ? "false" : value.strip());
    }

    /** Returns if {@code present}; else skips the test with {@code reason}, or fails it in strict mode. */
    public static void assume(boolean present, Supplier<String> reason) {
        assume(present, reason, strict());
    }

    static void assume(boolean present, Supplier<String> reason, boolean strict) {
        if (present) {
            return;
        }
        if (strict) {
            throw failure(reason);
        }
        throw new TestAbortedException(reason.get());
    }

    private static AssertionFailedError failure(Supplier<String> reason) {
        return new AssertionFailedError(reason.get() + " [" + ENVIRONMENT + "=true: tests that need it must run, not skip]");
    }

    /**
     * For an {@code ExecutionCondition}: enabled if {@code present}; else disabled with
     * {@code reason}, or in strict mode a failure (JUnit reports a condition that throws as a
     * failed test).
     */
    public static ConditionEvaluationResult condition(boolean present, String enabled, Supplier<String> reason) {
        return condition(present, enabled, reason, strict());
    }

    static ConditionEvaluationResult condition(boolean present, String enabled, Supplier<String> reason, boolean strict) {
        if (present) {
            return ConditionEvaluationResult.enabled(enabled);
        }
        if (!strict) {
            return ConditionEvaluationResult.disabled(reason.get());
        }
        throw failure(reason);
    }
}
