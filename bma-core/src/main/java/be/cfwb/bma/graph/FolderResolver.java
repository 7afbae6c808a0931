package be.cfwb.bma.graph;

import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.MailFolderCollectionResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds or creates the folders of one mailbox, remembering ids. Display names are compared
 * without regard to case, as Exchange does ({@code ErrorFolderExists}).
 */
final class FolderResolver {

    private final GraphConnection graph;
    private final String mailbox;
    private final Map<FolderSpec, String> ids = new HashMap<>();
    private final List<FolderSpec> created = new ArrayList<>();

    FolderResolver(GraphConnection graph, String mailbox) {
        this.graph = graph;
        this.mailbox = mailbox;
    }

    /** The folder's id, creating it and its missing parents. */
    String ensure(FolderSpec spec) {
        return resolve(spec, true).orElseThrow();
    }

    /** The folder's id if it exists. */
    Optional<String> find(FolderSpec spec) {
        return resolve(spec, false);
    }

    boolean wasCreated(FolderSpec spec) {
        return created.contains(spec);
    }

    private Optional<String> resolve(FolderSpec spec, boolean create) {
        String known = ids.get(spec);
        if (known != null) {
            return Optional.of(known);
        }
        String parentId;
        if (spec.names().isEmpty()) {
            String wk = spec.wellKnown().orElseThrow();
            MailFolder f = graph.call(mailbox, "read of well-known folder " + wk,
                    () -> graph.client().users().byUserId(mailbox).mailFolders().byMailFolderId(wk)
                            .get(r -> r.queryParameters.select = new String[] {"id", "displayName"}));
            ids.put(spec, f.getId());
            return Optional.of(f.getId());
        }
        Optional<FolderSpec> parent = spec.parent();
        if (parent.isPresent()) {
            Optional<String> p = resolve(parent.get(), create);
            if (p.isEmpty()) {
                return Optional.empty();
            }
            parentId = p.get();
        } else if (spec.wellKnown().isPresent()) {
            parentId = resolve(FolderSpec.wellKnown(spec.wellKnown().get()), create).orElseThrow();
        } else {
            parentId = null;
        }
        String name = spec.names().get(spec.names().size() - 1);
        Optional<String> existing = findChild(parentId, name);
        if (existing.isPresent()) {
            ids.put(spec, existing.get());
            return existing;
        }
        if (!create) {
            return Optional.empty();
        }
        MailFolder folder = new MailFolder();
        folder.setDisplayName(name);
        try {
            MailFolder made = graph.call(mailbox, "creation of folder " + spec, () -> parentId == null
                    ? graph.client().users().byUserId(mailbox).mailFolders().post(folder)
                    : graph.client().users().byUserId(mailbox).mailFolders().byMailFolderId(parentId).childFolders()
                    .post(folder));
            ids.put(spec, made.getId());
            created.add(spec);
            return Optional.of(made.getId());
        } catch (GraphFailure e) {
            if (e.status() == 409 || e.isConnectionLost()) {
                // Made meanwhile, or made by a request whose answer was lost: it is there now.
                Optional<String> again = findChild(parentId, name);
                if (again.isPresent()) {
                    ids.put(spec, again.get());
                    return again;
                }
            }
            throw e;
        }
    }

    private Optional<String> findChild(String parentId, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        MailFolderCollectionResponse page = graph.call(mailbox, "listing of folders", () -> parentId == null
                ? graph.client().users().byUserId(mailbox).mailFolders().get(r -> r.queryParameters.top = 250)
                : graph.client().users().byUserId(mailbox).mailFolders().byMailFolderId(parentId).childFolders()
                .get(r -> r.queryParameters.top = 250));
        while (true) {
            for (MailFolder f : page.getValue()) {
                if (f.getDisplayName() != null && f.getDisplayName().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return Optional.of(f.getId());
                }
            }
            String next = page.getOdataNextLink();
            if (next == null) {
                return Optional.empty();
            }
            page = graph.call(mailbox, "listing of folders", () -> graph.client().users().byUserId(mailbox)
                    .mailFolders().withUrl(next).get());
        }
    }
}
