def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('ec001394@adm.cfwb.be  pending           Ecole primaire libre Saint-Donat')
assert log.contains('po000924@adm.cfwb.be  pending           ASBL Saint-Joseph Saint-Donat')
assert !log.contains('ec099001@adm.cfwb.be') : 'bma.mailboxes must narrow the listing'
assert log.contains('2 mailboxes (1 EC, 1 PO)')
assert new File(basedir, 'target/ledger/ledger.jsonl').exists() : 'the ledger directory is created where bma.ledger says'
return true
