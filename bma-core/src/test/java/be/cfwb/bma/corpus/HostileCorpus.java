package be.cfwb.bma.corpus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Messages that break naive mail tools, each built here from its description so that the
 * corpus in {@code src/test/resources/corpus/} can be regenerated and checked
 * ({@link HostileCorpusTest}). Every one must be copied byte for byte or reported with a
 * reason, never dropped and never allowed to stop a mailbox's migration.
 *
 * <p>The S/MIME message is the one exception: it was signed once with openssl (see
 * {@code corpus/README.md}) because the JDK alone cannot produce a PKCS#7 signature.
 */
public final class HostileCorpus {

    /** One difficult message. */
    @SuppressWarnings("ArrayRecordComponent") // a carrier of bytes: nothing compares these records
    public record Sample(String name, String difficulty, byte[] bytes) {
    }

    private static final String CRLF = "\r\n";

    private HostileCorpus() {
    }

    /** Every sample kept in the repository, in a stable order. */
    public static List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        samples.add(ascii("no-message-id", "no Message-ID header at all (imapsync skips these)",
                "From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Sans identifiant",
                "Date: Mon, 4 Nov 2024 08:00:00 +0100", "", "Ce message n'a pas de Message-ID."));
        samples.add(ascii("duplicate-message-id-a", "first of two different messages sharing one Message-ID",
                "From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Doublon A",
                "Message-ID: <same@cfwb.be>", "Date: Mon, 4 Nov 2024 08:00:00 +0100", "", "Premier."));
        samples.add(ascii("duplicate-message-id-b", "second of two different messages sharing one Message-ID",
                "From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Doublon B",
                "Message-ID: <same@cfwb.be>", "Date: Mon, 4 Nov 2024 08:01:00 +0100", "", "Second."));
        samples.add(bytes("eight-bit-headers", "raw 8-bit UTF-8 and Latin-1 bytes in headers, no RFC 2047",
                concat(utf8("From: \"Équipe Migration\" <sgne@cfwb.be>" + CRLF + "To: ec001394@adm.cfwb.be" + CRLF
                                + "Subject: Réunion élèves " + CRLF),
                        latin1("X-Latin1: \u00e9t\u00e9 \u00e0 Li\u00e8ge" + CRLF),
                        utf8("Date: Mon, 4 Nov 2024 08:00:00 +0100" + CRLF + CRLF + "Corps." + CRLF))));
        samples.add(bytes("unknown-charset", "a charset nobody knows, declared on the body",
                utf8(lines("From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Charset inconnu",
                        "MIME-Version: 1.0", "Content-Type: text/plain; charset=x-unknown-42",
                        "Content-Transfer-Encoding: 8bit", "", "Texte accentu\u00e9."))));
        samples.add(bytes("wrong-charset", "declared US-ASCII, actually Latin-1 bytes",
                concat(utf8(lines("From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Charset faux",
                        "MIME-Version: 1.0", "Content-Type: text/plain; charset=us-ascii", "", "")),
                        latin1("Caf\u00e9 cr\u00e8me" + CRLF))));
        samples.add(ascii("rfc2047-edge-cases", "encoded words: adjacent, broken, unknown charset, Q with underscores, in a name",
                "From: =?UTF-8?Q?=C3=89cole_Saint-Donat?= <ec001394@adm.cfwb.be>",
                "To: =?ISO-8859-1?B?yWNvbGU=?= <ec000006@adm.cfwb.be>",
                "Subject: =?UTF-8?B?w4l0w6k=?= =?UTF-8?B?IGVuY29kw6k=?= =?X-BOGUS?Q?x?= =?UTF-8?Q?incomplet",
                "Date: Mon, 4 Nov 2024 08:00:00 +0100", "", "Sujet difficile."));
        samples.add(ascii("very-long-line", "a body line of 12,000 characters (Exchange answers BAD beyond ~10 kB)",
                "From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Ligne longue",
                "Date: Mon, 4 Nov 2024 08:00:00 +0100", "", "x".repeat(12_000)));
        samples.add(bytes("bare-lf", "lines ended by LF alone",
                utf8("From: sgne@cfwb.be\nTo: ec001394@adm.cfwb.be\nSubject: LF seul\nDate: Mon, 4 Nov 2024 08:00:00 +0100\n\nUne\nligne\n")));
        samples.add(bytes("nul-bytes", "NUL bytes inside the body",
                concat(utf8(lines("From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Octets nuls",
                        "Date: Mon, 4 Nov 2024 08:00:00 +0100", "", "avant")), new byte[] {0, 0, 'x', 0},
                        utf8(CRLF + "apr\u00e8s" + CRLF))));
        samples.add(ascii("deeply-nested-multipart", "multiparts nested 40 levels deep", nested(40)));
        samples.add(ascii("missing-boundary", "multipart without a boundary parameter, and a part never closed",
                "From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Sans frontiere",
                "MIME-Version: 1.0", "Content-Type: multipart/mixed", "", "--nowhere", "Content-Type: text/plain",
                "", "jamais ferme"));
        samples.add(bytes("zero-bytes", "an empty message: no header, no body", new byte[0]));
        samples.add(ascii("calendar-invitation", "an iCalendar meeting request (text/calendar; method=REQUEST)",
                "From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Invitation : formation Exchange",
                "Date: Mon, 4 Nov 2024 08:00:00 +0100", "MIME-Version: 1.0",
                "Content-Type: text/calendar; method=REQUEST; charset=UTF-8", "", "BEGIN:VCALENDAR",
                "VERSION:2.0", "PRODID:-//FW-B//BMA test//FR", "METHOD:REQUEST", "BEGIN:VEVENT",
                "UID:formation-1@cfwb.be", "DTSTAMP:20241104T080000Z", "DTSTART:20241112T090000Z",
                "DTEND:20241112T100000Z", "SUMMARY:Formation Exchange", "ORGANIZER:mailto:sgne@cfwb.be",
                "ATTENDEE;RSVP=TRUE:mailto:ec001394@adm.cfwb.be", "END:VEVENT", "END:VCALENDAR"));
        samples.add(ascii("tnef-winmail", "an Outlook TNEF attachment (winmail.dat, application/ms-tnef)",
                "From: direction@ecole.be", "To: ec001394@adm.cfwb.be", "Subject: Pièce jointe Outlook",
                "Date: Mon, 4 Nov 2024 08:00:00 +0100", "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"tnef\"", "", "--tnef", "Content-Type: text/plain", "",
                "Voir piece jointe.", "--tnef", "Content-Type: application/ms-tnef; name=\"winmail.dat\"",
                "Content-Transfer-Encoding: base64", "Content-Disposition: attachment; filename=\"winmail.dat\"", "",
                Base64.getMimeEncoder().encodeToString(tnefBytes()), "--tnef--"));
        samples.add(resource("smime-signed", "S/MIME signed (multipart/signed): any byte change breaks the signature"));
        return List.copyOf(samples);
    }

    /**
     * A large message with one attachment of about {@code megabytes} MB, for size limits and
     * memory tests; generated on demand, never kept in the repository.
     */
    public static byte[] large(int megabytes) {
        StringBuilder sb = new StringBuilder(megabytes * 1_400_000);
        sb.append(lines("From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be", "Subject: Gros message " + megabytes + " Mo",
                "Date: Mon, 4 Nov 2024 08:00:00 +0100", "Message-ID: <large-" + megabytes + "@cfwb.be>",
                "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"big\"", "", "--big",
                "Content-Type: text/plain", "", "Voir la piece jointe.", "--big",
                "Content-Type: application/octet-stream; name=\"data.bin\"", "Content-Transfer-Encoding: base64",
                "Content-Disposition: attachment; filename=\"data.bin\"", ""));
        byte[] chunk = new byte[57];
        long seed = 42;
        for (long written = 0; written < megabytes * 1024L * 1024L; written += chunk.length) {
            for (int i = 0; i < chunk.length; i++) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                chunk[i] = (byte) (seed >>> 56);
            }
            sb.append(Base64.getEncoder().encodeToString(chunk)).append(CRLF);
        }
        sb.append("--big--").append(CRLF);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String[] nested(int depth) {
        List<String> l = new ArrayList<>(List.of("From: sgne@cfwb.be", "To: ec001394@adm.cfwb.be",
                "Subject: Imbrication profonde", "Date: Mon, 4 Nov 2024 08:00:00 +0100", "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"b0\"", ""));
        for (int i = 0; i < depth; i++) {
            l.add("--b" + i);
            l.add(i + 1 < depth ? "Content-Type: multipart/mixed; boundary=\"b" + (i + 1) + "\"" : "Content-Type: text/plain");
            l.add("");
        }
        l.add("au fond");
        for (int i = depth - 1; i >= 0; i--) {
            l.add("--b" + i + "--");
        }
        return l.toArray(String[]::new);
    }

    /** The start of a TNEF stream: its signature 0x223E9F78, a key and a few attribute bytes. */
    private static byte[] tnefBytes() {
        byte[] b = new byte[64];
        b[0] = 0x78;
        b[1] = (byte) 0x9F;
        b[2] = 0x3E;
        b[3] = 0x22;
        for (int i = 4; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    private static Sample ascii(String name, String difficulty, String... lines) {
        return new Sample(name, difficulty, utf8(lines(lines)));
    }

    private static Sample bytes(String name, String difficulty, byte[] bytes) {
        return new Sample(name, difficulty, bytes);
    }

    private static Sample resource(String name, String difficulty) {
        try (InputStream in = HostileCorpus.class.getResourceAsStream("/corpus/" + name + ".eml")) {
            if (in == null) {
                throw new IllegalStateException("corpus/" + name + ".eml is missing from the test resources");
            }
            return new Sample(name, difficulty, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lines(String... lines) {
        return String.join(CRLF, lines) + CRLF;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
