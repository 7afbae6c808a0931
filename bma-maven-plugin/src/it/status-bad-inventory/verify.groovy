def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('2 problems in the inventory, nothing was loaded')
assert log.contains("inventory.csv:3 [address]: Invalid BMA address 'ec1394@adm.cfwb.be'")
assert log.contains('inventory.csv:4 [address]: duplicate: ec001394@adm.cfwb.be is already on line 2')
assert !new File(basedir, 'target/ledger').exists() : 'nothing is created when the inventory is refused'
return true
