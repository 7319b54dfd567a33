package org.routstr.gateway.proxy;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import org.routstr.common.http.ApiException;
import org.routstr.common.http.ErrorHandlers;
import org.routstr.common.json.Json;
import org.routstr.crypto.cashu.CashuException;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.gateway.auth.Authenticator;
import org.routstr.gateway.auth.Caller;
import org.routstr.gateway.auth.WalletException;

/**
 * Paying with an {@code X-Cashu} token: the request is validated and its worst case checked against the token's face value
 * before the token is redeemed (swapped at the mint, with fees), so a request it cannot pay costs nothing; once redeemed,
 * any failure before something was served returns the whole value in {@code X-Cashu}, and the wallet keeps that token
 * fetchable from {@code /v1/balance/refund} with the original token.
 */
final class XCashu {
    private static final System.Logger LOG = System.getLogger(XCashu.class.getName());
    private final Authenticator auth;
    private final Metering metering;

    XCashu(Authenticator auth, Metering metering) {
        this.auth = auth;
        this.metering = metering;
    }

    /** The X-Cashu token of a request, if it pays with one. */
    static Optional<String> token(ServerRequest req) {
        return req.headers().first(HeaderNames.create("X-Cashu")).map(String::trim).filter(t -> !t.isEmpty());
    }

    /** Redeems the token once its face value covers {@code worstMsat} (402 otherwise, the token untouched). */
    Caller redeem(String token, String requestId, long worstMsat, String model) {
        OptionalLong value = faceValueMsat(token);
        if (value.isPresent() && value.getAsLong() < worstMsat) {
            // detail as the reference's X-Cashu pre-check (type minimum_balance_required)
            throw ApiException.paymentRequired("insufficient_balance", Reservations.insufficient(worstMsat, value.getAsLong()),
                    Json.object().put("reason", "Insufficient balance").put("amount_required_msat", worstMsat)
                            .put("available_msat", value.getAsLong()).put("model", model).put("type", "minimum_balance_required"));
        }
        return auth.authenticate(Optional.empty(), Optional.of(token), requestId);
    }

    /**
     * Runs the paid part of a request. Whatever it throws before the response is sent, an X-Cashu caller gets the whole
     * value back (after {@code reservation}, if made, is released) in the {@code X-Cashu} header of the error.
     */
    void refundUnlessServed(ServerRequest req, ServerResponse res, Caller caller, UUID reservation, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            if (res.isSent() || caller.xCashuToken().isEmpty()) {
                throw e;
            }
            Optional<String> refund = metering.change(caller, reservation);
            // the routing's error handlers reset the response (and this header), so the error is sent here
            refund.ifPresent(t -> res.header(Responder.X_CASHU, t));
            send(req, res, e);
        }
    }

    private static void send(ServerRequest req, ServerResponse res, RuntimeException e) {
        switch (e) {
            case ApiException a -> ErrorHandlers.send(req, res, a);
            case WalletException w -> {
                res.status(Status.create(w.status()));
                res.header(HeaderValues.CONTENT_TYPE_JSON);
                res.send(w.body());
            }
            default -> {
                LOG.log(Level.ERROR, "x-cashu request failed after redeem; whole value returned", e);
                ErrorHandlers.send(req, res, new ApiException(500, "server_error", "internal_error",
                        "Internal server error, please contact support with the request ID."));
            }
        }
    }

    /** The face value in msat of a sat or msat token; empty when it does not decode here (the wallet then says why). */
    private static OptionalLong faceValueMsat(String token) {
        try {
            Token t = TokenCodec.decode(token);
            return switch (t.unit()) {
                case "sat" -> OptionalLong.of(Math.multiplyExact(t.amount(), 1000L));
                case "msat" -> OptionalLong.of(t.amount());
                default -> OptionalLong.empty();
            };
        } catch (CashuException | ArithmeticException e) {
            return OptionalLong.empty();
        }
    }
}
