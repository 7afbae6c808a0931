def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('ec001394@adm.cfwb.be  pending           Ecole primaire libre Saint-Donat')
assert log.contains('po000924@adm.cfwb.be  pending           ASBL Saint-Joseph Saint-Donat')
assert !log.contains('ec099001@adm.cfwb.be') : 'bma.mailboxes must narrow the listing'
assert log.contains('2 mailboxes (1 EC, 1 PO)')
// status only reads (without the writer's lock, so it answers while a run writes): a missing ledger reads as empty
assert !new File(basedir, 'target/ledger/ledger.jsonl').exists() : 'bma:status must not create or change the ledger'
return true
