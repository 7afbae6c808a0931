package be.cfwb.bma.corpus;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the committed corpus equal to what {@link HostileCorpus} builds. Run with
 * {@code -Dcorpus.write=true} to (re)write the files after changing the generator.
 */
class HostileCorpusTest {

    private static final Path SOURCE_DIR = Path.of("src", "test", "resources", "corpus");

    @Test
    void committedFilesMatchTheGenerator() throws IOException {
        boolean write = Boolean.getBoolean("corpus.write");
        for (HostileCorpus.Sample sample : HostileCorpus.samples()) {
            if (write) {
                Files.write(SOURCE_DIR.resolve(sample.name() + ".eml"), sample.bytes());
                continue;
            }
            try (InputStream in = HostileCorpusTest.class.getResourceAsStream("/corpus/" + sample.name() + ".eml")) {
                assertThat(in).as("corpus/%s.eml (run with -Dcorpus.write=true)", sample.name()).isNotNull();
                assertThat(in.readAllBytes()).as(sample.name()).isEqualTo(sample.bytes());
            }
        }
    }

    @Test
    void samplesHaveDistinctNamesAndSayWhatTheyTest() {
        assertThat(HostileCorpus.samples()).extracting(HostileCorpus.Sample::name).doesNotHaveDuplicates().hasSize(16);
        assertThat(HostileCorpus.samples()).allSatisfy(s -> assertThat(s.difficulty()).isNotBlank());
    }

    @Test
    void largeMessageHasTheAskedSize() {
        byte[] large = HostileCorpus.large(2);
        assertThat(large.length).isBetween(2 * 1024 * 1024 * 4 / 3, 2 * 1024 * 1024 * 3 / 2);
    }
}
