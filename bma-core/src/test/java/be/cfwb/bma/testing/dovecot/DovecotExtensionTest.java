package be.cfwb.bma.testing.dovecot;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Registered as an instance field, the extension gives each test its own server and stops it after. */
@RequiresDovecot
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DovecotExtensionTest {

    private static final List<DovecotServer> SEEN = new ArrayList<>();

    @RegisterExtension
    final DovecotExtension dovecot = DovecotExtension.create(HierarchyStyle.DOT)
            .configure(b -> b.maxMessageSize(1 << 20));

    @Test
    @Order(1)
    void eachTestGetsAFreshServer() {
        SEEN.add(dovecot.server().addUser("same@adm.cfwb.be", "pw"));
        assertThat(dovecot.server().hierarchy()).isEqualTo(HierarchyStyle.DOT);
    }

    @Test
    @Order(2)
    void theSameUserCanBeAddedAgainBecauseTheServerIsNew() {
        SEEN.add(dovecot.server().addUser("same@adm.cfwb.be", "pw"));
        assertThat(SEEN.get(0).processIds()).as("the first test's server was stopped").isEmpty();
    }

    @AfterAll
    static void everyServerIsStopped() {
        assertThat(SEEN).hasSize(2).allSatisfy(s -> assertThat(s.processIds()).isEmpty());
    }
}
