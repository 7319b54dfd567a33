package org.routstr.gateway.proxy;

import java.util.List;
import java.util.UUID;

import org.routstr.gateway.auth.Caller;
import org.routstr.gateway.catalog.Route;

/**
 * A request whose worst case is reserved: who pays, the reservation, what was asked for (output images, characters to
 * speak) and where it can go.
 */
public record PaidRequest(String requestId, Caller caller, UUID reservation, long reservedMsat, String model, String endpoint,
                   boolean stream, int images, List<Route> routes, long characters) {
    /** A request with nothing to speak. */
    public PaidRequest(String requestId, Caller caller, UUID reservation, long reservedMsat, String model, String endpoint,
                       boolean stream, int images, List<Route> routes) {
        this(requestId, caller, reservation, reservedMsat, model, endpoint, stream, images, routes, 0);
    }

    /**
     * The reservation id of a request: its node-made request id (a UUID, see {@code RequestIds}), so a response's
     * {@code x-routstr-request-id} names its ledger rows and log records; a new one should the id not be a UUID.
     */
    public static UUID reservationOf(String requestId) {
        try {
            return UUID.fromString(requestId);
        } catch (IllegalArgumentException e) {
            return UUID.randomUUID();
        }
    }
}
