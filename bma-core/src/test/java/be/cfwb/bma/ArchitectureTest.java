package be.cfwb.bma;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of bma-core's production code, checked on its compiled classes (the test classes and
 * whatever else is on the class path are not imported): the packages form no cycle, Maven stays
 * in the plugin, an {@code internal} package is a detail of its parent, and production code never
 * leans on the test kit or the demo, wherever those two live.
 */
class ArchitectureTest {

    /** The test kit and the demo: support for tests and a show, never for production code. */
    static final String[] TEST_SUPPORT = {"be.cfwb.bma.testing..", "be.cfwb.bma.demo.."};

    private static JavaClasses core;

    @BeforeAll
    static void importTheCore() throws URISyntaxException {
        // Only the directory (or jar) Bma was loaded from: bma-core's own main classes.
        Path classes = Path.of(Bma.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        core = new ClassFileImporter().importPath(classes);
    }

    @Test
    void thePackagesFormNoCycle() {
        slices().matching("be.cfwb.bma.(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void theCoreKnowsNothingOfMaven() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.apache.maven..").check(core);
    }

    @Test
    void anInternalPackageIsUsedOnlyFromUnderItsParent() {
        internalsOnlyFromUnderTheirParent().check(core);
    }

    @Test
    void productionCodeNeverUsesTheTestKitOrTheDemo() {
        noClasses().that().resideOutsideOfPackages(TEST_SUPPORT)
                .should().dependOnClassesThat().resideInAnyPackage(TEST_SUPPORT)
                .check(core);
    }

    @Test
    void theRulesSeeTheCore() {
        // A rule checked against nothing passes whatever the code: make sure the import found it.
        assertThat(core.contain(Bma.class)).isTrue();
        assertThat(core.containPackage("be.cfwb.bma.transfer.internal")).isTrue();
    }

    /**
     * Every class of {@code be.cfwb.bma} uses a class of a package {@code p.internal..} only if it
     * lives in {@code p} or under it: {@code be.cfwb.bma.internal} serves the whole core,
     * {@code be.cfwb.bma.transfer.internal} only {@code be.cfwb.bma.transfer..}.
     */
    static ArchRule internalsOnlyFromUnderTheirParent() {
        return classes().that().resideInAPackage("be.cfwb.bma..").should(new ArchCondition<>(
                "use an internal package only from its parent package or under it") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    String target = d.getTargetClass().getPackageName();
                    int internal = (target + ".").indexOf(".internal.");
                    if (!target.startsWith("be.cfwb.bma.") || internal < 0) {
                        continue;
                    }
                    String parent = target.substring(0, internal);
                    String from = origin.getPackageName();
                    if (!from.equals(parent) && !from.startsWith(parent + ".")) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        });
    }
}
