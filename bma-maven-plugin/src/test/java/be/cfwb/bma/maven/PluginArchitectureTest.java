package be.cfwb.bma.maven;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin is a thin layer over bma-core's public API, checked on its compiled classes: it
 * reaches into no {@code internal} package of the core, and only the goal that runs the demo
 * touches the demo; none leans on the test kit.
 */
class PluginArchitectureTest {

    private static JavaClasses plugin;

    @BeforeAll
    static void importThePlugin() throws URISyntaxException {
        // Only the directory (or jar) the mojos were loaded from: the plugin's own main classes.
        Path classes = Path.of(RunMojo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        plugin = new ClassFileImporter().importPath(classes);
    }

    @Test
    void thePluginUsesOnlyTheCoresPublicApi() {
        noClasses().should().dependOnClassesThat().resideInAPackage("be.cfwb.bma..internal..").check(plugin);
    }

    @Test
    void onlyTheDemoGoalTouchesTheDemoAndNoGoalTheTestKit() {
        noClasses().that(not(belongToAnyOf(DemoMojo.class)))
                .should().dependOnClassesThat().resideInAnyPackage("be.cfwb.bma.testing..", "be.cfwb.bma.demo..")
                .check(plugin);
    }

    @Test
    void theRulesSeeThePlugin() {
        // A rule checked against nothing passes whatever the code: make sure the import found the mojos.
        assertThat(plugin.contain(RunMojo.class)).isTrue();
        assertThat(plugin.contain(AbstractBmaMojo.class)).isTrue();
    }
}
