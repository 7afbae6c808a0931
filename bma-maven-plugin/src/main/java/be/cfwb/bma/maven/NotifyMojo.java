package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaConfiguration;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.notify.DeliveryOutcome;
import be.cfwb.bma.notify.NotificationOutcome;
import be.cfwb.bma.notify.NotifyListener;
import be.cfwb.bma.notify.NotifyResult;
import be.cfwb.bma.calendar.PlanningSettings;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends the notification mails the plan says are due on {@code bma.date} (today by default)
 * and any overdue ones, exactly once each ({@code mvn bma:notify -Dbma.date=2024-11-04}).
 * {@code -Dbma.dryRun} renders them into {@code target/bma/outbox/} instead. The SMTP
 * password comes from the settings.xml server named by {@code bma.smtp.server}.
 */
@Mojo(name = "notify", requiresProject = false, threadSafe = true)
public class NotifyMojo extends AbstractBmaMojo {

    /** A directory whose {@code mailN.subject.txt}, {@code mailN.txt}, {@code mailN.html} replace the built-in ones. */
    @Parameter(property = BmaProperties.NOTIFY_TEMPLATES)
    protected File templates;

    /** The link to the new interface. */
    @Parameter(property = BmaProperties.NOTIFY_INTERFACE_URL)
    protected String interfaceUrl;

    /** The link to the first tutorial (mail 3). */
    @Parameter(property = BmaProperties.NOTIFY_TUTORIAL1_URL)
    protected String tutorial1Url;

    /** The link to the second tutorial (mail 3). */
    @Parameter(property = BmaProperties.NOTIFY_TUTORIAL2_URL)
    protected String tutorial2Url;

    /** Sending rate per sender, e.g. {@code 30/min,10000/day}. */
    @Parameter(property = BmaProperties.NOTIFY_RATE)
    protected String rate;

    @Parameter(property = BmaProperties.NOTIFY_SGNE_NAME)
    protected String sgneName;
    @Parameter(property = BmaProperties.NOTIFY_SGNE_ADDRESS)
    protected String sgneAddress;
    @Parameter(property = BmaProperties.NOTIFY_SGNE_REPLY_TO)
    protected String sgneReplyTo;
    @Parameter(property = BmaProperties.NOTIFY_ETNIC_NAME)
    protected String etnicName;
    @Parameter(property = BmaProperties.NOTIFY_ETNIC_ADDRESS)
    protected String etnicAddress;
    @Parameter(property = BmaProperties.NOTIFY_ETNIC_REPLY_TO)
    protected String etnicReplyTo;

    /** The SMTP submission server. */
    @Parameter(property = BmaProperties.SMTP_HOST)
    protected String smtpHost;
    @Parameter(property = BmaProperties.SMTP_PORT)
    protected String smtpPort;
    /** {@code starttls} (default), {@code tls} or {@code none}. */
    @Parameter(property = BmaProperties.SMTP_SECURITY)
    protected String smtpSecurity;
    /** The settings.xml server id holding the SMTP user and password; none for no authentication. */
    @Parameter(property = BmaProperties.SMTP_SERVER)
    protected String smtpServer;
    @Parameter(property = BmaProperties.SMTP_ALLOW_PLAINTEXT, defaultValue = "false")
    protected boolean smtpAllowPlaintext;

    /**
     * Whether the mail-2 password must be changed at the first sign-in (Graph
     * {@code forceChangePasswordNextSignIn}); mails 2 and 3 say so. Default false: the circular
     * does not ask it, and a BMA is shared by several people.
     */
    @Parameter(property = BmaProperties.PASSWORD_CHANGE_AT_FIRST_SIGN_IN)
    protected String changePasswordAtFirstSignIn;



    @Override
    protected BmaConfiguration configuration() {
        // The goal's parameters win over the same keys set as project properties.
        Map<String, String> properties = new HashMap<>(bmaProperties());
        properties.putAll(properties());
        return withOldServer(super.configuration(), properties)
                .notifications(notificationSettings(properties, dryRun).listener(new LogListener()).build());
    }

    private Map<String, String> properties() {
        Map<String, String> p = new HashMap<>();
        put(p, BmaProperties.NOTIFY_TEMPLATES, templates == null ? null : templates.getPath());
        put(p, BmaProperties.NOTIFY_INTERFACE_URL, interfaceUrl);
        put(p, BmaProperties.NOTIFY_TUTORIAL1_URL, tutorial1Url);
        put(p, BmaProperties.NOTIFY_TUTORIAL2_URL, tutorial2Url);
        put(p, BmaProperties.NOTIFY_RATE, rate);
        put(p, BmaProperties.NOTIFY_SGNE_NAME, sgneName);
        put(p, BmaProperties.NOTIFY_SGNE_ADDRESS, sgneAddress);
        put(p, BmaProperties.NOTIFY_SGNE_REPLY_TO, sgneReplyTo);
        put(p, BmaProperties.NOTIFY_ETNIC_NAME, etnicName);
        put(p, BmaProperties.NOTIFY_ETNIC_ADDRESS, etnicAddress);
        put(p, BmaProperties.NOTIFY_ETNIC_REPLY_TO, etnicReplyTo);
        put(p, BmaProperties.SMTP_HOST, smtpHost);
        put(p, BmaProperties.SMTP_PORT, smtpPort);
        put(p, BmaProperties.SMTP_SECURITY, smtpSecurity);
        put(p, BmaProperties.SMTP_ALLOW_PLAINTEXT, Boolean.toString(smtpAllowPlaintext));
        put(p, BmaProperties.SMTP_SERVER, smtpServer);
        put(p, BmaProperties.PASSWORD_CHANGE_AT_FIRST_SIGN_IN, changePasswordAtFirstSignIn);
        return p;
    }

    private static void put(Map<String, String> p, String key, String value) {
        if (value != null && !value.isBlank()) {
            p.put(key, value);
        }
    }

    @Override
    protected void run(Bma bma) throws MojoFailureException {
        LocalDate day = day().orElse(LocalDate.now(PlanningSettings.ZONE));
        NotifyResult result = bma.notify(selection(), day, dryRun);
        result.ledgerRecovery().ifPresent(getLog()::warn);
        for (NotificationOutcome o : result.late()) {
            getLog().warn(String.format("late: mail %d to %s was due %s", o.kind().number(), o.mailbox(), o.dueAt()));
        }
        for (NotificationOutcome o : result.possibleDuplicates()) {
            getLog().warn(String.format("possible duplicate: mail %d to %s <%s> was sent again after an interrupted run",
                    o.kind().number(), o.mailbox(), o.messageId()));
        }
        for (NotificationOutcome o : result.problems()) {
            getLog().error(String.format("%s: mail %d to %s: %s", o.status(), o.kind().number(), o.mailbox(), o.detail()));
        }
        if (!result.unplanned().isEmpty()) {
            getLog().warn(result.unplanned().size() + " selected mailbox(es) are not in the plan: " + result.unplanned());
        }
        StringBuilder totals = new StringBuilder();
        result.totals().forEach((status, n) -> {
            if (n > 0) {
                totals.append(totals.length() == 0 ? "" : ", ").append(status.name().toLowerCase(Locale.ROOT))
                        .append(": ").append(n);
            }
        });
        getLog().info("Notifications for " + day + (dryRun ? " (dry run)" : "") + ": "
                + (totals.length() == 0 ? "nothing due" : totals));
        result.outbox().ifPresent(o -> getLog().info("Outbox: " + o));
        result.delivery().ifPresent(d -> {
            for (DeliveryOutcome o : d.unconfirmed()) {
                getLog().warn(String.format("not in the old mailbox: mail %d to %s <%s>: %s", o.mail(), o.mailbox(),
                        o.messageId(), o.detail()));
            }
            getLog().info(String.format("In the old mailboxes: %d mail(s) found, %d not yet, %d not found after the wait",
                    d.withStatus(DeliveryOutcome.Status.DELIVERED).size()
                            + d.withStatus(DeliveryOutcome.Status.ALREADY_DELIVERED).size(),
                    d.pending().size(), d.unconfirmed().size()));
        });
        getLog().info("Report: " + result.report());
        if (!result.isSuccess()) {
            throw fail(result.problems().size() + " notification(s) not sent", result.report().toFile());
        }
    }

    /** Progress as log lines: every 100 mails, and each mail that did not leave. */
    private final class LogListener implements NotifyListener {
        @Override
        public void started(int due) {
            getLog().info(due + " notification mail(s) due");
        }

        @Override
        public void handled(NotificationOutcome outcome, int done, int total) {
            if (done % 100 == 0 || done == total) {
                getLog().info(String.format("%d/%d handled", done, total));
            }
        }
    }
}
