package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import com.microsoft.graph.models.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prepares target mailboxes before any copy, each on its own: the account exists and its
 * address is the BMA's; our application can write to it (a probe draft, created and deleted);
 * the folders the source needs exist (well-known folders reused, others created with their
 * parents); each folder's current item count and size are read. A mailbox that fails is
 * reported with its reason and the others go on.
 */
public final class GraphProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(GraphProvisioner.class);
    private static final String FOLDER_SIZE = "Long 0x0E08";

    private final GraphConnection graph;
    private final int parallelism;

    /** @param parallelism mailboxes provisioned at once (each stays within its own Outlook budget) */
    public GraphProvisioner(GraphConnection graph, int parallelism) {
        this.graph = Objects.requireNonNull(graph, "graph");
        if (parallelism < 1 || parallelism > 32) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Provisioning parallelism must be 1 to 32");
        }
        this.parallelism = parallelism;
    }

    /** Provisions every mailbox of {@code folders} (mailbox → the folders its source needs). */
    public ProvisioningResult provision(Map<BmaAddress, List<FolderSpec>> folders) {
        List<BmaAddress> order = new ArrayList<>(folders.keySet());
        List<MailboxProvisioning> out = new ArrayList<>();
        if (parallelism == 1 || order.size() == 1) {
            for (BmaAddress a : order) {
                out.add(provision(a, folders.get(a)));
            }
            return new ProvisioningResult(out);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, order.size()));
        try {
            List<Future<MailboxProvisioning>> futures = new ArrayList<>();
            for (BmaAddress a : order) {
                futures.add(pool.submit(() -> provision(a, folders.get(a))));
            }
            for (int i = 0; i < order.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    out.add(MailboxProvisioning.failed(order.get(i), BmaErrorCode.INTERNAL,
                            "Provisioning of " + order.get(i) + " failed unexpectedly: " + e.getCause()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BmaException(BmaErrorCode.INTERNAL, "Interrupted while provisioning mailboxes", e);
        } finally {
            pool.shutdownNow();
        }
        return new ProvisioningResult(out);
    }

    /** Provisions one mailbox; never throws for a problem of this mailbox. */
    public MailboxProvisioning provision(BmaAddress address, List<FolderSpec> needed) {
        String mailbox = address.toString();
        try {
            User user = graph.call(mailbox, "look-up of the account", () -> graph.client().users().byUserId(mailbox)
                    .get(r -> r.queryParameters.select = new String[] {"id", "userPrincipalName", "mail",
                            "proxyAddresses"}));
            if (!matches(user, mailbox)) {
                return MailboxProvisioning.failed(address, BmaErrorCode.TARGET_MAILBOX_UNAVAILABLE, "The account found"
                        + " for " + mailbox + " has the address " + user.getMail() + " (" + user.getUserPrincipalName()
                        + "): check the account's primary SMTP address in Exchange before migrating");
            }
            probeWrite(mailbox);
            FolderResolver folders = new FolderResolver(graph, mailbox);
            Set<FolderSpec> all = new LinkedHashSet<>();
            for (String wk : List.of("inbox", "sentitems", "deleteditems", "drafts", "junkemail")) {
                all.add(FolderSpec.wellKnown(wk));
            }
            all.addAll(needed);
            List<FolderState> states = new ArrayList<>();
            for (FolderSpec spec : all) {
                String id = folders.ensure(spec);
                states.add(state(mailbox, spec, id, folders.wasCreated(spec)));
            }
            LOG.info("Provisioned {}: {} folders, {} items already there", mailbox, states.size(),
                    states.stream().mapToLong(FolderState::totalItemCount).sum());
            return MailboxProvisioning.ready(address, user.getId(), states);
        } catch (GraphFailure e) {
            String reason = e.status() == 404 && e.getMessage().contains("look-up of the account")
                    ? "No account " + mailbox + " in the tenant: create and license the mailbox before migrating ("
                    + e.getMessage() + ")"
                    : e.getMessage();
            LOG.warn("Provisioning of {} failed: {}", mailbox, reason);
            return MailboxProvisioning.failed(address, e.code(), reason);
        } catch (BmaException e) {
            LOG.warn("Provisioning of {} failed: {}", mailbox, e.getMessage());
            return MailboxProvisioning.failed(address, e.code(), e.getMessage());
        }
    }

    private static boolean matches(User user, String address) {
        String wanted = address.toLowerCase(Locale.ROOT);
        if (user.getMail() != null && user.getMail().toLowerCase(Locale.ROOT).equals(wanted)) {
            return true;
        }
        if (user.getProxyAddresses() != null) {
            for (String p : user.getProxyAddresses()) {
                if (p.toLowerCase(Locale.ROOT).equals("smtp:" + wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A draft created then deleted: proves Mail.ReadWrite on this mailbox without leaving anything. */
    private void probeWrite(String mailbox) {
        Message probe = new Message();
        probe.setSubject("BMA migration: write check (deleted at once)");
        ItemBody body = new ItemBody();
        body.setContentType(BodyType.Text);
        body.setContent("Created and deleted by the BMA migration toolkit to check its access.");
        probe.setBody(body);
        SingleValueLegacyExtendedProperty marker = new SingleValueLegacyExtendedProperty();
        marker.setId(MapiProperties.SOURCE_KEY);
        marker.setValue("write-check");
        probe.setSingleValueExtendedProperties(List.of(marker));
        Message made = graph.call(mailbox, "write check (draft creation)", () -> graph.client().users()
                .byUserId(mailbox).mailFolders().byMailFolderId("drafts").messages().post(probe));
        graph.call(mailbox, "write check (draft deletion)", () -> {
            graph.client().users().byUserId(mailbox).messages().byMessageId(made.getId()).delete();
            return null;
        });
    }

    private FolderState state(String mailbox, FolderSpec spec, String id, boolean created) {
        MailFolder f = graph.call(mailbox, "read of folder " + spec, () -> graph.client().users().byUserId(mailbox)
                .mailFolders().byMailFolderId(id).get(r -> r.queryParameters.expand = new String[] {
                        "singleValueExtendedProperties($filter=id eq '" + FOLDER_SIZE + "')"}));
        OptionalLong size = OptionalLong.empty();
        if (f.getSingleValueExtendedProperties() != null) {
            for (SingleValueLegacyExtendedProperty p : f.getSingleValueExtendedProperties()) {
                try {
                    size = OptionalLong.of(Long.parseLong(p.getValue()));
                } catch (NumberFormatException e) {
                    LOG.debug("Unreadable folder size {} on {}", p.getValue(), spec);
                }
            }
        }
        return new FolderState(spec, id, nz(f.getTotalItemCount()), nz(f.getUnreadItemCount()), size, created);
    }

    private static int nz(Integer i) {
        return i == null ? 0 : i;
    }
}
