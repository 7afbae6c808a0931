import be.cfwb.bma.maven.it.InvokerMailServers

InvokerMailServers.start(basedir, context, ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'], 5, 'not-the-password')
return true
