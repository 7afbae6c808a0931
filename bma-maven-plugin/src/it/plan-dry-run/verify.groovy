// The dry run changed nothing the first bma:plan left: the ledger's campaign and the published plan.
def log = new File(basedir, 'build.log').getText('UTF-8')
def ledger = new File(basedir, 'target/ledger/ledger.jsonl').readLines('UTF-8').findAll { !it.isBlank() }
assert ledger.size() == 2 : "only the real plan is recorded: $ledger"
assert ledger[0].contains('"campaign.created"')
assert ledger[1].contains('"plan.published"')
def published = new File(basedir, 'target/bma/plan.csv').readLines('UTF-8')
def ec = published.find { it.startsWith('ec001394@adm.cfwb.be,EC,1394,') }
assert ec != null && !ec.contains(',2024-11-12,') : "the published plan is the first one: $published"
def dry = new File(basedir, 'target/bma/dry-run/plan.csv').readLines('UTF-8')
assert dry.any { it.startsWith('ec001394@adm.cfwb.be,EC,1394,') && it.contains(',2024-11-12,') } : dry
assert log.contains('Dry run: plan written to')
assert log.contains('the published plan and the ledger are unchanged')
return true
