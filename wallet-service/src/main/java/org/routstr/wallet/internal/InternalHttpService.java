package org.routstr.wallet.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.wallet.balance.Http;
import org.routstr.wallet.balance.Keys;
import org.routstr.wallet.mint.Issued;
import org.routstr.wallet.mint.Receiver;
import org.routstr.wallet.mint.Sender;

/**
 * Contract 1 (gateway → wallet): redeem a Cashu bearer or X-Cashu token, and the X-Cashu change once billing settled
 * the request. Every call needs {@code X-Routstr-Internal}; never routed by the front door.
 */
public final class InternalHttpService implements HttpService {
    private final byte[] secret;
    private final Ledger ledger;
    private final Receiver receiver;
    private final Sender sender;
    private final Settlements settlements;
    private final OwnerFunds owner;

    public InternalHttpService(String secret, Ledger ledger, Receiver receiver, Sender sender, Settlements settlements,
                               OwnerFunds owner) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.ledger = ledger;
        this.receiver = receiver;
        this.sender = sender;
        this.settlements = settlements;
        this.owner = owner;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any("/internal/*", (req, res) -> {
            guard(req);
            res.next();
        });
        rules.post("/internal/redeem", (req, res) -> redeem(req, res, "bearer", "balance_msat"))
                .post("/internal/x-cashu/redeem", (req, res) -> redeem(req, res, "x-cashu", "amount_msat"))
                .post("/internal/x-cashu/change", this::change)
                .get("/internal/owner/balance", (req, res) -> Http.ok(req, res, owner.report()))
                .post("/internal/owner/withdraw", this::withdraw);
    }

    private void guard(ServerRequest req) {
        byte[] given = req.headers().first(HeaderNames.create("X-Routstr-Internal")).orElse("").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, secret)) {
            throw new ApiException(403, "invalid_request_error", "forbidden", "Forbidden");
        }
    }

    private void redeem(ServerRequest req, ServerResponse res, String purpose, String amountField) {
        JsonNode body = Http.body(req);
        String token = body.path("token").asText("");
        Receiver.Received r = purpose.equals("bearer") ? receiver.receive(token, Keys.bearerTarget())
                : receiver.receive(token, new Receiver.Target(purpose, Receiver.tokenHash(token), Optional.empty(), Optional.empty()));
        long amount = purpose.equals("bearer") ? ledger.account(r.accountHash()).map(Account::availableMsat).orElse(0L)
                : r.creditedMsat();
        Http.ok(req, res, Json.object().put("key_hash", r.accountHash()).put(amountField, amount));
    }

    private void change(ServerRequest req, ServerResponse res) {
        JsonNode body = Http.body(req);
        String keyHash = body.path("key_hash").asText("");
        UUID requestId = uuid(body.path("request_id").asText(""));
        String id = "x-cashu-change:" + requestId;
        Optional<Issued> prior = sender.find(id);
        if (prior.isEmpty()) {
            if (!settlements.awaitFinished(requestId)) {
                Http.send(req, res, 202, Json.object().put("pending", true));
                return;
            }
            Account a = ledger.account(keyHash).orElseThrow(() -> ApiException.notFound("Unknown key"));
            prior = sender.payOut(id, "change", keyHash, Optional.empty(), a.refundUnit().orElse("sat"),
                    a.refundMintUrl().orElse(receiver.primaryMint()));
        }
        ObjectNode n = Json.object();
        if (prior.isEmpty()) {
            Http.ok(req, res, n.putNull("token").put("amount_msat", 0));
            return;
        }
        Issued i = prior.get();
        if (i.state().equals("pending")) {
            Http.send(req, res, 202, Json.object().put("pending", true));
            return;
        }
        if (i.state().equals("failed")) {
            throw ApiException.unavailable("change_failed", "Change could not be issued; the balance stays on the token's key.");
        }
        Http.ok(req, res, n.put("token", i.token().orElseThrow())
                .put("amount_msat", i.unit().equals("msat") ? i.amount() : i.amount() * 1000));
    }

    private void withdraw(ServerRequest req, ServerResponse res) {
        JsonNode body = Http.body(req);
        long amount = body.path("amount").asLong(0);
        if (amount <= 0) {
            throw ApiException.badRequest("invalid_amount", "Withdrawal amount must be positive");
        }
        String mint = body.path("mint_url").asText(receiver.primaryMint());
        String unit = body.path("unit").asText("sat");
        Issued i = owner.withdraw(amount, unit, mint);
        Http.ok(req, res, Json.object().put("token", i.token().orElseThrow()).put("mint_url", i.mintUrl()).put("amount", i.amount()));
    }

    private static UUID uuid(String s) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_request_id", "request_id must be a UUID");
        }
    }
}
