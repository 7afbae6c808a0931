package be.cfwb.bma.notify;

import be.cfwb.bma.address.BmaAddress;

/**
 * Deterministic Message-IDs: the same mailbox, mail and plan version always give the same
 * identifier, so a mail resent after an interrupted run is recognisably the same message.
 * Mail 2 also carries the number of the password issue it announces: each issue is a
 * different message with a different password, and mail clients must not fold a newer one
 * into an older one.
 */
public final class MessageIds {

    /** The right-hand side of every Message-ID. */
    public static final String DOMAIN = BmaAddress.DOMAIN;

    private static final int MAX_VERSION = 40;

    private MessageIds() {
    }

    /**
     * E.g. {@code bma.mail1.ec001394.2024-09-30-a1b2@adm.cfwb.be}, or for mail 2
     * {@code bma.mail2.ec001394.2024-09-30-a1b2.p1@adm.cfwb.be}.
     *
     * @param passwordIssue for mail 2, which password issue (from 1); ignored for the others
     */
    public static String of(BmaAddress mailbox, NotificationKind kind, String planVersion, int passwordIssue) {
        String version = planVersion.replaceAll("[^A-Za-z0-9._-]+", "-");
        if (version.length() > MAX_VERSION) {
            version = version.substring(0, MAX_VERSION);
        }
        StringBuilder id = new StringBuilder(64).append("bma.").append(kind.templateName()).append('.')
                .append(mailbox.localPart()).append('.').append(version);
        if (kind.carriesPassword()) {
            id.append(".p").append(passwordIssue);
        }
        return id.append('@').append(DOMAIN).toString();
    }
}
