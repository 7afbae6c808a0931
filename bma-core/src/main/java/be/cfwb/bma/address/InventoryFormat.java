package be.cfwb.bma.address;

import java.io.IOException;
import java.io.Reader;

/** A file layout the inventory can be read from. */
interface InventoryFormat {

    /**
     * Reads the whole file.
     *
     * @throws InventoryException with every problem found, if there is any
     */
    Inventory read(Reader reader, String sourceName) throws IOException;
}
