package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The stand-in's mailboxes and counters; every access holds the instance's monitor. */
final class StandInState {

    /** Well-known names and the display names Exchange gives them (English tenant). */
    static final Map<String, String> WELL_KNOWN = new LinkedHashMap<>();

    static {
        WELL_KNOWN.put("inbox", "Inbox");
        WELL_KNOWN.put("sentitems", "Sent Items");
        WELL_KNOWN.put("deleteditems", "Deleted Items");
        WELL_KNOWN.put("drafts", "Drafts");
        WELL_KNOWN.put("junkemail", "Junk Email");
        WELL_KNOWN.put("archive", "Archive");
        WELL_KNOWN.put("outbox", "Outbox");
    }

    static final class Folder {
        final String id;
        final String parentId;
        final String displayName;
        final String wellKnownName;

        Folder(String id, String parentId, String displayName, String wellKnownName) {
            this.id = id;
            this.parentId = parentId;
            this.displayName = displayName;
            this.wellKnownName = wellKnownName;
        }
    }

    static final class Attachment {
        final String id;
        final String kind;
        final String name;
        final String contentType;
        final boolean inline;
        final String contentId;
        byte[] content;
        final ObjectNode item;
        final boolean viaUploadSession;
        final long size;

        Attachment(String id, String kind, String name, String contentType, boolean inline, String contentId,
                   byte[] content, ObjectNode item, boolean viaUploadSession, long size) {
            this.id = id;
            this.kind = kind;
            this.name = name;
            this.contentType = contentType;
            this.inline = inline;
            this.contentId = contentId;
            this.content = content;
            this.item = item;
            this.viaUploadSession = viaUploadSession;
            this.size = size;
        }
    }

    static final class Message {
        final String id;
        String folderId;
        final ObjectNode json;
        final List<Attachment> attachments = new ArrayList<>();
        final long baseSize;

        Message(String id, String folderId, ObjectNode json, long baseSize) {
            this.id = id;
            this.folderId = folderId;
            this.json = json;
            this.baseSize = baseSize;
        }

        long size() {
            long s = baseSize;
            for (Attachment a : attachments) {
                s += a.size;
            }
            return s;
        }
    }

    static final class UploadSession {
        final String id;
        final User user;
        final Message message;
        final String name;
        final String contentType;
        final boolean inline;
        final String contentId;
        final long size;
        final byte[] buffer;
        long next;

        UploadSession(String id, User user, Message message, String name, String contentType, boolean inline,
                      String contentId, long size) {
            this.id = id;
            this.user = user;
            this.message = message;
            this.name = name;
            this.contentType = contentType;
            this.inline = inline;
            this.contentId = contentId;
            this.size = size;
            this.buffer = new byte[Math.toIntExact(size)];
        }
    }

    static final class User {
        final String id = UUID.randomUUID().toString();
        final String userPrincipalName;
        final String mail;
        final Map<String, Folder> folders = new LinkedHashMap<>();
        final Map<String, Message> messages = new LinkedHashMap<>();
        boolean writesDenied;
        ObjectNode passwordProfile;
        int passwordChanges;
        int inFlight;
        int peakConcurrency;

        User(String userPrincipalName, String mail) {
            this.userPrincipalName = userPrincipalName;
            this.mail = mail;
            for (Map.Entry<String, String> wk : WELL_KNOWN.entrySet()) {
                Folder f = new Folder(newId("AQMk"), null, wk.getValue(), wk.getKey());
                folders.put(f.id, f);
            }
        }

        /** By id or well-known name (case-insensitive), as Graph resolves {@code mailFolders/{id}}. */
        Folder folder(String idOrWellKnown) {
            Folder f = folders.get(idOrWellKnown);
            if (f != null) {
                return f;
            }
            String wk = idOrWellKnown.toLowerCase(Locale.ROOT);
            for (Folder candidate : folders.values()) {
                if (wk.equals(candidate.wellKnownName)) {
                    return candidate;
                }
            }
            return null;
        }

        Folder folderByPath(String path) {
            for (Folder f : folders.values()) {
                if (path(f).equals(path)) {
                    return f;
                }
            }
            return null;
        }

        String path(Folder f) {
            return f.parentId == null ? f.displayName : path(folders.get(f.parentId)) + "/" + f.displayName;
        }

        List<Folder> children(String parentId) {
            List<Folder> out = new ArrayList<>();
            for (Folder f : folders.values()) {
                if (Objects.equals(parentId, f.parentId)) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    final Clock clock;
    final Map<String, User> users = new ConcurrentHashMap<>();
    final Map<String, UploadSession> sessions = new LinkedHashMap<>();
    final List<GraphStandIn.Fault> faults = new ArrayList<>();
    final List<GraphStandIn.RecordedRequest> log = new ArrayList<>();
    /** JSON request bodies, when asked ({@link GraphStandIn#recordBodies()}): they hold whole attachments. */
    final List<GraphStandIn.RecordedBody> bodies = new ArrayList<>();
    volatile boolean recordBodies;
    final List<SentMail> sent = new ArrayList<>();
    private String token = GraphStandIn.DEFAULT_TOKEN;
    volatile long maxMessageSize = 35L * 1024 * 1024;
    volatile int mailboxConcurrency = GraphStandIn.MAILBOX_CONCURRENCY;
    volatile Duration delay = Duration.ZERO;

    StandInState(Clock clock) {
        this.clock = clock;
    }

    static String newId(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }

    synchronized String token() {
        return token;
    }

    synchronized void token(String token) {
        this.token = token;
    }

    synchronized void addUser(String upn, String mail) {
        String key = upn.toLowerCase(Locale.ROOT);
        if (users.containsKey(key)) {
            throw new IllegalArgumentException("User " + upn + " already exists in the stand-in");
        }
        users.put(key, new User(upn, mail));
    }

    /** By principal name (case-insensitive) or object id; throws for a test that names an unknown user. */
    synchronized User user(String upnOrId) {
        User u = findUser(upnOrId);
        if (u == null) {
            throw new IllegalArgumentException("No user " + upnOrId + " in the stand-in");
        }
        return u;
    }

    synchronized User findUser(String upnOrId) {
        User u = users.get(upnOrId.toLowerCase(Locale.ROOT));
        if (u != null) {
            return u;
        }
        for (User candidate : users.values()) {
            if (candidate.id.equalsIgnoreCase(upnOrId)) {
                return candidate;
            }
        }
        return null;
    }

    synchronized void addFault(GraphStandIn.Fault fault) {
        faults.add(fault);
    }

    /** The first fault that applies to this request, consuming one use of it. */
    synchronized GraphStandIn.Fault takeFault(String method, String path) {
        for (GraphStandIn.Fault f : faults) {
            if (f.remaining > 0 && (f.method == null || f.method.equalsIgnoreCase(method))
                    && (f.pathPart == null || path.contains(f.pathPart))) {
                f.remaining--;
                return f;
            }
        }
        return null;
    }

    synchronized StoredMessage snapshot(User u, Message m) {
        List<StoredAttachment> atts = new ArrayList<>();
        for (Attachment a : m.attachments) {
            atts.add(new StoredAttachment(a.id, a.kind, a.name, a.contentType, a.size, a.inline, a.contentId,
                    a.content, a.item, a.viaUploadSession));
        }
        Folder f = u.folders.get(m.folderId);
        return new StoredMessage(m.id, m.folderId, u.path(f), m.json, atts);
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
