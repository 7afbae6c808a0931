def log = new File(basedir, 'build.log').getText('UTF-8')
assert log =~ /\[WARNING\] ec001394@adm\.cfwb\.be\s+NOT_READY\s+mail 4 has not been sent \(the mailbox is at 'pending'\)/
assert log.contains('cutover: 0 recorded, 0 already, 1 not ready, 0 failed')
assert log =~ /\[ERROR\] Failed to execute goal .*:cutover .*Cutover incomplete: 1 mailbox\(es\) not cut over/
def ledger = new File(basedir, 'target/ledger/ledger.jsonl')
assert !ledger.exists() || !ledger.getText('UTF-8').contains('cutover.recorded') : 'nothing is recorded'
return true
