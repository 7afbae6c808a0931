/**
 * The demo migration the README's first command runs: an old server and an Exchange
 * stand-in on loopback, seeded with realistic mailboxes from the open-data inventory, and
 * the whole lifecycle driven day by day through the public API, as ops would run it. The
 * servers live in their own process ({@link be.cfwb.bma.demo.DemoServers}) so that killing
 * the demo and starting it again continues where it stopped, against the same mailboxes.
 * Ships in the {@code be.cfwb.bma:bma-demo} artifact, which brings its servers (the test kit's
 * GreenMail fixtures and Graph stand-in).
 */
package be.cfwb.bma.demo;
