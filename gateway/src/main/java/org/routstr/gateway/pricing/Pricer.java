package org.routstr.gateway.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;
import java.util.function.Supplier;

import org.routstr.common.http.ApiException;
import org.routstr.gateway.catalog.ModelPrices;
import org.routstr.gateway.catalog.Route;

/**
 * Turns USD prices into msat: {@code msat = ceil(usd × exchange_fee × upstream_fee × 1e11 ÷ usd_per_btc)}, each component
 * (input, output, cache read, cache write, per request + per image) rounded up on its own. Fixed pricing charges exactly
 * N sats per request.
 */
public final class Pricer {
    private static final BigDecimal MSAT_PER_BTC = BigDecimal.valueOf(100_000_000_000L);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private final Supplier<PricingSettings> live;
    private final Supplier<Optional<BigDecimal>> rate;
    private final PricingOptions options;

    /** {@code rate} gives the current USD per BTC (normally {@code BtcRate::usdPerBtc}). */
    public Pricer(PricingSettings settings, Supplier<Optional<BigDecimal>> rate) {
        this(() -> settings, rate, PricingOptions.NONE);
    }

    /** Prices with whatever {@code settings} gives at each call (the live operator settings). */
    public Pricer(Supplier<PricingSettings> settings, Supplier<Optional<BigDecimal>> rate, PricingOptions options) {
        this.live = settings;
        this.rate = rate;
        this.options = options;
    }

    /**
     * The worst case to reserve: prompt estimate (capped by the context), the completion budget of each choice (capped by
     * the model's limit) times the choices, per-request and image prices.
     */
    public long estimate(Route r, Budget b) {
        PricingSettings settings = live.get();
        if (settings.fixedSatsPerRequest() > 0) {
            return settings.fixedSatsPerRequest() * 1000;
        }
        long prompt = r.contextLength().isPresent() ? Math.min(b.promptTokens(), r.contextLength().getAsInt()) : b.promptTokens();
        long completion = b.maxOutputTokens().orElse(r.maxCompletionTokens().isPresent() ? r.maxCompletionTokens().getAsInt()
                : r.contextLength().isPresent() ? Math.max(1, r.contextLength().getAsInt() - prompt) : settings.defaultMaxTokens());
        if (r.maxCompletionTokens().isPresent()) {
            completion = Math.min(completion, r.maxCompletionTokens().getAsInt());
        }
        BigDecimal usdPerBtc = usdPerBtc();
        BigDecimal fee = fee(r, settings);
        ModelPrices p = r.prices();
        Optional<BigDecimal> perChar = options.speech(r.modelId()).filter(x -> b.characters() > 0);
        if (perChar.isPresent()) {
            return Math.max(1, base(p, 0, fee, usdPerBtc) + tokens(b.characters(), perChar.get(), fee, usdPerBtc));
        }
        long total = tokens(prompt, p.inputPerM(), fee, usdPerBtc)
                     + tokens(Math.multiplyExact(completion, (long) b.choices()), p.outputPerM(), fee, usdPerBtc)
                     + base(p, b.images(), fee, usdPerBtc);
        return Math.max(1, total);
    }

    /** The cost from reported usage; without usage: the per-request/per-image prices if set, else the reserved estimate. */
    public Cost cost(Route r, Optional<Usage> usage, int images, long reservedMsat) {
        return cost(r, usage, images, 0, reservedMsat);
    }

    /**
     * As {@link #cost(Route, Optional, int, long)}; a speech model priced per character is charged {@code characters}
     * (plus its per-request price), and with {@code upstream-cost} on, a reported upstream USD cost wins over token prices.
     */
    public Cost cost(Route r, Optional<Usage> usage, int images, long characters, long reservedMsat) {
        PricingSettings settings = live.get();
        if (settings.fixedSatsPerRequest() > 0) {
            return new Cost(settings.fixedSatsPerRequest() * 1000, 0, 0, 0, 0, usage.orElse(new Usage(0, 0, 0, 0)), "per_request",
                            usd(settings.fixedSatsPerRequest() * 1000));
        }
        BigDecimal usdPerBtc = usdPerBtc();
        BigDecimal fee = fee(r, settings);
        ModelPrices p = r.prices();
        long base = base(p, images, fee, usdPerBtc);
        Optional<BigDecimal> perChar = options.speech(r.modelId()).filter(x -> characters > 0);
        if (perChar.isPresent()) {
            long spoken = tokens(characters, perChar.get(), fee, usdPerBtc);
            return new Cost(base, spoken, 0, 0, 0, usage.orElse(new Usage(0, 0, 0, 0)), "per_character", usd(base + spoken));
        }
        if (options.upstreamCost() && usage.flatMap(Usage::upstreamUsd).isPresent()) {
            return upstreamCost(r, usage.get(), fee, usdPerBtc);
        }
        if (usage.isEmpty()) {
            if (p.perImage().isPresent() && images > 0 || p.perRequest().isPresent()) {
                String how = p.perImage().isPresent() && images > 0 ? "per_image" : "per_request";
                return new Cost(base, 0, 0, 0, 0, new Usage(0, 0, 0, 0), how, usd(base));
            }
            return new Cost(reservedMsat, 0, 0, 0, 0, new Usage(0, 0, 0, 0), "estimate", usd(reservedMsat));
        }
        Usage u = usage.get();
        long in = tokens(u.input(), p.inputPerM(), fee, usdPerBtc);
        long out = tokens(u.output(), p.outputPerM(), fee, usdPerBtc);
        long read = tokens(u.cached(), p.cacheReadPerM().orElse(p.inputPerM()), fee, usdPerBtc);
        long write = tokens(u.cacheWrite(), p.cacheWritePerM().orElse(p.inputPerM()), fee, usdPerBtc);
        long total = base + in + out + read + write;
        return new Cost(base, in, out, read, write, u, "usage", usd(total));
    }

    /** The upstream's USD cost × fees, split between input and output as the token prices would split it. */
    private Cost upstreamCost(Route r, Usage u, BigDecimal fee, BigDecimal usdPerBtc) {
        long total = msat(u.upstreamUsd().orElseThrow(), fee, usdPerBtc);
        long in = tokens(u.input(), r.prices().inputPerM(), fee, usdPerBtc);
        long out = tokens(u.output(), r.prices().outputPerM(), fee, usdPerBtc);
        long input = in + out == 0 ? total : BigDecimal.valueOf(total).multiply(BigDecimal.valueOf(in))
                .divide(BigDecimal.valueOf(in + out), 0, RoundingMode.FLOOR).longValueExact();
        return new Cost(0, input, total - input, 0, 0, u, "upstream_cost", usd(total));
    }

    /** The total fee multiplier of a route: exchange fee × (provider fee, or the default upstream fee). */
    public BigDecimal fee(Route r) {
        return fee(r, live.get());
    }

    private static BigDecimal fee(Route r, PricingSettings settings) {
        return settings.exchangeFee().multiply(r.provider().fee().orElse(settings.upstreamFee()));
    }

    private long base(ModelPrices p, int images, BigDecimal fee, BigDecimal usdPerBtc) {
        BigDecimal usd = p.perRequest().orElse(BigDecimal.ZERO);
        if (images > 0) {
            usd = usd.add(p.perImage().orElse(BigDecimal.ZERO).multiply(BigDecimal.valueOf(images)));
        }
        return usd.signum() == 0 ? 0 : msat(usd, fee, usdPerBtc);
    }

    private static long tokens(long n, BigDecimal usdPerM, BigDecimal fee, BigDecimal usdPerBtc) {
        if (n <= 0 || usdPerM.signum() == 0) {
            return 0;
        }
        return msat(usdPerM.multiply(BigDecimal.valueOf(n)).divide(MILLION), fee, usdPerBtc);
    }

    private static long msat(BigDecimal usd, BigDecimal fee, BigDecimal usdPerBtc) {
        BigDecimal numerator = usd.multiply(fee).multiply(MSAT_PER_BTC);
        return numerator.divide(usdPerBtc, 0, RoundingMode.CEILING).longValueExact();
    }

    /** msat in USD at the current rate (zero before the first rate). */
    public BigDecimal usd(long msat) {
        return rate.get().map(r -> BigDecimal.valueOf(msat).multiply(r).divide(MSAT_PER_BTC, 8, RoundingMode.HALF_UP))
                .orElse(BigDecimal.ZERO);
    }

    private BigDecimal usdPerBtc() {
        return rate.get().orElseThrow(() -> ApiException.unavailable("pricing_unavailable",
                "The node has no BTC/USD rate yet; try again shortly."));
    }
}
