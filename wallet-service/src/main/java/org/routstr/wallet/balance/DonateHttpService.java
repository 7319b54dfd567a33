package org.routstr.wallet.balance;

import java.lang.System.Logger.Level;
import java.util.Optional;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.routstr.common.http.ApiException;
import org.routstr.wallet.mint.Receiver;

/**
 * {@code POST /v1/balance/donate?token=&ref=} (the token is redeemed to the node and credited to no key: it becomes the
 * owner's share), and the reference's answer to every other {@code /v1/balance/*} and {@code /v1/wallet/*} path.
 * Registered after every other wallet route.
 */
public final class DonateHttpService implements HttpService {
    private static final System.Logger LOG = System.getLogger(DonateHttpService.class.getName());
    private static final String NOBODY = "0".repeat(64);
    private final Receiver receiver;

    public DonateHttpService(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : new String[] {"/v1/balance", "/v1/wallet"}) {
            rules.post(p + "/donate", this::donate).any(p + "/*", DonateHttpService::notFound);
        }
    }

    private void donate(ServerRequest req, ServerResponse res) {
        JsonNode body = Http.body(req);
        String token = Http.field(req, body, "token").or(() -> Http.field(req, body, "cashu_token")).orElse("");
        try {
            Receiver.Received r = receiver.receive(token, new Receiver.Target("donate", NOBODY, Optional.empty(), Optional.empty()));
            LOG.log(Level.INFO, "donation received msat=" + r.creditedMsat());
            Http.ok(req, res, TextNode.valueOf("Thanks!"));
        } catch (ApiException e) {
            if (e.status() >= 500) {
                throw e;
            }
            Http.ok(req, res, TextNode.valueOf("Invalid token."));
        }
    }

    private static void notFound(ServerRequest req, ServerResponse res) {
        String message = "Not found check /docs for available endpoints";
        throw new ApiException(404, "invalid_request_error", "not_found", message, message);
    }
}
