/**
 * Test support published for the toolkit's own tests, the demo and downstream projects:
 * realistic sample mailbox content, in-process servers and stand-ins. Nothing here is used
 * by a production migration. GreenMail and JUnit are optional dependencies of bma-core:
 * a project that uses the server helpers adds them to its test classpath.
 */
package be.cfwb.bma.testing;
