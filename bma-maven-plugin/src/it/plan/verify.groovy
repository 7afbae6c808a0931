def csv = new File(basedir, 'target/bma/plan.csv').readLines('UTF-8')
assert csv[0] == 'address,kind,fase,name,po,wave,migration_date,mail1_at,mail2_at,mail3_at,mail4_at,constraints,access_date,mail1_lead_days,prestage_date'
assert csv.size() == 3
assert csv.any { it.startsWith('ec001394@adm.cfwb.be,EC,1394,') }
assert csv.any { it.startsWith('po000924@adm.cfwb.be,PO,924,') }
['plan.json', 'plan.ics', 'plan.html'].each { assert new File(basedir, "target/bma/$it").isFile() }
return true
