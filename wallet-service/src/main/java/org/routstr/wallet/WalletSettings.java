package org.routstr.wallet;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * The wallet-service's configuration ({@code wallet.*}, {@code internal.token}), validated when Main starts.
 *
 * @param trustedMints      trusted mint URLs, the first is primary
 * @param foreignMints      whether tokens of other mints are swapped into the primary (else refused)
 * @param mnemonic          NUT-13 seed phrase; empty = a random seed kept in the database
 * @param internalToken     the shared secret of {@code X-Routstr-Internal}
 * @param mintTimeout       read timeout of mint calls; an operation's lease is this plus a margin
 * @param changeWait        how long {@code /internal/x-cashu/change} waits for settlement
 * @param recoveryInterval  how often unfinished mint operations and expired keys are looked at
 * @param childKeyCostMsat  price of one child key
 * @param allowedHosts      hosts a client-chosen URL (foreign mint, LNURL) may name although plain http or not public
 *                          (tests and demo mode allow 127.0.0.1); trusted mints need no entry
 * @param invoiceWatch      how often unpaid Lightning invoices are checked at their mint (credited without polling)
 */
public record WalletSettings(List<String> trustedMints, boolean foreignMints, Optional<String> mnemonic, String internalToken,
                             Duration mintTimeout, Duration changeWait, Duration recoveryInterval, long childKeyCostMsat,
                             java.util.Set<String> allowedHosts, Duration invoiceWatch) {
    public WalletSettings {
        allowedHosts = java.util.Set.copyOf(allowedHosts);
        trustedMints = trustedMints.stream().map(WalletSettings::normalise).distinct().toList();
        if (trustedMints.isEmpty()) {
            throw new IllegalArgumentException("wallet.trusted-mints needs at least one mint URL");
        }
        if (internalToken == null || internalToken.length() < 16) {
            throw new IllegalArgumentException("internal.token must be set (at least 16 characters)");
        }
        if (childKeyCostMsat < 0) {
            throw new IllegalArgumentException("wallet.child-key-cost-msat must not be negative");
        }
    }

    /** Reads {@code wallet.*} and {@code internal.token} from the root configuration. */
    public static WalletSettings from(Config root) {
        Config w = root.get("wallet");
        List<String> mints = w.get("trusted-mints").asList(String.class)
                .orElseGet(() -> w.get("trusted-mints").asString().map(s -> List.of(s.split(","))).orElse(List.of()));
        return new WalletSettings(mints.stream().map(String::strip).filter(s -> !s.isEmpty()).toList(),
                w.get("foreign-mints").asBoolean().orElse(true),
                w.get("mnemonic").asString().filter(s -> !s.isBlank()),
                root.get("internal.token").asString().orElse(""),
                w.get("mint-timeout").as(Duration.class).orElse(Duration.ofSeconds(30)),
                w.get("change-wait").as(Duration.class).orElse(Duration.ofSeconds(5)),
                w.get("recovery-interval").as(Duration.class).orElse(Duration.ofSeconds(30)),
                w.get("child-key-cost-msat").asLong().orElse(0L),
                java.util.Set.copyOf(w.get("allowed-hosts").asList(String.class)
                        .orElseGet(() -> w.get("allowed-hosts").asString().map(s -> List.of(s.split(","))).orElse(List.of()))
                        .stream().map(String::strip).filter(s -> !s.isEmpty()).toList()),
                w.get("invoice-watch-interval").as(Duration.class).orElse(Duration.ofSeconds(5)));
    }

    /** The primary mint. */
    public String primaryMint() {
        return trustedMints.getFirst();
    }

    static String normalise(String url) {
        String s = url.strip();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
