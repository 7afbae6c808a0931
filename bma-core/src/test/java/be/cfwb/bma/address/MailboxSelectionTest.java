package be.cfwb.bma.address;

import be.cfwb.bma.BmaException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailboxSelectionTest {

    @Test
    void blankMeansAll() {
        assertThat(MailboxSelection.parse(null).isAll()).isTrue();
        assertThat(MailboxSelection.parse(" ").isAll()).isTrue();
    }

    @Test
    void acceptsFullAndShortFormsMixed() {
        MailboxSelection selection = MailboxSelection.parse("ec001394, po000478@adm.cfwb.be,,EC095758");

        assertThat(selection.addresses()).containsExactly(BmaAddress.of(BmaKind.EC, 1394),
                BmaAddress.of(BmaKind.EC, 95758), BmaAddress.of(BmaKind.PO, 478));
    }

    @Test
    void reportsEveryBadItemTogether() {
        assertThatThrownBy(() -> MailboxSelection.parse("ec001394,zz000001,ec12"))
                .isInstanceOf(BmaException.class)
                .hasMessageContaining("2 invalid item(s)")
                .hasMessageContaining("'zz000001'")
                .hasMessageContaining("'ec12'");
    }

    @Test
    void selectingAnAddressOutsideTheInventoryIsAClearError() {
        Inventory inventory = Inventory.of(List.of(Mailbox.of(BmaAddress.of(BmaKind.EC, 1), "Une école")));

        assertThatThrownBy(() -> inventory.select(MailboxSelection.parse("ec000001,po000002")))
                .hasMessageContaining("Not in the inventory: [po000002@adm.cfwb.be]");
        assertThat(inventory.select(MailboxSelection.parse("ec000001")).size()).isEqualTo(1);
    }
}
