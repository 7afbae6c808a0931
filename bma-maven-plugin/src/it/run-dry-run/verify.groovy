// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

try {
    def log = new File(basedir, 'build.log').getText('UTF-8')
    def ledger = new File(basedir, 'target/ledger/ledger.jsonl').readLines('UTF-8').findAll { !it.isBlank() }
    assert ledger.size() == 2 && ledger[0].contains('"campaign.created"') && ledger[1].contains('"plan.published"') : "the dry run recorded nothing: $ledger"
    ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'].each { mailbox ->
        assert mailServers.messageCount(context.bmaSourcePort, mailbox) == 3 : "$mailbox: no mail sent to the old mailbox"
        assert mailServers.messageCount(context.bmaTargetPort, mailbox) == 0 : "$mailbox: nothing copied"
    }
    def account = new File(basedir, 'target/bma/dry-run/run-2024-11-29.txt').getText('UTF-8')
    assert account.contains('nothing was sent, reset, copied, cut over or recorded')
    assert account =~ /mail 4\s+would act on 2: /
    assert log.contains('Dry run of 2024-11-29: nothing was sent, reset, copied or recorded')
    assert !new File(basedir, 'target/bma/report.html').exists() : 'no dashboard from a dry run'
    assert !log.contains(mailServers.PASSWORD) : 'the password must never be logged'
} finally {
    mailServers.stop(context)
}
return true
