package be.cfwb.bma.retry;

import be.cfwb.bma.BmaException;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private final VirtualSleeper sleeper = new VirtualSleeper();
    private final RetryPolicy policy = RetryPolicy.of(4, Duration.ofSeconds(2), Duration.ofSeconds(10), sleeper);

    @Test
    void withoutASuggestionTheWaitDoublesUpToTheMaximum() {
        assertThat(policy.delay(1, Optional.empty())).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delay(2, Optional.empty())).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delay(3, Optional.empty())).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.delay(4, Optional.empty())).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.delay(60, Optional.empty())).as("no overflow").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theServersSuggestionIsHonouredButNotBeyondTheMaximum() {
        assertThat(policy.delay(3, Optional.of(Duration.ofMillis(40)))).isEqualTo(Duration.ofMillis(40));
        assertThat(policy.delay(1, Optional.of(Duration.ofMinutes(5)))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void attemptsAreBounded() {
        assertThat(policy.allowsRetry(3)).isTrue();
        assertThat(policy.allowsRetry(4)).isFalse();
        RetryPolicy once = RetryPolicy.attempts(1, Duration.ofSeconds(1), Duration.ofSeconds(1), sleeper);
        assertThat(once.allowsRetry(0)).as("one attempt, no retry").isFalse();
        assertThatThrownBy(() -> RetryPolicy.attempts(0, Duration.ZERO, Duration.ZERO, sleeper))
                .isInstanceOf(BmaException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> RetryPolicy.of(-1, Duration.ZERO, Duration.ZERO, sleeper))
                .isInstanceOf(BmaException.class).hasMessageContaining("-1");
    }

    @Test
    void aPauseWaitsWithTheSleeperOnly() {
        long t0 = System.nanoTime();
        assertThat(policy.pause(1, Optional.of(Duration.ofSeconds(7)))).isEqualTo(Duration.ofSeconds(7));
        assertThat(policy.pause(2, Optional.empty())).isEqualTo(Duration.ofSeconds(4));
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(4));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no real waiting").isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterReadsSecondsFractionsAndDates() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parse("30", clock)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(" 0.05 ", clock)).contains(Duration.ofMillis(50));
        assertThat(RetryAfter.parse("Sat, 05 Dec 2026 10:02:00 GMT", clock)).contains(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("Sat, 05 Dec 2026 09:00:00 GMT", clock)).as("a date past").contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
        assertThat(RetryAfter.parse("-3", clock)).isEmpty();
        assertThat(RetryAfter.parse(null, clock)).isEmpty();
    }
}
