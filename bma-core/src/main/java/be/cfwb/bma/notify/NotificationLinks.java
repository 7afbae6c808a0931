package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The links the mails give: the new interface (mails 3 and 4) and the two tutorials (mail 3).
 * The tutorials have no default: their addresses are published by the SGNE, and a template
 * that uses one fails before sending until it is configured.
 *
 * @param newInterface the new (Exchange) web interface
 * @param tutorial1    signing in to the new interface and changing the password
 * @param tutorial2    setting up the mailbox in a mail program
 */
public record NotificationLinks(URI newInterface, Optional<URI> tutorial1, Optional<URI> tutorial2) {

    /** Outlook on the web, where Exchange Online mailboxes are read. */
    public static final URI OUTLOOK_WEB = URI.create("https://outlook.office.com/mail/");

    /** The new interface only, no tutorial. */
    public static final NotificationLinks DEFAULT = new NotificationLinks(OUTLOOK_WEB, Optional.empty(), Optional.empty());

    public NotificationLinks {
        check(Objects.requireNonNull(newInterface, "newInterface"), "interfaceUrl");
        tutorial1 = tutorial1 == null ? Optional.empty() : tutorial1;
        tutorial2 = tutorial2 == null ? Optional.empty() : tutorial2;
        tutorial1.ifPresent(u -> check(u, "tutorial1Url"));
        tutorial2.ifPresent(u -> check(u, "tutorial2Url"));
    }

    /** Parses the three links; blank tutorial links mean none. */
    public static NotificationLinks of(String newInterface, String tutorial1, String tutorial2) {
        return new NotificationLinks(parse(newInterface, "interfaceUrl"), optional(tutorial1, "tutorial1Url"),
                optional(tutorial2, "tutorial2Url"));
    }

    private static Optional<URI> optional(String text, String key) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(parse(text, key));
    }

    private static URI parse(String text, String key) {
        try {
            return URI.create(Objects.requireNonNull(text, key).strip());
        } catch (IllegalArgumentException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "bma.notify." + key + " '" + text
                    + "' is not a URL: " + e.getMessage());
        }
    }

    private static void check(URI uri, String key) {
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "bma.notify." + key + " '" + uri
                    + "' must be an https:// link: schools are told to trust only those");
        }
    }
}
