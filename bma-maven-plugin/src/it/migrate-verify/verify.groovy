// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

try {
    def log = new File(basedir, 'build.log').getText('UTF-8')
    assert new File(basedir, 'target/bma/migrate-report.json').isFile()
    assert new File(basedir, 'target/bma/migrate-report.csv').isFile()
    assert new File(basedir, 'target/bma/verify-report.json').isFile()
    ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'].each { mailbox ->
        int source = mailServers.messageCount(context.bmaSourcePort, mailbox)
        int target = mailServers.messageCount(context.bmaTargetPort, mailbox)
        assert source == 12
        assert target == source : "$mailbox: $target of $source messages on the target"
        assert log =~ /${java.util.regex.Pattern.quote(mailbox)}\s+complete: 12 found, 12 copied/
    }
    assert !log.contains(mailServers.PASSWORD) : 'the password must never be logged'
    ['migrate-report.json', 'migrate-report.csv', 'verify-report.json'].each {
        assert !new File(basedir, "target/bma/$it").getText('UTF-8').contains(mailServers.PASSWORD)
    }
} finally {
    mailServers.stop(context)
}
return true
