package be.cfwb.bma.testing.dovecot;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class or method that needs a real Dovecot: it is skipped, with a message saying
 * how to install it, where {@code /usr/sbin/dovecot} is absent, or failed where
 * {@link be.cfwb.bma.testing.RequiredServers#strict()} (CI). Tagged
 * {@code dovecot} so a build can select or exclude these tests ({@code -Dgroups=dovecot}).
 * Tests that keep one server per class use {@link DovecotExtension}, which applies the same rule.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("dovecot")
@ExtendWith(DovecotCondition.class)
public @interface RequiresDovecot {
}
