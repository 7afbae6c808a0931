package be.cfwb.bma.credentials;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordGeneratorTest {

    @Test
    void passwordsMeetEntraComplexityAndAvoidLookAlikes() {
        PasswordGenerator generator = PasswordGenerator.create();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String p = generator.generate().reveal();
            assertThat(p).hasSize(PasswordGenerator.DEFAULT_LENGTH);
            assertThat(p).containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[0-9]")
                    .containsPattern("[!#$%*+\\-=?@_]");
            assertThat(p).doesNotContainPattern("[0O1lIoij|`'\"<>&\\\\ ]");
            seen.add(p);
        }
        assertThat(seen).hasSize(2_000);
    }

    @Test
    void everyCharacterOfTheAlphabetIsUsed() {
        PasswordGenerator generator = PasswordGenerator.of(new SecureRandom(), 64);
        Set<Character> used = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            for (char c : generator.generate().chars()) {
                used.add(c);
            }
        }
        assertThat(used).hasSize(PasswordGenerator.ALL.length());
    }

    @Test
    void lengthOutsideEntraLimitsIsRefused() {
        assertThatThrownBy(() -> PasswordGenerator.of(new SecureRandom(), 7))
                .isInstanceOf(BmaException.class).hasMessageContaining("7")
                .extracting(e -> ((BmaException) e).code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION);
        assertThat(PasswordGenerator.of(new SecureRandom(), 8).generate().length()).isEqualTo(8);
    }

    @Test
    void secretMasksItself() {
        Secret secret = Secret.of("Sup3r-secret!");
        assertThat(secret.toString()).isEqualTo(Secret.MASK).doesNotContain("Sup3r");
        assertThat(String.valueOf(secret)).doesNotContain("Sup3r");
        assertThat(secret.reveal()).isEqualTo("Sup3r-secret!");
        assertThat(secret.matches("Sup3r-secret!")).isTrue();
        assertThat(secret.matches("Sup3r-secret")).isFalse();
        assertThat(secret.matches("Sup3r-secret!!")).isFalse();
        char[] source = "abc".toCharArray();
        Secret copy = Secret.of(source);
        source[0] = 'x';
        assertThat(copy.reveal()).isEqualTo("abc");
    }
}
