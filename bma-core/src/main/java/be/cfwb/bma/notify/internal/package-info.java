/** Implementation details of notifications (MIME building, template parsing); no compatibility promised. */
package be.cfwb.bma.notify.internal;
