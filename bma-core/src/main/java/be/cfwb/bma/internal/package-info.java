/**
 * Helpers shared by the toolkit's packages, not part of its API: failure inspection and dates
 * written in French prose here, CSV reading and writing in {@code internal.csv}.
 */
package be.cfwb.bma.internal;
