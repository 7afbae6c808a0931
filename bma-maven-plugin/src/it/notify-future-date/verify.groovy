def log = new File(basedir, 'build.log').getText('UTF-8')
assert log =~ /\[ERROR\] Failed to execute goal .*:notify .*\[INVALID_CONFIGURATION\] bma\.date 2099-01-04 is after today/
assert log.contains('set bma.allowFutureDate=true to act for that day on purpose')
def ledger = new File(basedir, 'target/ledger/ledger.jsonl')
assert !ledger.exists() || ledger.readLines('UTF-8').every { it.isBlank() } : 'nothing is recorded'
return true
