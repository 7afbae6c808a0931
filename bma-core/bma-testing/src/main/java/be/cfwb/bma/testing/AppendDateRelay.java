package be.cfwb.bma.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback relay in front of a GreenMail IMAP port so that GreenMail keeps the INTERNALDATE
 * an APPEND gives. GreenMail (2.1.5 to 2.1.13) reads that date-time with a 12-hour clock
 * ({@code dd-MMM-yyyy hh:mm:ss Z}, greenmail-mail-test/greenmail#211): a message appended as
 * {@code 12:07:37} is stored at {@code 00:07:37}, twelve hours early, and verification rightly
 * calls the copy's date wrong. Which messages meet it depends on the hour of the day and the
 * JVM's time zone (clients write the date in their default zone), so without this relay a
 * stand-in target fails between noon and one o'clock.
 *
 * <p>The relay writes each such date-time of an APPEND command as the same instant one hour
 * further east (hour 13), which GreenMail reads right. Literals — the messages themselves —
 * pass byte for byte; the server's replies are not touched.
 */
public final class AppendDateRelay extends LoopbackRelay {

    private static final Pattern APPEND = Pattern.compile("^\\S+ APPEND ", Pattern.CASE_INSENSITIVE);
    /** RFC 3501 {@code date-time}: {@code "dd-Mon-yyyy HH:mm:ss +zzzz"}, the day possibly space-padded. */
    private static final Pattern DATE_TIME =
            Pattern.compile("\"([ 0-9]\\d-[A-Za-z]{3}-\\d{4} 12:\\d{2}:\\d{2} [+-]\\d{4})\"");
    /** UTC+14:00, Kiribati: no civil offset lies further east. */
    private static final int EASTERNMOST = 14 * 3600;
    private static final DateTimeFormatter IMAP = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss xx", Locale.US);

    private AppendDateRelay(int targetPort) throws IOException {
        super("append-date-relay", targetPort);
    }

    /** Starts a relay to {@code 127.0.0.1:targetPort}, GreenMail's IMAP port. */
    public static AppendDateRelay to(int targetPort) throws IOException {
        return started(new AppendDateRelay(targetPort));
    }

    @Override
    protected void relay(Socket client, Socket upstream) throws IOException {
        // Line by line, as the client writes: without this, Nagle and delayed ACKs add ~40 ms a command.
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        execute(() -> copy(upstream, client, new Object(), client, upstream));
        execute(() -> clientToServer(client, upstream));
    }

    private void clientToServer(Socket client, Socket upstream) {
        try (InputStream in = new BufferedInputStream(client.getInputStream())) {
            OutputStream up = upstream.getOutputStream();
            byte[] line;
            while (!closed() && (line = readLine(in)) != null) {
                boolean append = APPEND.matcher(new String(line, StandardCharsets.ISO_8859_1)).find();
                forwardCommand(in, up, line, append ? AppendDateRelay::rewrite : text -> text);
            }
        } catch (IOException e) {
            // the connection is over
        } finally {
            end(client, upstream);
        }
    }

    /**
     * {@code line} of an APPEND command with each date-time at hour 12 written as the same
     * instant at an offset one hour further east (one hour west at +14:00, the easternmost).
     */
    static String rewrite(String line) {
        Matcher m = DATE_TIME.matcher(line);
        StringBuilder out = new StringBuilder(line.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("\"" + shifted(m.group(1)) + "\""));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String shifted(String dateTime) {
        OffsetDateTime at;
        try {
            at = OffsetDateTime.parse(dateTime.strip().length() < dateTime.length() ? "0" + dateTime.strip() : dateTime, IMAP);
        } catch (DateTimeParseException e) {
            return dateTime; // not a date GreenMail reads either: let it answer as it would
        }
        int seconds = at.getOffset().getTotalSeconds();
        int east = seconds + 3600 <= EASTERNMOST ? seconds + 3600 : seconds - 3600;
        return at.withOffsetSameInstant(ZoneOffset.ofTotalSeconds(east)).format(IMAP);
    }
}
