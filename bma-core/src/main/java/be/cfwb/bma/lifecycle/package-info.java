/**
 * The lifecycle of a migration day: per mailbox, the steps of circular n°9358 in order
 * (mail 1, provisioning, mails 2 and 3, pre-stage copy, mail 4, cutover, final delta,
 * verification), each idempotent and recorded in the ledger, none run before the steps it
 * depends on. Here are the stages, their outcomes and listener, and provisioning;
 * {@code Bma.run} drives the day over one run session (the ledger locked once for the day);
 * {@code bma:run} renders it.
 */
package be.cfwb.bma.lifecycle;
