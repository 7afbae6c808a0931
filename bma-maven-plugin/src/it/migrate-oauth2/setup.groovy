// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

// The target takes only the app's Exchange token (XOAUTH2); the app's id and secret come from
// global-settings.xml (server bma-graph), the token from the https token endpoint stand-in.
mailServers.startWithOAuthTarget(basedir, context, ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'], 12)
return true
