// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

try {
    def log = new File(basedir, 'build.log').getText('UTF-8')
    // The build's last word names the mailbox, the server and the problem.
    assert log =~ /\[ERROR\] Failed to execute goal .*:migrate .*2 mailbox\(es\), 0 copied.* stopped: Login to imap:\/\/127\.0\.0\.1:\d+ for .*@adm\.cfwb\.be refused: .*check the credentials/
    assert log.contains('[ERROR] ec001394@adm.cfwb.be: Login to imap://127.0.0.1:')
    assert log.contains('[ERROR] po000924@adm.cfwb.be: Login to imap://127.0.0.1:')
    assert new File(basedir, 'target/bma/migrate-report.json').getText('UTF-8').contains('check the credentials')
    ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'].each { mailbox ->
        assert mailServers.messageCount(context.bmaTargetPort, mailbox) == 0 : "nothing may reach $mailbox's target"
        assert mailServers.folders(context.bmaTargetPort, mailbox) == ['INBOX'] : 'not even a folder is created'
        assert mailServers.messageCount(context.bmaSourcePort, mailbox) == 5
    }
    assert !log.contains('not-the-password') : 'the password must never be logged'
    // No retry storm: a refused login is tried once per mailbox (trying a wrong password again only
    // brings the account's lockout closer), and each refusal is one ERROR line.
    assert !log.contains('; retry ') : 'a refused login is not retried'
    ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'].each { mailbox ->
        assert log.count("[ERROR] ${mailbox}: Login to") == 1
    }
} finally {
    mailServers.stop(context)
}
return true
