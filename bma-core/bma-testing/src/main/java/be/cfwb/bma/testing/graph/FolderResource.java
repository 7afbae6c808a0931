package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * {@code /users/{id}/mailFolders}: list and create folders and child folders, read one (with
 * its size as the extended property PR_MESSAGE_SIZE_EXTENDED), and its messages.
 */
final class FolderResource {

    private final StandInState state;
    private final MessageResource messages;

    FolderResource(StandInState state, MessageResource messages) {
        this.state = state;
        this.messages = messages;
    }

    /** {@code r}'s segments start after {@code mailFolders}. */
    Answer answer(StandInRequest r) {
        StandInState.User user = r.user();
        List<String> s = r.segments();
        if (s.isEmpty()) {
            return listOrCreate(r, null);
        }
        StandInState.Folder folder = user.folder(s.get(0));
        if (folder == null) {
            throw GraphRefusal.notFound();
        }
        if (s.size() == 1) {
            r.requireMethod("GET");
            return Answer.json(200, folderJson(user, folder, r.query().get("$expand")));
        }
        if (s.get(1).equals("childFolders") && s.size() == 2) {
            return listOrCreate(r, folder);
        }
        if (s.get(1).equals("messages")) {
            return messages.answer(r.after(2), folder);
        }
        throw GraphRefusal.noSuchSegment("mailFolders/" + String.join("/", s));
    }

    private Answer listOrCreate(StandInRequest r, StandInState.Folder parent) {
        StandInState.User user = r.user();
        if (r.method().equals("GET")) {
            ArrayNode values = GraphStandIn.JSON.createArrayNode();
            for (StandInState.Folder f : user.children(parent == null ? null : parent.id)) {
                values.add(folderJson(user, f, null));
            }
            return Answer.json(200, ODataQuery.page(r.query(), values, r.self()));
        }
        r.requireMethod("POST");
        return create(user, parent, r.json());
    }

    private ObjectNode folderJson(StandInState.User user, StandInState.Folder f, String expand) {
        synchronized (state) {
            ObjectNode o = GraphStandIn.JSON.createObjectNode();
            o.put("id", f.id);
            o.put("displayName", f.displayName);
            o.put("parentFolderId", f.parentId == null ? "root-" + user.id : f.parentId);
            o.put("childFolderCount", user.children(f.id).size());
            int total = 0;
            int unread = 0;
            long size = 0;
            for (StandInState.Message m : user.messages.values()) {
                if (m.folderId.equals(f.id)) {
                    total++;
                    unread += m.json.path("isRead").asBoolean(false) ? 0 : 1;
                    size += m.size();
                }
            }
            o.put("unreadItemCount", unread);
            o.put("totalItemCount", total);
            o.put("isHidden", false);
            if (expand != null) {
                List<String> ids = ODataQuery.expandedIds(expand, "The stand-in only expands one singleValueExtendedProperty.");
                ArrayNode props = o.putArray("singleValueExtendedProperties");
                if (ids.stream().anyMatch(id -> id.equalsIgnoreCase("Long 0x0E08"))) {
                    props.addObject().put("id", "Long 0xe08").put("value", Long.toString(size));
                }
            }
            return o;
        }
    }

    private Answer create(StandInState.User user, StandInState.Folder parent, ObjectNode body) {
        GraphRefusal.requireWrite(user);
        for (String field : GraphShapes.names(body)) {
            if (!GraphShapes.FOLDER_PROPERTIES.contains(field)) {
                throw new GraphRefusal(400, "RequestBodyRead",
                        "The property '" + field + "' does not exist on type 'microsoft.graph.mailFolder'.");
            }
        }
        String name = StandInState.text(body, "displayName");
        if (name == null || name.isBlank()) {
            throw new GraphRefusal(400, "ErrorInvalidRequest", "A folder needs a displayName.");
        }
        synchronized (state) {
            for (StandInState.Folder sibling : user.children(parent == null ? null : parent.id)) {
                if (sibling.displayName.equalsIgnoreCase(name)) {
                    throw new GraphRefusal(409, "ErrorFolderExists", "A folder with the specified name already exists.");
                }
            }
            StandInState.Folder f = new StandInState.Folder(StandInState.newId("AAMk"),
                    parent == null ? null : parent.id, name, null);
            user.folders.put(f.id, f);
            return Answer.json(201, folderJson(user, f, null));
        }
    }
}
