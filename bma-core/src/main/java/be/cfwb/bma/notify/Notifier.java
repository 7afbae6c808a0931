package be.cfwb.bma.notify;

/**
 * Hands one rendered notification over for delivery. Implementations: {@link SmtpNotifier}
 * (SMTP submission, STARTTLS or TLS, authenticated) and, in {@code notify.graph}, Microsoft
 * Graph {@code sendMail} from the sender's mailbox.
 *
 * <p>The toolkit records each mail in the ledger around the call, paces the calls per sender
 * ({@link RateLimit}) and calls from one thread at a time. An implementation must:
 * <ul>
 *   <li>return only when the server has accepted the mail (SMTP 250 after DATA, Graph 202);</li>
 *   <li>honour the server's own throttling (Retry-After, 4xx "try later") with the
 *       {@link be.cfwb.bma.retry.Sleeper} it is given, and fail only when it gives up;</li>
 *   <li>throw {@link be.cfwb.bma.BmaException} with {@code NOTIFICATION_FAILED} when the mail
 *       certainly did not leave (refused, cannot connect), and {@code NOTIFICATION_UNCERTAIN}
 *       when the exchange broke after the mail was handed over (it may have left: the run then
 *       treats it like a crash, see {@link NotificationRun}); never a third-party exception;</li>
 *   <li>never put a mail body in a log or an exception: mail 2 holds a password.</li>
 * </ul>
 */
public interface Notifier extends AutoCloseable {

    /**
     * Sends {@code mail} to {@link OutgoingMail#to()}, from {@link OutgoingMail#from()}.
     *
     * @throws be.cfwb.bma.BmaException {@code NOTIFICATION_FAILED} or {@code NOTIFICATION_UNCERTAIN}
     */
    void send(OutgoingMail mail);

    /** Words for reports and logs, e.g. {@code SMTP smtp.office365.com:587 (STARTTLS)}; no secret. */
    String description();

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }
}
