package be.cfwb.bma.lifecycle;

import be.cfwb.bma.address.BmaAddress;

import java.util.List;

/**
 * What one stage of a day's run did.
 *
 * @param stage     the stage
 * @param mailboxes the mailboxes it acted on (those ready for it)
 * @param success   true if it did all it should for them
 * @param summary   one line for people
 */
public record StageOutcome(Stage stage, List<BmaAddress> mailboxes, boolean success, String summary) {

    public StageOutcome {
        mailboxes = List.copyOf(mailboxes);
    }
}
