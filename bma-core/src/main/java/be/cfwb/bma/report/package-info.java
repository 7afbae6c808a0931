/**
 * Reports people read: the migration dashboard ({@code report.html}) with its charts, and
 * the same figures as JSON and CSV for machines. Built from the inventory and the ledger
 * alone, so it can be regenerated at any time and never disagrees with what was recorded.
 */
package be.cfwb.bma.report;
