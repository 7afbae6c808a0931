// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

mailServers.startWithoutCredentialsFiles(basedir, context, ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'], 3)
// The admin logins come from global-settings.xml, named with the master password's file in
// .mvn/maven.config (invoker.settingsFile would leak into the other builds' settings in 3.9.1).
return true
