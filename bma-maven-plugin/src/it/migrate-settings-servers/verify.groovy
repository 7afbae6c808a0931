// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

try {
    def log = new File(basedir, 'build.log').getText('UTF-8')
    assert !log.contains('cannot be decrypted') : 'the encrypted passwords are decrypted with Maven\'s decrypter'
    // The admin login acts for each mailbox through SASL PLAIN, which GreenMail does not offer:
    // the build says so rather than logging in as the admin into the admin's own mailbox.
    assert log =~ /\[ERROR\] Failed to execute goal .*:migrate .* stopped: The server 127\.0\.0\.1 does not offer AUTH=PLAIN, which these credentials need/
    ['admin-s3cret', 'target-admin-s3cret', 'Ch8YqOP7mGsH6yQVOhkkGKyD1', 'A/ry0uIvAnMHsyLpHBLyOydQbfIZFeIXqMl'].each {
        assert !log.contains(it) : 'no password, clear or encrypted, in the build log'
        assert !new File(basedir, 'target/bma/migrate-report.json').getText('UTF-8').contains(it)
    }
    ['ec001394@adm.cfwb.be', 'po000924@adm.cfwb.be'].each { mailbox ->
        assert mailServers.messageCount(context.bmaTargetPort, mailbox) == 0
        assert mailServers.folders(context.bmaTargetPort, mailbox) == ['INBOX']
    }
} finally {
    mailServers.stop(context)
}
return true
