package be.cfwb.bma.testing.dovecot;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Disables (skips) tests with {@link DovecotServer#absenceReason()} where Dovecot is not installed. */
final class DovecotCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return DovecotServer.isInstalled()
                ? ConditionEvaluationResult.enabled("Dovecot found at " + DovecotServer.DOVECOT)
                : ConditionEvaluationResult.disabled(DovecotServer.absenceReason());
    }
}
