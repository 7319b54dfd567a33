package org.routstr.admin.overview;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Supplier;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.admin.Http;
import org.routstr.admin.WalletClient;
import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.common.settings.OperatorSettings;

/**
 * {@code GET /admin/api/overview?range=24h|7d|30d|90d|365d&bucket=hour|day}: Total Wallet, User Balances and Your Balance
 * as wallet-service computes them, each trusted mint (reachable, balance per unit, keysets and fees), usage series from
 * billing's aggregates (totals and per model) and the top models.
 */
public final class OverviewHttpService implements HttpService {
    private static final Map<String, Duration> RANGES = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7),
            "30d", Duration.ofDays(30), "90d", Duration.ofDays(90), "365d", Duration.ofDays(365));
    private final WalletClient wallet;
    private final UsageRepository usage;
    private final Supplier<OperatorSettings> settings;
    private final MintProbe probe = new MintProbe();

    public OverviewHttpService(WalletClient wallet, DbClient db, Supplier<OperatorSettings> settings) {
        this.wallet = wallet;
        this.usage = new UsageRepository(db);
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::overview);
    }

    private void overview(ServerRequest req, ServerResponse res) {
        String range = req.query().first("range").orElse("24h");
        Duration span = RANGES.get(range);
        String bucket = req.query().first("bucket").orElse(span != null && span.toDays() > 2 ? "day" : "hour");
        if (span == null || !(bucket.equals("hour") || bucket.equals("day"))) {
            throw new ApiException(400, "invalid_request_error", "invalid_range", "range must be 24h, 7d, 30d, 90d or 365d and bucket "
                    + "hour or day", Map.of("field", span == null ? "range" : "bucket"));
        }
        OffsetDateTime to = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime from = to.minus(span);
        ObjectNode body = Json.object().put("range", range).put("bucket", bucket);
        wallet(body);
        ArrayNode series = body.putArray("series");
        usage.series(bucket, from, to).forEach(r -> series.addObject().put("t", time(r)).put("requests", n(r, "requests"))
                .put("input_tokens", n(r, "input_tokens")).put("output_tokens", n(r, "output_tokens"))
                .put("revenue_msat", n(r, "revenue_msat")));
        ArrayNode byModel = body.putArray("series_by_model");
        usage.byModel(bucket, from, to).forEach(r -> byModel.addObject().put("t", time(r)).put("model", r.column("model").get(String.class))
                .put("requests", n(r, "requests")).put("revenue_msat", n(r, "revenue_msat")));
        ArrayNode top = body.putArray("top_models");
        usage.topModels(from, to, Http.intParam(req, "top", 10, 1, 100)).forEach(r -> top.addObject()
                .put("model", r.column("model").get(String.class)).put("requests", n(r, "requests"))
                .put("input_tokens", n(r, "input_tokens")).put("output_tokens", n(r, "output_tokens"))
                .put("revenue_msat", n(r, "revenue_msat")));
        Http.ok(req, res, body);
    }

    private void wallet(ObjectNode body) {
        JsonNode w;
        try {
            w = wallet.ownerBalance();
        } catch (ApiException e) {
            body.put("wallet_error", e.getMessage());
            w = Json.object();
        }
        body.put("total_wallet_msat", w.path("wallet_msat").asLong(0)).put("user_balances_msat", w.path("user_msat").asLong(0))
                .put("your_balance_msat", w.path("owner_msat").asLong(0));
        ArrayNode mints = body.putArray("mints");
        for (String url : settings.get().mints()) {
            ObjectNode m = mints.addObject().put("url", url);
            ObjectNode balances = m.putObject("balances");
            w.path("holdings").properties().forEach(e -> {
                String[] mu = e.getKey().split("\\|");
                if (mu.length == 2 && mu[0].equals(url)) {
                    balances.put(mu[1], e.getValue().asLong());
                }
            });
            m.setAll(probe.probe(url));
        }
    }

    private static long n(DbRow r, String c) {
        return ((Number) r.column(c).get()).longValue();
    }

    private static String time(DbRow r) {
        Object t = r.column("t").get();
        return t instanceof Timestamp ts ? ts.toInstant().toString() : String.valueOf(t);
    }
}
