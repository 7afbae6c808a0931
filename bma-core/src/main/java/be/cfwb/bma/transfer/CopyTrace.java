package be.cfwb.bma.transfer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a copy carries besides its bytes: its {@link SourceKey} and, since campaigns have an id,
 * the id of the ledger's campaign that made it (IMAP: header {@value #CAMPAIGN_HEADER}, a line
 * of its own after {@value SourceKey#HEADER}, so that the key's form and every parser of it stay
 * as they were; Graph: an extended property of its own). A copy without it was made before
 * campaigns had ids.
 */
public final class CopyTrace {

    /** The header naming the campaign of a copy on IMAP targets. */
    public static final String CAMPAIGN_HEADER = "X-BMA-Campaign";

    /** A campaign id: ASCII letters, digits, {@code .}, {@code _} and {@code -}, as a header value and a Graph filter take it. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final byte[] CAMPAIGN_PREFIX = (CAMPAIGN_HEADER + ": ").getBytes(StandardCharsets.US_ASCII);

    private CopyTrace() {
    }

    /** True if {@code id} can name a campaign. */
    public static boolean isCampaignId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The header lines, with CRLF, prepended to a copy on IMAP targets: the key's, then the campaign's if any. */
    public static String header(SourceKey key, Optional<String> campaign) {
        return key.headerLine() + campaign.map(c -> CAMPAIGN_HEADER + ": " + c + "\r\n").orElse("");
    }

    /** {@code message}, carrying {@code campaign} to the target. */
    public static MessageToCopy stamped(MessageToCopy message, String campaign) {
        if (!isCampaignId(campaign)) {
            throw new IllegalArgumentException("Not a campaign id: " + campaign);
        }
        return new MessageToCopy() {
            @Override
            public SourceKey key() {
                return message.key();
            }

            @Override
            public long size() {
                return message.size();
            }

            @Override
            public MessageFlags flags() {
                return message.flags();
            }

            @Override
            public Instant internalDate() {
                return message.internalDate();
            }

            @Override
            public InputStream open() throws IOException {
                return message.open();
            }

            @Override
            public Optional<String> campaign() {
                return Optional.of(campaign);
            }
        };
    }

    /**
     * A stored copy's bytes without the campaign line that follows its key's line, if it has one:
     * what verification compares with the key's line and the original.
     */
    public static InputStream withoutCampaignLine(InputStream copy) throws IOException {
        byte[] first = line(copy);
        byte[] second = line(copy);
        ByteArrayOutputStream head = new ByteArrayOutputStream(first.length + second.length);
        head.write(first);
        if (!startsWith(second, CAMPAIGN_PREFIX)) {
            head.write(second);
        }
        return new SequenceInputStream(new ByteArrayInputStream(head.toByteArray()), copy);
    }

    /** One line with its end, or what is left if shorter; bounded, as a header line is. */
    private static byte[] line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while (out.size() < 4096 && (b = in.read()) >= 0) {
            out.write(b);
            if (b == '\n') {
                break;
            }
        }
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (Character.toLowerCase(bytes[i]) != Character.toLowerCase(prefix[i])) {
                return false;
            }
        }
        return true;
    }
}
