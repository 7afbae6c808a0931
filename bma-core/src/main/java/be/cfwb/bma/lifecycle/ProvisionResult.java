package be.cfwb.bma.lifecycle;

import be.cfwb.bma.address.BmaAddress;

import java.util.List;
import java.util.Map;

/**
 * The answer of {@link Provisioning}: which target mailboxes are ready, and why the others
 * are not.
 *
 * @param ready    mailboxes whose target was reached and is writable (now or before)
 * @param failures the others, each with the reason
 */
public record ProvisionResult(List<BmaAddress> ready, Map<BmaAddress, String> failures) {

    public ProvisionResult {
        ready = List.copyOf(ready);
        failures = Map.copyOf(failures);
    }

    public boolean isSuccess() {
        return failures.isEmpty();
    }

    public String summaryLine() {
        return ready.size() + " ready" + (failures.isEmpty() ? "" : ", " + failures.size() + " failed: " + failures);
    }
}
