import be.cfwb.bma.maven.it.InvokerMailServers

InvokerMailServers.startWithoutCredentialsFiles(basedir, context, ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'], 3)
return true
