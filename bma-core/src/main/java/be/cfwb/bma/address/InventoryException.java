package be.cfwb.bma.address;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.List;
import java.util.stream.Collectors;

/** An inventory was refused; every problem found is listed, not just the first. */
public final class InventoryException extends BmaException {

    private static final long serialVersionUID = 1L;

    private final transient List<InventoryProblem> problems;

    public InventoryException(List<InventoryProblem> problems) {
        super(BmaErrorCode.INVALID_INVENTORY, describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<InventoryProblem> problems() {
        return problems;
    }

    private static String describe(List<InventoryProblem> problems) {
        return problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + " in the inventory, nothing was loaded:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
