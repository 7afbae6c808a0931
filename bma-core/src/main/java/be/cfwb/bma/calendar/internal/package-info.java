/** Writers of the plan files and the placement algorithm; no compatibility promised. */
package be.cfwb.bma.calendar.internal;
