package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code From} of a notification, and where replies go. The address is also the mailbox
 * a Graph notifier sends from.
 *
 * @param displayName shown by mail clients, e.g. {@code SGNE – Migration BMA}
 * @param address     the sending mailbox, e.g. {@code migrationBMA@cfwb.be}
 * @param replyTo     where replies should go, when not to {@code address}
 */
public record SenderIdentity(String displayName, String address, Optional<String> replyTo) {

    // Deliberately simple: it catches typos in configuration, the SMTP server judges the rest.
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>\",;]+@[^@\\s<>\",;]+\\.[^@\\s<>\",;]+");

    public SenderIdentity {
        displayName = Objects.requireNonNull(displayName, "displayName").strip();
        address = check(Objects.requireNonNull(address, "address").strip(), "address");
        replyTo = replyTo == null ? Optional.empty() : replyTo.map(String::strip).map(r -> check(r, "reply-to"));
        if (displayName.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Sender " + address + " has an empty display name");
        }
    }

    public static SenderIdentity of(String displayName, String address) {
        return new SenderIdentity(displayName, address, Optional.empty());
    }

    public SenderIdentity withReplyTo(String replyTo) {
        return new SenderIdentity(displayName, address, Optional.of(replyTo));
    }

    /**
     * The default senders: the circular names who sends each mail (SGNE, ETNIC) and gives these
     * two addresses only as support contacts; sending from them is the toolkit's assumption,
     * to confirm with SGNE/ETNIC ({@code bma.notify.sgne.*}, {@code bma.notify.etnic.*}).
     */
    public static SenderIdentity defaultFor(SenderRole role) {
        return switch (role) {
            case SGNE -> of("SGNE – Migration BMA", "migrationBMA@cfwb.be");
            case ETNIC -> of("ETNIC – Service Desk", "support@etnic.be");
        };
    }

    private static String check(String address, String what) {
        if (!ADDRESS.matcher(address).matches()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Sender " + what + " '" + address + "' is not an e-mail address (name@domain.tld)");
        }
        return address;
    }

    @Override
    public String toString() {
        return displayName + " <" + address + ">";
    }
}
