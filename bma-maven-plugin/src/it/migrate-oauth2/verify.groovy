// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

try {
    def log = new File(basedir, 'build.log').getText('UTF-8')
    assert new File(basedir, 'target/bma/verify-report.json').isFile()
    ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'].each { mailbox ->
        int source = mailServers.messageCount(context.bmaSourcePort, mailbox)
        int target = mailServers.messageCount(context.bmaTargetPort, mailbox, mailServers.EXCHANGE_TOKEN)
        assert source == 12
        assert target == source : "$mailbox: $target of $source messages on the target"
        assert log =~ /${java.util.regex.Pattern.quote(mailbox)}\s+complete: 12 found, 12 copied/
    }
    // The plugin asked Entra (the stand-in) for Exchange's scope, with the app's secret.
    assert mailServers.grantedScopes(context).contains('https://outlook.office365.com/.default')
    assert !mailServers.grantedScopes(context).contains('https://graph.microsoft.com/.default')
    [mailServers.CLIENT_SECRET, mailServers.EXCHANGE_TOKEN, mailServers.PASSWORD].each { secret ->
        assert !log.contains(secret) : 'no secret or token in the build log'
        ['migrate-report.json', 'migrate-report.csv', 'verify-report.json'].each {
            assert !new File(basedir, "target/bma/$it").getText('UTF-8').contains(secret)
        }
    }
} finally {
    mailServers.stop(context)
}
return true
