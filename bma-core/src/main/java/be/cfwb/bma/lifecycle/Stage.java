package be.cfwb.bma.lifecycle;

/** The stages of a migration day, in the order they run. */
public enum Stage {
    PLAN("plan"),
    MAIL1("mail 1"),
    SURVEY("survey"),
    PROVISION("provisioning"),
    MAILS_2_3("mails 2 and 3"),
    PRESTAGE("pre-stage copy"),
    MAIL4("mail 4"),
    CUTOVER("cutover"),
    FINAL_DELTA("final delta"),
    VERIFY("verification"),
    /**
     * The bulk copy of mailboxes migrating on a later day, due by their pre-stage date: after the
     * day's own mailboxes, whose mails and cutover have set times.
     */
    PRESTAGE_AHEAD("pre-stage ahead"),
    REPORT("report");

    private final String label;

    Stage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
