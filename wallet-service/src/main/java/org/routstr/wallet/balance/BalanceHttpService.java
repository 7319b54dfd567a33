package org.routstr.wallet.balance;

import java.time.Instant;
import java.util.Optional;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.common.keys.ApiKeys;
import org.routstr.ledger.Account;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.LimitReset;
import org.routstr.wallet.mint.AccountSpec;
import org.routstr.wallet.mint.Receiver;

/**
 * Keys bought with Cashu: create ({@code /v1/wallet/create}, {@code /v1/balance/create}), info/balance, top-up, history;
 * every route is served under both {@code /v1/balance} and {@code /v1/wallet} like the reference.
 */
public final class BalanceHttpService implements HttpService {
    private final Ledger ledger;
    private final Receiver receiver;
    private final Keys keys;
    private final AccountQueries queries;
    private final KeyPreviews previews;

    public BalanceHttpService(Ledger ledger, Receiver receiver, Keys keys, AccountQueries queries, KeyPreviews previews) {
        this.ledger = ledger;
        this.receiver = receiver;
        this.keys = keys;
        this.queries = queries;
        this.previews = previews;
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : new String[] {"/v1/balance", "/v1/wallet"}) {
            rules.get(p + "/create", this::create)
                    .post(p + "/create", this::create)
                    .get(p + "/info", this::info)
                    .get(p + "/balance", this::info)
                    .get(p, this::info)
                    .get(p + "/", this::info)
                    .post(p + "/topup", this::topup)
                    .get(p + "/history", this::history);
        }
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonNode body = Http.body(req);
        String token = Http.field(req, body, "cashu_token").or(() -> Http.field(req, body, "initial_balance_token"))
                .orElseThrow(() -> ApiException.badRequest("missing_token", "A cashu_token is required."));
        AccountSpec spec = spec(req, body);
        String key = ApiKeys.newKey();
        Receiver.Received r = receiver.receive(token, new Receiver.Target("create", ApiKeys.hash(key), Optional.of(spec),
                Optional.of(key)));
        Account a = ledger.account(r.accountHash()).orElseThrow();
        Http.ok(req, res, Json.object().put("api_key", r.apiKey().orElse(key)).put("balance", a.availableMsat()));
    }

    private void info(ServerRequest req, ServerResponse res) {
        Keys.Caller caller = keys.require(req);
        Account a = caller.account();
        Account billing = a.parentHash().flatMap(ledger::account).orElse(a);
        ObjectNode n = Json.object().put("api_key", caller.credential())
                .put("balance", billing.availableMsat())
                .put("reserved", billing.reservedMsat())
                .put("is_child", a.parentHash().isPresent())
                .put("total_requests", a.requests())
                .put("total_spent", a.spentMsat());
        limits(n, a);
        if (a.parentHash().isPresent()) {
            // taken from the parent's key when it made this child; children made before previews were kept show its hash's
            n.put("parent_key_preview", previews.of(a.parentHash().get()).orElse(a.parentHash().get().substring(0, 8) + "..."));
        } else {
            n.set("child_keys", queries.children(a.keyHash()));
        }
        Http.ok(req, res, n);
    }

    private void topup(ServerRequest req, ServerResponse res) {
        Keys.Caller caller = keys.require(req);
        JsonNode body = Http.body(req);
        String token = Http.field(req, body, "cashu_token")
                .orElseThrow(() -> ApiException.badRequest("missing_token", "A cashu_token is required."));
        if (token.strip().length() < 10 || !token.contains("cashu")) {
            throw ApiException.badRequest("invalid_cashu_token", "Invalid token format");
        }
        Account billing = caller.account().parentHash().flatMap(ledger::account).orElse(caller.account());
        AccountSpec spec = new AccountSpec(null, null, null, null, null, billing.refundMintUrl().orElse(null),
                billing.refundUnit().orElse(null));
        Receiver.Received r = receiver.receive(token, new Receiver.Target("topup", billing.keyHash(), Optional.of(spec),
                Optional.empty()));
        if (!r.fresh()) {
            // the reference's mint answers a second top-up of one token "already spent"; this one says where it went
            throw new ApiException(400, "token_already_spent", "cashu_token_already_spent",
                    "Cashu token already spent: it was already credited to this key (" + r.creditedMsat() + " msats).");
        }
        Http.ok(req, res, Json.object().put("msats", r.creditedMsat()));
    }

    private void history(ServerRequest req, ServerResponse res) {
        Keys.Caller caller = keys.require(req);
        if (caller.account().parentHash().isPresent()) {
            throw ApiException.badRequest("child_key", "Child keys have no transaction history; use the parent key.");
        }
        Http.ok(req, res, Json.object().set("transactions", queries.history(caller.account().keyHash())));
    }

    static void limits(ObjectNode n, Account a) {
        a.spendingLimitMsat().ifPresentOrElse(l -> n.put("balance_limit", l), () -> n.putNull("balance_limit"));
        a.limitReset().ifPresentOrElse(r -> n.put("balance_limit_reset", r.name().toLowerCase()), () -> n.putNull("balance_limit_reset"));
        a.validUntil().ifPresentOrElse(v -> n.put("validity_date", v.getEpochSecond()), () -> n.putNull("validity_date"));
    }

    /** Limits, validity, refund address and expiry of a new key, from body, query or the reference's headers. */
    static AccountSpec spec(ServerRequest req, JsonNode body) {
        Long limit = Http.field(req, body, "balance_limit").map(s -> number(s, "balance_limit")).orElse(null);
        if (limit != null && limit < 0) {
            throw ApiException.badRequest("invalid_balance_limit", "balance_limit must not be negative");
        }
        String reset = Http.field(req, body, "balance_limit_reset").map(s -> LimitReset.parse(s)
                .map(r -> r.name().toLowerCase())
                .orElseThrow(() -> ApiException.badRequest("invalid_balance_limit_reset",
                        "balance_limit_reset must be daily, weekly or monthly"))).orElse(null);
        Long validity = Http.field(req, body, "validity_date").map(s -> number(s, "validity_date")).orElse(null);
        String refund = Http.field(req, body, "refund_address")
                .or(() -> req.headers().first(io.helidon.http.HeaderNames.create("Refund-LNURL"))).orElse(null);
        Long expiry = Http.field(req, body, "key_expiry_time")
                .or(() -> req.headers().first(io.helidon.http.HeaderNames.create("Key-Expiry-Time")))
                .map(s -> number(s, "Key-Expiry-Time")).orElse(null);
        if (expiry != null && refund == null) {
            throw ApiException.badRequest("refund_address_required",
                    "Error: Refund-LNURL header required when using Key-Expiry-Time");
        }
        if (validity != null && validity < Instant.now().getEpochSecond()) {
            throw ApiException.badRequest("invalid_validity_date", "validity_date must be in the future");
        }
        return new AccountSpec(limit, reset, validity, expiry, refund, null, null);
    }

    private static long number(String s, String name) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_" + name.toLowerCase().replace('-', '_'),
                    "Invalid " + name + ": must be a valid integer");
        }
    }
}
