package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Properties;

/**
 * {@code POST /users/{id}/sendMail}, in JSON or in MIME form: records the mail as sent and, as
 * Exchange does, keeps a copy in Sent Items.
 */
final class SendMailResource {

    private static final int PR_MESSAGE_FLAGS_READ = 0x1;

    private final StandInState state;
    private final MessageResource messages;

    SendMailResource(StandInState state, MessageResource messages) {
        this.state = state;
        this.messages = messages;
    }

    Answer answer(StandInRequest r) {
        r.requireMethod("POST");
        GraphRefusal.requireWrite(r.user());
        return r.isTextPlain() ? sendMime(r.user(), r.body()) : sendJson(r.user(), r.json());
    }

    private Answer sendJson(StandInState.User user, ObjectNode body) {
        // Action parameters are matched without regard to case (the Java SDK sends "Message").
        JsonNode message = null;
        JsonNode save = null;
        for (String field : GraphShapes.names(body)) {
            if (field.equalsIgnoreCase("message")) {
                message = body.get(field);
            } else if (field.equalsIgnoreCase("saveToSentItems")) {
                save = body.get(field);
            } else {
                throw new GraphRefusal(400, "RequestBodyRead",
                        "The property '" + field + "' does not exist on type 'microsoft.graph.sendMail'.");
            }
        }
        if (message == null || !message.isObject()) {
            throw new GraphRefusal(400, "ErrorInvalidRequest", "sendMail needs a message object.");
        }
        GraphShapes.checkMessage((ObjectNode) message);
        if (!message.path("toRecipients").isArray() || message.path("toRecipients").isEmpty()) {
            throw new GraphRefusal(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.");
        }
        boolean saveToSent = save == null || save.asBoolean(true);
        synchronized (state) {
            state.sent.add(new SentMail(user.mail, (ObjectNode) message, saveToSent, null));
        }
        if (saveToSent) {
            ObjectNode copy = ((ObjectNode) message).deepCopy();
            copy.remove("attachments");
            StandInState.Message stored = messages.store(user, user.folder("sentitems"), copy, 0,
                    PR_MESSAGE_FLAGS_READ, null);
            synchronized (state) {
                stored.json.put("sentDateTime", state.clock.instant().toString());
            }
        }
        return Answer.empty(202);
    }

    /** sendMail in MIME form: base64 of an RFC 5322 message in a text/plain body, as Graph documents it. */
    private Answer sendMime(StandInState.User user, byte[] body) {
        byte[] mime;
        try {
            mime = Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new GraphRefusal(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");
        }
        ObjectNode json;
        try {
            json = asJson(user, new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime)));
        } catch (MessagingException | IOException e) {
            throw new GraphRefusal(400, "ErrorMimeContentInvalid", "The MIME content is not a valid message: " + e.getMessage());
        }
        synchronized (state) {
            state.sent.add(new SentMail(user.mail, json, true, mime));
        }
        ObjectNode copy = json.deepCopy();
        copy.remove("textPart");
        copy.remove("sentDateTime");
        messages.store(user, user.folder("sentitems"), copy, mime.length, PR_MESSAGE_FLAGS_READ, null);
        return Answer.empty(202);
    }

    private static ObjectNode asJson(StandInState.User user, MimeMessage m) throws MessagingException, IOException {
        Address[] from = m.getFrom();
        Address[] to = m.getRecipients(jakarta.mail.Message.RecipientType.TO);
        if (from == null || from.length != 1 || to == null || to.length == 0) {
            throw new GraphRefusal(400, "ErrorMimeContentInvalid", "The MIME content needs one From and a To.");
        }
        String fromAddress = ((InternetAddress) from[0]).getAddress();
        if (!fromAddress.equalsIgnoreCase(user.mail)) {
            throw new GraphRefusal(403, "ErrorSendAsDenied", "The user account which was used to submit this request"
                    + " does not have the right to send mail on behalf of the specified sending account.");
        }
        ObjectNode json = GraphStandIn.JSON.createObjectNode();
        json.put("subject", m.getSubject());
        json.putObject("from").putObject("emailAddress").put("address", fromAddress);
        ArrayNode recipients = json.putArray("toRecipients");
        for (Address a : to) {
            recipients.addObject().putObject("emailAddress").put("address", ((InternetAddress) a).getAddress());
        }
        if (m.getMessageID() != null) {
            json.put("internetMessageId", m.getMessageID());
        }
        String[] date = m.getHeader("Date");
        if (date != null) {
            json.put("sentDateTime", date[0]);
        }
        String html = part(m, "text/html");
        String text = part(m, "text/plain");
        ObjectNode b = json.putObject("body");
        b.put("contentType", html != null ? "html" : "text");
        b.put("content", html != null ? html : text);
        if (text != null) {
            json.put("textPart", text);
        }
        return json;
    }

    private static String part(Part p, String type) throws MessagingException, IOException {
        if (p.isMimeType(type)) {
            return (String) p.getContent();
        }
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                String found = part(mp.getBodyPart(i), type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
