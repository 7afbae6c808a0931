package be.cfwb.bma.testing.dovecot;

import be.cfwb.bma.testing.RequiredServers;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Disables (skips) tests with {@link DovecotServer#absenceReason()} where Dovecot is not
 * installed; fails them instead where {@link RequiredServers#strict()} (CI).
 */
final class DovecotCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return RequiredServers.condition(DovecotServer.isInstalled(), "Dovecot found at " + DovecotServer.DOVECOT,
                DovecotServer::absenceReason);
    }
}
