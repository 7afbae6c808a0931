// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

try {
    def log = new File(basedir, 'build.log').getText('UTF-8')
    // One error before anything is done: it names the property and the settings.xml server id.
    assert log =~ /\[ERROR\] Failed to execute goal .*:migrate .*No credentials: set bma\.source\.credentials to a file of 'address;password' lines, or give an admin\/master login: add a <server> with <id>bma-source<\/id> to your settings\.xml .*or set BMA_SOURCE_USERNAME and BMA_SOURCE_PASSWORD in the environment/
    assert !new File(basedir, 'target/bma/migrate-report.json').exists() : 'nothing was attempted'
    ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'].each { mailbox ->
        assert mailServers.folders(context.bmaTargetPort, mailbox) == ['INBOX']
        assert mailServers.messageCount(context.bmaTargetPort, mailbox) == 0
    }
} finally {
    mailServers.stop(context)
}
return true
