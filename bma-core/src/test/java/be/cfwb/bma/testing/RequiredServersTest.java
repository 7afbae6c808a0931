package be.cfwb.bma.testing;

import be.cfwb.bma.testing.dovecot.RequiresDovecot;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CI switch: a missing server skips a test on a laptop and fails it in CI. */
class RequiredServersTest {

    @Test
    void aMissingServerSkipsByDefaultAndFailsInStrictMode() {
        assertThatThrownBy(() -> RequiredServers.assume(false, () -> "Dovecot is not installed", false))
                .isInstanceOf(TestAbortedException.class).hasMessage("Dovecot is not installed");
        assertThatThrownBy(() -> RequiredServers.assume(false, () -> "Dovecot is not installed", true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("Dovecot is not installed").hasMessageContaining("BMA_REQUIRE_SERVERS=true");
        RequiredServers.assume(true, () -> "never asked", true);

        assertThat(RequiredServers.condition(false, "found", () -> "absent", false).isDisabled()).isTrue();
        assertThat(RequiredServers.condition(true, "found", () -> "absent", true).isDisabled()).isFalse();
        assertThatThrownBy(() -> RequiredServers.condition(false, "found", () -> "absent", true))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("absent");
    }

    /**
     * The switch as CI sets it: with {@code BMA_REQUIRE_SERVERS=true} (or the property) on a
     * machine without Dovecot, this test fails instead of being skipped — which is the point.
     * Where Dovecot is installed it simply runs.
     */
    @Test
    @RequiresDovecot
    void aDovecotTestRunsOrFailsUnderTheSwitchButIsNeverSkippedSilentlyInCi() {
        assertThat(be.cfwb.bma.testing.dovecot.DovecotServer.isInstalled()).isTrue();
    }
}
