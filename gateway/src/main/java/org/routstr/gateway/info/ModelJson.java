package org.routstr.gateway.info;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.gateway.catalog.ModelPrices;
import org.routstr.gateway.catalog.Route;
import org.routstr.gateway.pricing.Budget;
import org.routstr.gateway.pricing.Pricer;
import org.routstr.gateway.pricing.Usage;

/**
 * One model of {@code /v1/models} as the reference shows it: {@code pricing} in USD per token (fees included, OpenRouter
 * style strings), {@code sats_pricing} in sats per token and per request/image, both with {@code max_prompt_cost},
 * {@code max_completion_cost} and {@code max_cost}. The sats figures come from the billing formula itself, so a client that
 * holds {@code sats_pricing.max_cost} can always afford the reservation. Cache prices appear only where configured.
 */
final class ModelJson {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final long NO_CONTEXT_PROMPT = 1_000_000;
    private final Pricer pricer;

    ModelJson(Pricer pricer) {
        this.pricer = pricer;
    }

    /** The largest reservation parts in msat: prompt at the largest prompt, completion at the smallest, and the total. */
    private record Max(long promptMsat, long completionMsat, long totalMsat) {
    }

    private Max max(Route r) {
        long bigPrompt = r.contextLength().isPresent() ? r.contextLength().getAsInt() : NO_CONTEXT_PROMPT;
        long atBig = pricer.estimate(r, Budget.of(bigPrompt, OptionalLong.empty()));
        long atOne = pricer.estimate(r, Budget.of(1, OptionalLong.empty()));
        long request = pricer.cost(r, usage(0, 0, 0, 0), 0, 0).baseMsat();
        long prompt = pricer.cost(r, usage(bigPrompt, 0, 0, 0), 0, 0).inputMsat();
        long onePrompt = pricer.cost(r, usage(1, 0, 0, 0), 0, 0).inputMsat();
        return new Max(prompt, Math.max(0, atOne - onePrompt - request), Math.max(atBig, atOne));
    }

    ObjectNode of(Route r) {
        ObjectNode m = Json.object();
        m.put("id", r.modelId());
        m.put("object", "model");
        m.put("created", 0);
        m.put("owned_by", r.provider().slug());
        m.put("name", r.modelId());
        m.put("description", r.description().orElse(""));
        if (r.contextLength().isPresent()) {
            m.put("context_length", r.contextLength().getAsInt());
        } else {
            m.putNull("context_length");
        }
        m.set("architecture", architecture(r));
        m.set("pricing", usd(r));
        try {
            m.set("sats_pricing", sats(r));
        } catch (ApiException e) {
            m.putNull("sats_pricing"); // no BTC/USD rate yet
        }
        m.set("per_request_limits", limits(r));
        ObjectNode top = m.putObject("top_provider");
        r.contextLength().ifPresentOrElse(c -> top.put("context_length", c), () -> top.putNull("context_length"));
        r.maxCompletionTokens().ifPresentOrElse(c -> top.put("max_completion_tokens", c), () -> top.putNull("max_completion_tokens"));
        top.put("is_moderated", false);
        m.put("enabled", true);
        m.put("upstream_provider_id", r.provider().slug());
        m.put("canonical_slug", r.modelId());
        m.set("alias_ids", Json.mapper().valueToTree(List.copyOf(r.aliases())));
        return m;
    }

    private ObjectNode usd(Route r) {
        ModelPrices p = r.prices();
        BigDecimal fee = pricer.fee(r);
        BigDecimal prompt = perToken(p.inputPerM(), fee);
        BigDecimal completion = perToken(p.outputPerM(), fee);
        ObjectNode o = Json.object();
        o.put("prompt", plain(prompt));
        o.put("completion", plain(completion));
        o.put("request", plain(p.perRequest().map(v -> v.multiply(fee)).orElse(BigDecimal.ZERO)));
        o.put("image", plain(p.perImage().map(v -> v.multiply(fee)).orElse(BigDecimal.ZERO)));
        o.put("web_search", "0");
        o.put("internal_reasoning", "0");
        p.cacheReadPerM().ifPresent(v -> o.put("input_cache_read", plain(perToken(v, fee))));
        p.cacheWritePerM().ifPresent(v -> o.put("input_cache_write", plain(perToken(v, fee))));
        try {
            Max max = max(r);
            o.put("max_prompt_cost", pricer.usd(max.promptMsat()).stripTrailingZeros());
            o.put("max_completion_cost", pricer.usd(max.completionMsat()).stripTrailingZeros());
            o.put("max_cost", pricer.usd(max.totalMsat()).stripTrailingZeros());
        } catch (ApiException e) {
            // no BTC/USD rate yet: the maxima are unknown
        }
        return o;
    }

    private ObjectNode sats(Route r) {
        ObjectNode o = Json.object();
        long perM = MILLION.longValue();
        o.put("prompt", perTokenSats(pricer.cost(r, usage(perM, 0, 0, 0), 0, 0).inputMsat()));
        o.put("completion", perTokenSats(pricer.cost(r, usage(0, perM, 0, 0), 0, 0).outputMsat()));
        long request = pricer.cost(r, usage(0, 0, 0, 0), 0, 0).baseMsat();
        o.put("request", sats(request));
        o.put("image", sats(Math.max(0, pricer.cost(r, usage(0, 0, 0, 0), 1, 0).baseMsat() - request)));
        o.put("web_search", 0);
        o.put("internal_reasoning", 0);
        if (r.prices().cacheReadPerM().isPresent()) {
            o.put("input_cache_read", perTokenSats(pricer.cost(r, usage(0, 0, perM, 0), 0, 0).cacheReadMsat()));
        }
        if (r.prices().cacheWritePerM().isPresent()) {
            o.put("input_cache_write", perTokenSats(pricer.cost(r, usage(0, 0, 0, perM), 0, 0).cacheWriteMsat()));
        }
        Max max = max(r);
        o.put("max_prompt_cost", sats(max.promptMsat()));
        o.put("max_completion_cost", sats(max.completionMsat()));
        o.put("max_cost", sats(max.totalMsat()));
        return o;
    }

    private static JsonNode architecture(Route r) {
        if (r.architecture().isPresent()) {
            return Json.parse(r.architecture().get().getBytes(StandardCharsets.UTF_8));
        }
        ObjectNode a = Json.object().put("modality", "text->text");
        a.putArray("input_modalities").add("text");
        a.putArray("output_modalities").add("text");
        a.put("tokenizer", "Other");
        a.putNull("instruct_type");
        return a;
    }

    private static JsonNode limits(Route r) {
        if (r.contextLength().isEmpty() && r.maxCompletionTokens().isEmpty()) {
            return Json.mapper().nullNode();
        }
        ObjectNode l = Json.object();
        r.contextLength().ifPresent(c -> l.put("prompt_tokens", c));
        r.maxCompletionTokens().ifPresent(c -> l.put("completion_tokens", c));
        return l;
    }

    private static Optional<Usage> usage(long in, long out, long read, long write) {
        return Optional.of(new Usage(in, out, read, write));
    }

    private static BigDecimal perToken(BigDecimal usdPerM, BigDecimal fee) {
        return usdPerM.multiply(fee).divide(MILLION, MathContext.DECIMAL64);
    }

    private static BigDecimal perTokenSats(long msatPerMillion) {
        return BigDecimal.valueOf(msatPerMillion).divide(THOUSAND).divide(MILLION).stripTrailingZeros();
    }

    private static BigDecimal sats(long msat) {
        return BigDecimal.valueOf(msat).divide(THOUSAND).stripTrailingZeros();
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }
}
