/** Implementation details of the transfer engine; no compatibility promised. */
package be.cfwb.bma.transfer.internal;
