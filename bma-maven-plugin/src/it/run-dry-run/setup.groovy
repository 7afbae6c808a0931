// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

mailServers.start(basedir, context, ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'], 3, mailServers.PASSWORD)
return true
