def log = new File(basedir, 'build.log').getText('UTF-8')
['status', 'plan', 'notify', 'migrate', 'verify', 'cutover', 'waive', 'report', 'ledger-export', 'ledger-import', 'demo', 'help'].each {
    assert log.contains("bma:$it") : "bma:help must list bma:$it"
}
assert log.contains('bma.mailboxes') : '-Ddetail shows the parameters and their properties'
return true
