/** Implementation details of notifications (template parsing, HTML escaping); no compatibility promised. */
package be.cfwb.bma.notify.internal;
