package org.routstr.gateway.proxy;

import java.util.List;
import java.util.UUID;

import org.routstr.gateway.auth.Caller;
import org.routstr.gateway.catalog.Route;

/**
 * A request whose worst case is reserved: who pays, the reservation, what was asked for (output images, characters to
 * speak), where it can go, and what the paying account had available once the reservation was made
 * ({@code availableMsat}, -1 until then).
 */
public record PaidRequest(String requestId, Caller caller, UUID reservation, long reservedMsat, String model, String endpoint,
                   boolean stream, int images, List<Route> routes, long characters, long availableMsat) {
    /** A request to reserve. */
    public PaidRequest(String requestId, Caller caller, UUID reservation, long reservedMsat, String model, String endpoint,
                       boolean stream, int images, List<Route> routes, long characters) {
        this(requestId, caller, reservation, reservedMsat, model, endpoint, stream, images, routes, characters, -1);
    }

    /** A request to reserve with nothing to speak. */
    public PaidRequest(String requestId, Caller caller, UUID reservation, long reservedMsat, String model, String endpoint,
                       boolean stream, int images, List<Route> routes) {
        this(requestId, caller, reservation, reservedMsat, model, endpoint, stream, images, routes, 0);
    }

    /** This request once reserved, the paying account then having {@code available} msat. */
    PaidRequest reserved(long available) {
        return new PaidRequest(requestId, caller, reservation, reservedMsat, model, endpoint, stream, images, routes, characters,
                               available);
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
