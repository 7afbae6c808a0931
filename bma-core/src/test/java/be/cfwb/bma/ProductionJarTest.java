package be.cfwb.bma;

import be.cfwb.bma.demo.Demo;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.graph.GraphStandIn;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bma-core's jar is the production library: the test kit (bma-testing) and the demo (bma-demo)
 * are artifacts of their own, so that a migration never carries GreenMail, JUnit or a
 * hand-written HTTP server. The jar is made of what this test reads: the core's compiled main
 * classes (a directory under Maven's test phase, the jar itself when run against it).
 */
class ProductionJarTest {

    private static final List<String> NOT_IN_PRODUCTION = List.of("be/cfwb/bma/testing/", "be/cfwb/bma/demo/");

    @Test
    void theCoreCarriesNeitherTheTestKitNorTheDemo() throws IOException {
        List<String> entries = entries(codeSource(Bma.class));

        assertThat(entries).as("the core's main classes").contains("be/cfwb/bma/Bma.class");
        assertThat(entries).filteredOn(e -> NOT_IN_PRODUCTION.stream().anyMatch(e::startsWith))
                .as("test kit or demo classes among the core's main classes")
                .isEmpty();
    }

    @Test
    void theCoreTestsCompileTheKitAndTheDemoApartFromTheCore() {
        // They are compiled as the core's test sources (bma-core/pom.xml): from anywhere but the
        // core's main classes, or the first test would not see them.
        Path core = codeSource(Bma.class);

        assertThat(List.of(GreenMailFixture.class, GraphStandIn.class, Demo.class))
                .allSatisfy(type -> assertThat(codeSource(type)).as(type.getName()).isNotEqualTo(core));
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> entries(Path classes) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(classes)) {
            try (Stream<Path> files = Files.walk(classes)) {
                files.filter(Files::isRegularFile)
                        .forEach(f -> names.add(classes.relativize(f).toString().replace('\\', '/')));
            }
        } else {
            try (JarFile jar = new JarFile(classes.toFile())) {
                jar.stream().forEach(e -> names.add(e.getName()));
            }
        }
        return names;
    }
}
