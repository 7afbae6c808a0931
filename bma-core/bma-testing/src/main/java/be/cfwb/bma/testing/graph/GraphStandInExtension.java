package be.cfwb.bma.testing.graph;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.ArrayList;
import java.util.List;

/**
 * JUnit 5 extension giving each test a fresh {@link GraphStandIn} with the given users:
 *
 * <pre>{@code
 * @RegisterExtension
 * static GraphStandInExtension graph = new GraphStandInExtension().withUser("ec001394@adm.cfwb.be");
 *
 * @Test
 * void migrates(GraphStandIn standIn) { ... standIn.baseUrl() ... }
 * }</pre>
 *
 * Needs {@code junit-jupiter-api} on the test class path (an optional dependency of bma-core).
 */
public final class GraphStandInExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final List<String> users = new ArrayList<>();
    private GraphStandIn current;

    /** Adds a user (and mailbox) created in every test's stand-in. */
    public GraphStandInExtension withUser(String address) {
        users.add(address);
        return this;
    }

    /** The running stand-in of the current test. */
    public GraphStandIn standIn() {
        if (current == null) {
            throw new IllegalStateException("The Graph stand-in runs only during a test");
        }
        return current;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        current = GraphStandIn.start();
        users.forEach(current::addUser);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == GraphStandIn.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return standIn();
    }
}
