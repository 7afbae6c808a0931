// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

try {
    def log = new File(basedir, 'build.log').getText('UTF-8')
    def graph = context.bmaGraph
    def oldServer = context.bmaOldServer
    assert log.contains('Due by 2024-11-29: 2 mailbox(es), 2 verified, 0 not yet')
    ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'].each { mailbox ->
        // The four mails reached the old mailbox (the SMTP server delivers to the old server) ...
        def received = oldServer.getReceivedMessages().findAll {
            it.getMessageID()?.startsWith('<bma.mail') && it.getAllRecipients()*.toString().contains(mailbox)
        }
        assert received.size() == 4 : "$mailbox received ${received.size()} notification mails"
        // ... the twelve messages and those mails were copied to Graph, nothing twice ...
        int source = mailServers.messageCount(context.bmaSourcePort, mailbox)
        assert source == 16
        assert graph.allMessages(mailbox).size() == source : "$mailbox: ${graph.allMessages(mailbox).size()} of $source in Graph"
        // ... and mail 2's password was set through Graph, once.
        assert graph.passwordChanges(mailbox) == 1
    }
    // The plugin's own token code asked the token endpoint stand-in for Graph's scope.
    assert mailServers.grantedScopes(context).contains('https://graph.microsoft.com/.default')
    assert new File(basedir, 'target/bma/report.html').isFile()
    [mailServers.CLIENT_SECRET, graph.token(), mailServers.PASSWORD].each { secret ->
        assert !log.contains(secret) : 'no secret or token in the build log'
    }
    def ledger = new File(basedir, 'target/ledger')
    ledger.eachFileRecurse { f ->
        if (f.isFile()) {
            [mailServers.CLIENT_SECRET, graph.token()].each { assert !f.getText('UTF-8').contains(it) }
        }
    }
} finally {
    mailServers.stop(context)
}
return true
