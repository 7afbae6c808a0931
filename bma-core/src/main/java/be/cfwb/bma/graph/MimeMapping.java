package be.cfwb.bma.graph;

import be.cfwb.bma.internal.SpoolDirectory;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.Importance;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.Recipient;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Turns an RFC 5322 message into what Graph's JSON create takes: the message (subject,
 * addresses, body decoded with its declared charset, importance, Message-ID) and its
 * attachments (files, inline parts with their Content-ID, nested messages). Parts are decoded
 * into memory up to {@link GraphSettings#UPLOAD_SESSION_THRESHOLD}, to the spool directory above
 * it; read from a {@link MimeSource}, the message is never whole in the heap either. A text part
 * too large for a request is attached, not made the body (nor read into a string).
 */
final class MimeMapping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MimeMapping.class);
    static final Session SESSION = Session.getInstance(mimeProperties());
    /** A nested message larger than this goes as a .eml file: an item attachment must fit one request. */
    static final long MAX_ITEM_ATTACHMENT = 2_000_000L;

    final Message message;
    final List<MimeAttachment> attachments = new ArrayList<>();
    Instant sentDate; // the Date header, if present and readable
    private final List<Path> spooled = new ArrayList<>();
    private final Path spool; // the transfer's spool directory

    private MimeMapping(Message message, Path spool) {
        this.message = message;
        this.spool = spool;
    }

    private static Properties mimeProperties() {
        Properties p = new Properties();
        // Old servers hold odd headers: be lenient where Jakarta Mail allows it.
        p.setProperty("mail.mime.address.strict", "false");
        p.setProperty("mail.mime.decodetext.strict", "false");
        p.setProperty("mail.mime.decodefilename", "true");
        p.setProperty("mail.mime.base64.ignoreerrors", "true");
        p.setProperty("mail.mime.multipart.allowempty", "true");
        return p;
    }

    /** Maps the message of {@code in} (a {@link MimeSource}'s), large parts to {@code spool}; closing deletes them. */
    static MimeMapping of(InputStream in, Path spool) throws MessagingException, IOException {
        MimeMessage mime = new MimeMessage(SESSION, in);
        MimeMapping mapping = new MimeMapping(new Message(), spool);
        try {
            Date sent = mime.getSentDate();
            mapping.sentDate = sent == null ? null : sent.toInstant();
            mapping.fill(mapping.message, mime, true);
        } catch (MessagingException | IOException | RuntimeException e) {
            mapping.close();
            throw e;
        }
        return mapping;
    }

    private void fill(Message target, MimeMessage mime, boolean topLevel) throws MessagingException, IOException {
        target.setSubject(subject(mime));
        target.setFrom(first(recipients(header(mime, "From"))));
        Recipient sender = first(recipients(header(mime, "Sender")));
        if (sender != null) {
            target.setSender(sender);
        }
        target.setToRecipients(recipients(header(mime, "To")));
        target.setCcRecipients(recipients(header(mime, "Cc")));
        target.setBccRecipients(recipients(header(mime, "Bcc")));
        target.setReplyTo(recipients(header(mime, "Reply-To")));
        String id = mime.getMessageID();
        if (id != null && !id.isBlank()) {
            target.setInternetMessageId(id.strip());
        }
        target.setImportance(importance(mime));
        Body body = new Body();
        walk(mime, body, topLevel ? attachments : null, target);
        ItemBody itemBody = new ItemBody();
        if (body.html != null) {
            itemBody.setContentType(BodyType.Html);
            itemBody.setContent(body.html);
        } else {
            itemBody.setContentType(BodyType.Text);
            itemBody.setContent(body.text == null ? "" : body.text);
        }
        target.setBody(itemBody);
    }

    /**
     * A header's value with raw 8-bit bytes decoded (UTF-8 if they are, else windows-1252):
     * Jakarta Mail reads header bytes as latin-1, and old clients wrote UTF-8 or windows-1252
     * without RFC 2047 encoding.
     */
    static String header(MimeMessage mime, String name) throws MessagingException {
        String raw = mime.getHeader(name, ",");
        if (raw == null) {
            return null;
        }
        boolean eightBit = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c > 0xFF) {
                return raw;
            }
            eightBit |= c >= 0x80;
        }
        return eightBit ? decode(raw.getBytes(StandardCharsets.ISO_8859_1), null) : raw;
    }

    private static String subject(MimeMessage mime) throws MessagingException {
        String raw = header(mime, "Subject");
        if (raw == null) {
            return null;
        }
        try {
            return MimeUtility.decodeText(MimeUtility.unfold(raw));
        } catch (UnsupportedEncodingException e) {
            return MimeUtility.unfold(raw);
        }
    }

    /** The chosen body parts while walking. */
    private static final class Body {
        String html;
        String text;
    }

    /**
     * Walks the MIME tree: the first HTML (else text) part that is not an attachment becomes the
     * body; everything else becomes an attachment, so no part is lost. Nested messages below the
     * top level are attached inside their item ({@code sink == null}).
     */
    private void walk(Part part, Body body, List<MimeAttachment> sink, Message owner) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Object content = part.getContent();
            if (content instanceof Multipart mp) {
                boolean alternative = part.isMimeType("multipart/alternative");
                for (int i = 0; i < mp.getCount(); i++) {
                    BodyPart child = mp.getBodyPart(i);
                    if (alternative && body.html != null && (child.isMimeType("text/plain") || child.isMimeType("text/html"))) {
                        continue;
                    }
                    walk(child, body, sink, owner);
                }
                return;
            }
        }
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || filename(part) != null
                || part.getSize() > GraphSettings.MAX_REQUEST_BYTES;
        if (!attachment && part.isMimeType("text/html") && body.html == null) {
            body.html = text(part);
            if (body.text != null) {
                // A text part came first (multipart/alternative in the usual order): HTML wins.
                body.text = null;
            }
            return;
        }
        if (!attachment && part.isMimeType("text/plain") && body.html == null && body.text == null) {
            body.text = text(part);
            return;
        }
        MimeAttachment a = attachment(part);
        if (sink != null) {
            sink.add(a);
        } else {
            addToItem(owner, a);
        }
    }

    private MimeAttachment attachment(Part part) throws MessagingException, IOException {
        String contentId = contentId(part);
        boolean inline = contentId != null && !Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition());
        if (part.isMimeType("message/rfc822")) {
            byte[] raw = readRaw(part, MAX_ITEM_ATTACHMENT + 1);
            if (raw != null) {
                MimeMessage nested = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
                Message item = new Message();
                fill(item, nested, false);
                String name = nested.getSubject() == null ? "message" : nested.getSubject();
                return new MimeAttachment(true, name, "message/rfc822", false, null, raw.length, null, null, item);
            }
            // Too big for an item attachment: keep the original bytes as a .eml file.
            return decoded(part, "message.eml", "message/rfc822", false, null);
        }
        String name = filename(part);
        String type = baseType(part);
        if (name == null) {
            name = "part-" + (attachments.size() + 1) + extension(type);
        }
        return decoded(part, name, type, inline, contentId);
    }

    private void addToItem(Message owner, MimeAttachment a) {
        if (a.item || a.file != null) {
            LOG.warn("A part of a nested message ({}, {} bytes) is too large to travel inside it and is dropped from"
                    + " the nested copy; the enclosing message keeps its text", a.name, a.size);
            return;
        }
        com.microsoft.graph.models.FileAttachment f = new com.microsoft.graph.models.FileAttachment();
        f.setName(a.name);
        f.setContentType(a.contentType);
        f.setContentBytes(a.data);
        f.setIsInline(a.inline);
        if (a.contentId != null) {
            f.setContentId(a.contentId);
        }
        List<com.microsoft.graph.models.Attachment> list = owner.getAttachments() == null ? new ArrayList<>()
                : new ArrayList<>(owner.getAttachments());
        list.add(f);
        owner.setAttachments(list);
    }

    /** Decodes the part's content into memory, or into a temporary file when it is large. */
    private MimeAttachment decoded(Part part, String name, String type, boolean inline, String contentId)
            throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            byte[] buffer = new byte[64 * 1024];
            ByteArrayOutputStream memory = new ByteArrayOutputStream();
            OutputStream out = memory;
            Path file = null;
            long total = 0;
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                    if (file == null && total >= GraphSettings.UPLOAD_SESSION_THRESHOLD) {
                        file = Files.createTempFile(SpoolDirectory.of(spool), "bma-graph-", ".part");
                        spooled.add(file);
                        out = Files.newOutputStream(file);
                        memory.writeTo(out);
                    }
                    out.write(buffer, 0, n);
                }
            } finally {
                if (file != null) {
                    out.close();
                }
            }
            return new MimeAttachment(false, name, type, inline, contentId, total,
                    file == null ? memory.toByteArray() : null, file, null);
        }
    }

    /** The part's raw bytes (as a nested message), or null if longer than {@code limit}. */
    private static byte[] readRaw(Part part, long limit) throws MessagingException, IOException {
        Object content = part.getContent();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (content instanceof MimeMessage m) {
            OutputStream bounded = new OutputStream() {
                long count;

                @Override
                public void write(int b) throws IOException {
                    if (++count > limit) {
                        throw new IOException("limit");
                    }
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    count += len;
                    if (count > limit) {
                        throw new IOException("limit");
                    }
                    out.write(b, off, len);
                }
            };
            try {
                m.writeTo(bounded);
            } catch (IOException e) {
                if ("limit".equals(e.getMessage())) {
                    return null;
                }
                throw e;
            }
            return out.toByteArray();
        }
        try (InputStream in = part.getInputStream()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            return b.length > limit ? null : b;
        }
    }

    /**
     * The part's text, decoded with its declared charset. Undeclared or US-ASCII-labelled 8-bit
     * text is UTF-8 if it decodes as such, else windows-1252; latin-1 labels decode as
     * windows-1252 (its superset, which mail tools mislabel); an unknown charset falls back the
     * same way.
     */
    static String text(Part part) throws MessagingException, IOException {
        String charset = null;
        try {
            charset = new ContentType(part.getContentType()).getParameter("charset");
        } catch (ParseException e) {
            LOG.debug("Unparsable Content-Type {}", part.getContentType());
        }
        try (InputStream in = part.getInputStream()) {
            return decode(in.readAllBytes(), charset);
        }
    }

    static String decode(byte[] bytes, String declared) {
        Charset cs = null;
        if (declared != null && !declared.isBlank()) {
            try {
                cs = Charset.forName(MimeUtility.javaCharset(declared.strip().replace("\"", "")));
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                LOG.debug("Unknown charset {}", declared);
            }
        }
        if (cs != null && cs.equals(StandardCharsets.ISO_8859_1)) {
            return new String(bytes, Charset.forName("windows-1252"));
        }
        if (cs != null && !cs.equals(StandardCharsets.US_ASCII)) {
            return new String(bytes, cs);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, Charset.forName("windows-1252"));
        }
    }

    private static String filename(Part part) {
        try {
            String f = part.getFileName();
            return f == null || f.isBlank() ? null : f.strip();
        } catch (MessagingException e) {
            return null;
        }
    }

    private static String contentId(Part part) throws MessagingException {
        String[] ids = part.getHeader("Content-ID");
        if (ids == null || ids.length == 0) {
            return null;
        }
        String id = ids[0].strip();
        if (id.startsWith("<") && id.endsWith(">")) {
            id = id.substring(1, id.length() - 1);
        }
        return id.isEmpty() ? null : id;
    }

    private static String baseType(Part part) throws MessagingException {
        try {
            return new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
        } catch (ParseException e) {
            return "application/octet-stream";
        }
    }

    private static String extension(String type) {
        return switch (type) {
            case "text/plain" -> ".txt";
            case "text/html" -> ".html";
            case "text/calendar" -> ".ics";
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            case "application/pdf" -> ".pdf";
            default -> ".bin";
        };
    }

    private static Importance importance(MimeMessage mime) throws MessagingException {
        String importance = mime.getHeader("Importance", null);
        if (importance != null) {
            String v = importance.strip().toLowerCase(Locale.ROOT);
            if (v.startsWith("high")) {
                return Importance.High;
            }
            if (v.startsWith("low")) {
                return Importance.Low;
            }
        }
        String priority = mime.getHeader("X-Priority", null);
        if (priority != null && !priority.isBlank()) {
            char c = priority.strip().charAt(0);
            if (c == '1' || c == '2') {
                return Importance.High;
            }
            if (c == '4' || c == '5') {
                return Importance.Low;
            }
        }
        return Importance.Normal;
    }

    /** Addresses of a header, decoded; entries without a usable address are logged and skipped (Graph refuses them). */
    private static List<Recipient> recipients(String header) {
        List<Recipient> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parseHeader(header, false);
        } catch (AddressException e) {
            LOG.warn("Unparsable address header kept out of the Graph copy: {}", e.getMessage());
            return out;
        }
        for (InternetAddress a : parsed) {
            String address = a.getAddress();
            if (a.isGroup() || address == null || !address.contains("@")) {
                continue;
            }
            EmailAddress email = new EmailAddress();
            email.setAddress(address);
            if (a.getPersonal() != null && !a.getPersonal().isBlank()) {
                email.setName(a.getPersonal());
            }
            Recipient r = new Recipient();
            r.setEmailAddress(email);
            out.add(r);
        }
        return out;
    }

    private static Recipient first(List<Recipient> list) {
        return list.isEmpty() ? null : list.get(0);
    }

    @Override
    public void close() {
        for (Path p : spooled) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("Cannot delete temporary file {}: {}", p, e.getMessage());
            }
        }
        spooled.clear();
    }
}
