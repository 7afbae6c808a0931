import be.cfwb.bma.testing.MailboxSeeder
import be.cfwb.bma.transfer.FolderPath
import be.cfwb.bma.transfer.imap.ImapEndpoint

import java.nio.charset.StandardCharsets
import java.time.Instant

// The servers' helper, shared by the builds that need mail servers.
def mailServers = evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))

String mailbox = 'ec001395@adm.cfwb.be'
mailServers.start(basedir, context, [mailbox], 0, mailServers.PASSWORD)
def endpoint = ImapEndpoint.parse("imap://127.0.0.1:" + context.bmaSourcePort, "invoker")
def seeder = MailboxSeeder.connect(endpoint, mailbox, mailServers.PASSWORD)
try {
    def small = "From: direction@ecole.be\r\nTo: ${mailbox}\r\nSubject: Horaire\r\nMessage-ID: <small@it>\r\n\r\nBonjour\r\n"
    StringBuilder big = new StringBuilder("From: direction@ecole.be\r\nTo: ${mailbox}\r\nSubject: Photos\r\n"
            + "Message-ID: <big@it>\r\n\r\n")
    while (big.length() < 300_000) {
        big.append('x' * 76).append("\r\n")
    }
    seeder.append(FolderPath.inbox(), small.getBytes(StandardCharsets.US_ASCII), MailboxSeeder.flags(),
            Instant.parse('2024-10-01T08:00:00Z'))
    seeder.append(FolderPath.inbox(), big.toString().getBytes(StandardCharsets.US_ASCII), MailboxSeeder.flags(),
            Instant.parse('2024-10-02T08:00:00Z'))
} finally {
    seeder.close()
}
Properties user = (Properties) context.get("userProperties")
user.setProperty('bma.target.maxMessageSize', '100000')
user.setProperty('bma.mailboxes', mailbox)
// UID 2 of INBOX: the big one, as migrate-report.csv names it.
user.setProperty('bma.waive', 'INBOX/2')
user.setProperty('bma.waive.reason', 'photos sent apart')
return true
