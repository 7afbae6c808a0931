package be.cfwb.bma.graph;

import java.util.List;

/** The provisioning of a set of mailboxes, one outcome each, in the order asked. */
public record ProvisioningResult(List<MailboxProvisioning> mailboxes) {

    public ProvisioningResult {
        mailboxes = List.copyOf(mailboxes);
    }

    public boolean isSuccess() {
        return mailboxes.stream().allMatch(MailboxProvisioning::isReady);
    }

    public List<MailboxProvisioning> failures() {
        return mailboxes.stream().filter(m -> !m.isReady()).toList();
    }

    public List<MailboxProvisioning> ready() {
        return mailboxes.stream().filter(MailboxProvisioning::isReady).toList();
    }
}
