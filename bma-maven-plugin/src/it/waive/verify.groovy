// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

try {
    String mailbox = 'ec001395@adm.cfwb.be'
    def log = new File(basedir, 'build.log').getText('UTF-8')
    assert log.contains('too large') : 'the first pass reports the big message'
    assert log =~ /${java.util.regex.Pattern.quote(mailbox)} INBOX\/2 \(\d+ bytes\): too large/
    def journal = new File(basedir, 'target/ledger/ledger.jsonl')
    assert journal.isFile()
    def waived = journal.readLines('UTF-8').findAll { it.contains('transfer.message.waived') }
    assert waived.size() == 1 : "one waive recorded: $waived"
    assert waived[0].contains('photos sent apart')
    // The last pass is complete with the message waived: one copy on the target, the csv says so.
    assert mailServers.messageCount(context.bmaTargetPort, mailbox) == 1
    def csv = new File(basedir, 'target/bma/migrate-report.csv').readLines('UTF-8')
    def header = csv[0].split(';', -1) as List
    int column = header.indexOf('waived')
    assert column > 0 : "a waived column: ${csv[0]}"
    def inbox = csv.drop(1).find { it.split(';', -1)[1] == 'INBOX' }
    assert inbox != null && inbox.split(';', -1)[column] == '1' : "INBOX row: $inbox"
    assert !log.contains(mailServers.PASSWORD) : 'the password must never be logged'
} finally {
    mailServers.stop(context)
}
return true
