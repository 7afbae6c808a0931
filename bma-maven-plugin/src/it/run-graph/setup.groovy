// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

// The old server (IMAP + SMTP), the Graph stand-in and the https token endpoint stand-in; the
// app's id and secret come from global-settings.xml (server bma-graph).
mailServers.startForGraphRun(basedir, context, ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'], 12)
return true
