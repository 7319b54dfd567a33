package org.routstr.testmint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.helidon.webserver.WebServer;

import org.routstr.crypto.cashu.Amounts;
import org.routstr.crypto.cashu.Outputs;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut04.MintQuoteResponse;

/**
 * A Cashu mint for tests and demo mode: real BDHKE and DLEQ, in-memory books, a fake Lightning backend (mint quotes
 * are paid at once, melts of well-formed bolt11 invoices succeed with fee change), on 127.0.0.1.
 * <pre>{@code
 * try (TestMint mint = TestMint.builder().inputFeePpk(100).start()) {
 *     String token = mint.mintToken(64);   // cashuB…, minted through the real HTTP API
 * }
 * }</pre>
 *
 * @see <a href="https://github.com/cashubtc/nuts">NUTs</a>
 */
public final class TestMint implements AutoCloseable {
    private final WebServer server;
    private final MintLedger ledger;
    private final Settings settings;

    /** Tunables (see {@link Builder}). */
    record Settings(long maxMintAmount, long minFeeReserve, long feeReservePercent, long lightningFee, boolean autoPayMintQuotes) {
    }

    private TestMint(Builder b) {
        this.settings = new Settings(b.maxMintAmount, b.minFeeReserve, b.feeReservePercent, b.lightningFee, b.autoPay);
        List<MintKeys> keys = new ArrayList<>();
        keys.add(new MintKeys(b.seed, "sat", b.inputFeePpk, b.v2Ids, b.maxOrder, true));
        if (b.msat) {
            keys.add(new MintKeys(b.seed, "msat", b.inputFeePpk, b.v2Ids, b.maxOrder, true));
        }
        if (b.inactiveKeyset) {
            keys.add(new MintKeys(b.seed + "/old", "sat", 0, b.v2Ids, b.maxOrder, false));
        }
        this.ledger = new MintLedger(keys, settings);
        MintHttpService service = new MintHttpService(ledger, b.delay);
        this.server = WebServer.builder().host("127.0.0.1").port(b.port).routing(r -> r.register(service)).build().start();
    }

    /** A builder with defaults: random port, unit sat, fee 0 ppk, v1 keyset ids, 64 denominations. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a mint with defaults on a random port. */
    public static TestMint start() {
        return builder().start();
    }

    /** Starts a mint on the given port (0 = random) and keeps it running; args: [port] [input_fee_ppk]. */
    public static void main(String[] args) {
        Builder b = builder().port(args.length > 0 ? Integer.parseInt(args[0]) : 3338);
        if (args.length > 1) {
            b.inputFeePpk(Long.parseLong(args[1]));
        }
        TestMint mint = b.start();
        System.out.println("test mint listening on " + mint.url());
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The active sat keyset (public keys). */
    public MintKeyset keyset() {
        return ledger.keysets().getFirst().keyset();
    }

    /** Switches the misbehaviour (takes effect for the next request). */
    public void failureMode(FailureMode mode) {
        ledger.failureMode(Objects.requireNonNull(mode));
    }

    /** Pays a mint quote (only needed when auto-pay is off). */
    public void payMintQuote(String quoteId) {
        ledger.payMintQuote(quoteId);
    }

    /** Marks proofs PENDING, as if an in-flight melt held them. */
    public void markPending(List<Proof> proofs) {
        ledger.markPending(proofs.stream().map(Proof::y).toList());
    }

    /** The mint's books in one line (spent proofs, signatures, melt quotes): unchanged means no swap, mint or melt happened. */
    public String books() {
        return ledger.books();
    }

    /** How many mint quotes were created (each is work a client made this mint do). */
    public int mintQuotes() {
        return ledger.mintQuotes();
    }

    /** Mints fresh proofs of {@code amountSat} through this mint's own HTTP API (quote → paid → mint). */
    public List<Proof> mintProofs(long amountSat) {
        CashuWallet wallet = new CashuWallet(MintClient.create(url()));
        MintKeyset ks = wallet.activeKeyset("sat");
        MintQuoteResponse quote = wallet.requestMintQuote(amountSat, "sat");
        if (!settings.autoPayMintQuotes()) {
            payMintQuote(quote.quote());
        }
        return wallet.mint(quote.quote(), Outputs.random(ks.id(), Amounts.split(amountSat)));
    }

    /** A V4 ({@code cashuB}) token of {@code amountSat} minted through the real wallet flow, with DLEQ proofs. */
    public String mintToken(long amountSat) {
        return TokenCodec.encodeV4(new Token(url(), "sat", mintProofs(amountSat)));
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.stop();
    }

    /** Builder of {@link TestMint}. */
    public static final class Builder {
        private int port;
        private long inputFeePpk;
        private boolean v2Ids;
        private boolean msat;
        private boolean inactiveKeyset;
        private int maxOrder = 64;
        private String seed = "routstr-testmint";
        private long maxMintAmount = 1L << 40;
        private long minFeeReserve = 2;
        private long feeReservePercent = 1;
        private long lightningFee = 1;
        private boolean autoPay = true;
        private Duration delay = Duration.ofSeconds(3);

        private Builder() {
        }

        /** Port on 127.0.0.1; 0 = random. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Input fee of the keysets in parts per thousand per proof. */
        public Builder inputFeePpk(long ppk) {
            this.inputFeePpk = ppk;
            return this;
        }

        /** Use v2 ({@code 01…}, 33-byte) keyset ids instead of v1 ({@code 00…}). */
        public Builder v2KeysetIds(boolean v2) {
            this.v2Ids = v2;
            return this;
        }

        /** Also offer an {@code msat} keyset. */
        public Builder msat(boolean enabled) {
            this.msat = enabled;
            return this;
        }

        /** Also publish an inactive sat keyset. */
        public Builder inactiveKeyset(boolean enabled) {
            this.inactiveKeyset = enabled;
            return this;
        }

        /** Number of denominations 2^0 … 2^(n−1) (default 64, like nutshell). */
        public Builder maxOrder(int n) {
            this.maxOrder = n;
            return this;
        }

        /** Seed of the mint keys (same seed, same keys). */
        public Builder seed(String seed) {
            this.seed = Objects.requireNonNull(seed);
            return this;
        }

        /** Lightning fee reserve: max(min, percent of amount). */
        public Builder feeReserve(long min, long percent) {
            this.minFeeReserve = min;
            this.feeReservePercent = percent;
            return this;
        }

        /** The fee the fake Lightning payment actually costs (capped at the reserve); the rest is returned. */
        public Builder lightningFee(long fee) {
            this.lightningFee = fee;
            return this;
        }

        /** Whether mint quotes are paid at creation (default true). */
        public Builder autoPayMintQuotes(boolean autoPay) {
            this.autoPay = autoPay;
            return this;
        }

        /** Delay used by {@link FailureMode#DELAY} and {@link FailureMode#PROCESS_THEN_DELAY}. */
        public Builder delay(Duration delay) {
            this.delay = Objects.requireNonNull(delay);
            return this;
        }

        /** Starts the mint. */
        public TestMint start() {
            return new TestMint(this);
        }
    }
}
