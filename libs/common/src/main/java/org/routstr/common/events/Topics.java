package org.routstr.common.events;

/**
 * The Kafka topics of the node (DESIGN.md "Kafka topics"). Values are JSON with a {@code schema} field.
 */
public final class Topics {
    /** Gateway → billing; key = billing account hash. */
    public static final String USAGE = "routstr.usage.v1";
    /** Billing, wallet → admin and discovery; key = account hash. */
    public static final String LEDGER = "routstr.ledger.v1";
    /** Admin, billing → every service; key = entity. */
    public static final String CONTROL = "routstr.control.v1";
    /** Every service → admin; key = service name. */
    public static final String LOGS = "routstr.logs.v1";

    private Topics() {
    }
}
