package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.TargetTraces;
import be.cfwb.bma.transfer.TraceProbe;
import be.cfwb.bma.transfer.TransferException;

import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.MessageCollectionResponse;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;

import java.util.List;
import java.util.Optional;

/**
 * The Graph {@link TraceProbe}: the mailbox's messages ({@code /users/{id}/messages}, every
 * folder), a page of ids at a time with our two properties expanded, up to the first copy another
 * campaign made. Graph cannot filter on a property's presence, so a mailbox without such a copy is
 * listed to its end: a target not yet migrated to holds few messages.
 */
final class GraphTraceProbe implements TraceProbe {

    private static final String[] SELECT = {"id", "parentFolderId"};
    private static final String[] EXPAND = {"singleValueExtendedProperties($filter=id eq '" + MapiProperties.SOURCE_KEY
            + "' or id eq '" + MapiProperties.CAMPAIGN + "')"};

    private final GraphConnection graph;

    GraphTraceProbe(GraphConnection graph) {
        this.graph = graph;
    }

    @Override
    public TargetTraces probe(BmaAddress mailbox, Optional<String> ours) {
        String user = mailbox.toString();
        try {
            MessageCollectionResponse page = graph.call(user, "search for copies of another campaign", () -> graph.client()
                    .users().byUserId(user).messages().get(r -> {
                        r.queryParameters.top = 250;
                        r.queryParameters.select = SELECT;
                        r.queryParameters.expand = EXPAND;
                    }));
            while (true) {
                for (Message m : page.getValue() == null ? List.<Message>of() : page.getValue()) {
                    Optional<TargetTraces> found = foreign(m, ours);
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
                String next = page.getOdataNextLink();
                if (next == null) {
                    return TargetTraces.NONE;
                }
                page = graph.call(user, "search for copies of another campaign", () -> graph.client().users()
                        .byUserId(user).messages().withUrl(next).get());
            }
        } catch (GraphFailure e) {
            if (e.status() == 404) {
                // No such mailbox (not created yet): nothing of ours can be there.
                return TargetTraces.NONE;
            }
            throw e.isThrottled() || e.isConnectionLost() || e.status() == 401 || e.status() >= 500
                    ? TransferException.retryable(mailbox + ": " + e.getMessage(), e)
                    : TransferException.permanent(mailbox + ": " + e.getMessage(), e);
        } catch (BmaException e) {
            if (e.code() == BmaErrorCode.CONNECTION_FAILED || e.code() == BmaErrorCode.CREDENTIAL_FAILED) {
                throw TransferException.retryable(mailbox + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** The message as a foreign copy: it carries our key (finished or not) and no campaign, or another one. */
    private static Optional<TargetTraces> foreign(Message m, Optional<String> ours) {
        String key = null;
        String campaign = null;
        if (m.getSingleValueExtendedProperties() != null) {
            for (SingleValueLegacyExtendedProperty p : m.getSingleValueExtendedProperties()) {
                if (MapiProperties.SOURCE_KEY.equalsIgnoreCase(p.getId())) {
                    key = p.getValue();
                } else if (MapiProperties.CAMPAIGN.equalsIgnoreCase(p.getId())) {
                    campaign = p.getValue();
                }
            }
        }
        if (key == null || (campaign != null && ours.isPresent() && ours.get().equals(campaign))) {
            return Optional.empty();
        }
        return Optional.of(TargetTraces.foreign(Optional.ofNullable(campaign),
                m.getParentFolderId() == null ? "" : "folder " + m.getParentFolderId()));
    }
}
