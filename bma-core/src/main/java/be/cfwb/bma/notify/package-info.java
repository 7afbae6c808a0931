/**
 * The four notification mails of circular n°9358 and their delivery, exactly once each.
 *
 * <ul>
 *   <li>{@link be.cfwb.bma.notify.NotificationKind}: the four mails, who sends each;</li>
 *   <li>templates in French, text and HTML, shipped in the jar and overridable from a
 *       directory ({@link be.cfwb.bma.notify.TemplateSet}), rendered into an
 *       {@link be.cfwb.bma.notify.OutgoingMail};</li>
 *   <li>the {@link be.cfwb.bma.notify.Notifier} SPI that hands a mail over (SMTP here,
 *       Microsoft Graph {@code sendMail} in {@code notify.graph});</li>
 *   <li>the run itself: what is due on a date, order per mailbox, rate limits per sender,
 *       the ledger as the record of what left, the dry-run outbox.</li>
 * </ul>
 */
package be.cfwb.bma.notify;
