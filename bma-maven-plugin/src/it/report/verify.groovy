def out = new File(basedir, 'target/bma')
def html = new File(out, 'report.html').getText('UTF-8')
assert html.contains('ec001394@adm.cfwb.be') && html.contains('po000924@adm.cfwb.be')
assert html.contains('<svg') : 'the dashboard draws its charts'
assert new File(out, 'report.json').getText('UTF-8').contains('ec001394@adm.cfwb.be')
assert new File(out, 'report.csv').readLines('UTF-8').size() >= 3
assert new File(basedir, 'build.log').getText('UTF-8').contains('Report: ' + new File(out, 'report.html').absolutePath)
return true
