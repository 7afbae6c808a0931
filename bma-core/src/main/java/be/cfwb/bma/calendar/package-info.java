/**
 * The migration calendar: which day each mailbox migrates and when each of its four mails
 * leaves. {@link be.cfwb.bma.calendar.PlanningSettings} describes the waves, working days,
 * school calendar, blackouts and capacities (2024 defaults: the windows and the circular's
 * date from circular n°9358, the rest the toolkit's assumptions; see {@code docs/planning.md});
 * {@link be.cfwb.bma.calendar.Planner} turns an inventory into an immutable
 * {@link be.cfwb.bma.calendar.MigrationPlan}; {@link be.cfwb.bma.calendar.PlanFiles} writes
 * it as CSV, JSON, iCalendar and HTML, byte-identical for identical inputs.
 */
package be.cfwb.bma.calendar;
