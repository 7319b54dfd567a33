package org.routstr.wallet.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.helidon.http.HeaderNames;
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
import org.routstr.ledger.DebitResult;
import org.routstr.ledger.Ledger;
import org.routstr.ledger.LimitReset;
import org.routstr.ledger.NewAccount;
import org.routstr.wallet.internal.LaterChange;
import org.routstr.wallet.mint.Issued;
import org.routstr.wallet.mint.Receiver;
import org.routstr.wallet.mint.Sender;

/**
 * Money out and sub-keys: {@code POST /v1/balance/refund} (bearer, or {@code X-Cashu} for lost change),
 * {@code /child-key} and {@code /child-key/reset}; under {@code /v1/balance} and {@code /v1/wallet}.
 */
public final class RefundHttpService implements HttpService {
    private final Ledger ledger;
    private final Sender sender;
    private final Keys keys;
    private final Supplier<String> primaryMint;
    private final LongSupplier childKeyCostMsat;
    private final LaterChange laterChange;
    private final KeyPreviews previews;

    /** Mint and child-key cost are read per request (the live settings). */
    public RefundHttpService(Ledger ledger, Sender sender, Keys keys, Supplier<String> primaryMint, LongSupplier childKeyCostMsat,
                             KeyPreviews previews) {
        this.previews = previews;
        this.ledger = ledger;
        this.sender = sender;
        this.keys = keys;
        this.primaryMint = primaryMint;
        this.childKeyCostMsat = childKeyCostMsat;
        this.laterChange = new LaterChange(ledger, sender, primaryMint);
    }

    @Override
    public void routing(HttpRules rules) {
        for (String p : new String[] {"/v1/balance", "/v1/wallet"}) {
            rules.post(p + "/refund", this::refund)
                    .post(p + "/withdraw", this::refund)
                    .post(p + "/child-key", this::childKeys)
                    .post(p + "/child-key/reset", this::resetChild);
        }
    }

    private void refund(ServerRequest req, ServerResponse res) {
        Optional<String> xcashu = req.headers().first(HeaderNames.create("X-Cashu"));
        if (xcashu.isPresent() && Http.bearer(req).isEmpty()) {
            lostChange(req, res, xcashu.get());
            return;
        }
        String bearer = Http.bearer(req).orElseThrow(RefundHttpService::keyNotFound);
        Account a = keys.find(bearer).orElseThrow(RefundHttpService::keyNotFound);
        if (a.parentHash().isPresent()) {
            throw ApiException.badRequest("child_key", "Cannot refund child key. Please refund the parent key instead.");
        }
        String unit = a.refundUnit().orElse("sat");
        String prefix = "refund:" + a.keyHash() + ":";
        long n = countBefore(a);
        if (a.reservedMsat() > 0) {
            throw ApiException.badRequest("ongoing_requests", "Cannot refund key. There are ongoing requests for this api key.");
        }
        Optional<Issued> out = a.availableMsat() <= 0 ? Optional.empty()
                : sender.payOut(prefix + n, "refund", a.keyHash(), Optional.empty(), unit, a.refundMintUrl().orElseGet(primaryMint),
                        a.refundAddress());
        if (out.isEmpty()) {
            out = sender.latest(a.keyHash(), "refund");
        }
        Issued issued = out.orElseThrow(() -> ApiException.badRequest("no_balance",
                a.availableMsat() > 0 ? "Balance too small to refund" : "No balance to refund"));
        // a sat refund pays whole sats; the sub-sat rest stays on the key (README: "Sub-sat remainders")
        long left = ledger.account(a.keyHash()).map(Account::availableMsat).orElse(0L);
        sendIssued(req, res, issued, false, Optional.of(left));
    }

    private long countBefore(Account a) {
        // the n-th refund of a key has a fixed id, so a retried request finds the first one's result
        return sender.count(a.keyHash(), "refund");
    }

    private void lostChange(ServerRequest req, ServerResponse res, String token) {
        String hash = Receiver.tokenHash(token);
        Issued change = laterChange.fetch(hash).orElseThrow(() -> ApiException.notFound("Refund not found"));
        sendIssued(req, res, change, true, Optional.empty());
    }

    static void sendIssued(ServerRequest req, ServerResponse res, Issued issued, boolean header, Optional<Long> msatsLeft) {
        switch (issued.state()) {
            case "pending" -> {
                res.header(HeaderNames.RETRY_AFTER, "2");
                throw new ApiException(425, "invalid_request_error", "refund_pending", "Refund is pending; retry shortly.");
            }
            case "failed" -> throw ApiException.unavailable("refund_failed",
                    "Refund failed; the balance was restored. Please retry later.");
            default -> {
                ObjectNode n = issued.recipient().isPresent() ? Json.object().put("recipient", issued.recipient().get())
                        : Json.object().put("token", issued.token().orElseThrow());
                n.put(issued.unit().equals("msat") ? "msats" : "sats", Long.toString(issued.amount()));
                // a repeated refund finds the same payout: the same id and its state
                n.put("refund_id", ApiKeys.hash(issued.id())).put("status", issued.state());
                msatsLeft.ifPresent(m -> n.put("msats_left", m));
                if (header) {
                    res.header(HeaderNames.create("X-Cashu"), issued.token().orElseThrow());
                }
                Http.ok(req, res, n);
            }
        }
    }

    private void childKeys(ServerRequest req, ServerResponse res) {
        Keys.Caller caller = keys.require(req);
        Account parent = caller.account();
        if (parent.parentHash().isPresent()) {
            throw ApiException.badRequest("child_key", "Cannot create a child key for another child key.");
        }
        JsonNode body = Http.body(req);
        int count = body.path("count").asInt(1);
        if (count < 1 || count > 50) {
            throw ApiException.badRequest("invalid_count", "Count must be between 1 and 50.");
        }
        var spec = BalanceHttpService.spec(req, body);
        long cost = childKeyCostMsat.getAsLong() * count;
        // a fee, counted in the parent's total_spent as the reference counts it
        if (cost > 0 && ledger.fee(parent.keyHash(), cost, "child-keys:" + java.util.UUID.randomUUID(), "child key cost")
                instanceof DebitResult.Insufficient) {
            throw ApiException.paymentRequired("insufficient_balance",
                    "Insufficient balance to create " + count + " child keys. " + cost + " mSats required.", null);
        }
        List<String> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = ApiKeys.newKey();
            ledger.open(new NewAccount(ApiKeys.hash(key), Optional.of(parent.keyHash()), Optional.ofNullable(spec.limitMsat()),
                    Optional.ofNullable(spec.limitReset()).flatMap(LimitReset::parse),
                    Optional.ofNullable(spec.validUntil()).map(java.time.Instant::ofEpochSecond), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty()));
            previews.remember(key);
            created.add(key);
        }
        previews.remember(caller.credential());
        long balance = ledger.account(parent.keyHash()).orElseThrow().availableMsat();
        ObjectNode n = Json.object();
        created.forEach(n.putArray("api_keys")::add);
        n.put("count", count).put("cost_msats", cost).put("cost_sats", cost / 1000)
                .put("parent_balance", balance).put("parent_balance_sats", balance / 1000);
        Http.ok(req, res, n);
    }

    private void resetChild(ServerRequest req, ServerResponse res) {
        Keys.Caller caller = keys.require(req);
        String child = Http.field(req, Http.body(req), "child_key")
                .orElseThrow(() -> ApiException.badRequest("missing_child_key", "child_key is required."));
        String outcome = ApiKeys.looksLikeKey(child) ? ledger.resetChild(ApiKeys.hash(child), caller.account().keyHash()) : "not_found";
        switch (outcome) {
            case "ok" -> Http.ok(req, res, Json.object().put("success", true).put("message", "Child key balance reset successfully."));
            case "not_parent" -> throw new ApiException(403, "invalid_request_error", "not_parent",
                    "Unauthorized. You are not the parent of this key.");
            default -> throw ApiException.notFound("Child key not found.");
        }
    }

    private static ApiException keyNotFound() {
        return new ApiException(401, "invalid_request_error", "key_not_found",
                "Key not found. Deposit first via /v1/wallet/create before requesting a refund.");
    }
}
