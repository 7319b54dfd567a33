package org.routstr.crypto.cashu.nut01;

import java.math.BigInteger;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import org.bouncycastle.math.ec.ECPoint;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.cashu.CashuException;

/**
 * A keyset with its public keys per amount, as served by {@code GET /v1/keys}. Amounts are unsigned 64-bit
 * ({@code 2^63} occurs in default nutshell keysets), hence {@link BigInteger} keys, sorted numerically.
 * Every key is validated as a compressed secp256k1 point.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/01.md">NUT-01</a>
 */
public record MintKeyset(String id, String unit, boolean active, long inputFeePpk, Optional<Long> finalExpiry,
                         SortedMap<BigInteger, String> keys) {
    private static final BigInteger MAX_AMOUNT = BigInteger.ONE.shiftLeft(64);

    /** Validates the id, unit, fee and keys. */
    public MintKeyset {
        if (id == null || id.isEmpty() || unit == null || unit.isEmpty()) {
            throw new CashuException("keyset needs an id and a unit");
        }
        if (inputFeePpk < 0) {
            throw new CashuException("input_fee_ppk must not be negative");
        }
        finalExpiry = finalExpiry == null ? Optional.empty() : finalExpiry;
        TreeMap<BigInteger, String> copy = new TreeMap<>();
        keys.forEach((amount, key) -> {
            if (amount.signum() <= 0 || amount.compareTo(MAX_AMOUNT) >= 0) {
                throw new CashuException("keyset amount out of range: " + amount);
            }
            try {
                Secp256k1.pointFromHex(key);
            } catch (IllegalArgumentException e) {
                throw new CashuException("keyset " + id + " has an invalid key for amount " + amount, e);
            }
            copy.put(amount, key.toLowerCase(java.util.Locale.ROOT));
        });
        if (copy.isEmpty()) {
            throw new CashuException("keyset " + id + " has no keys");
        }
        keys = Collections.unmodifiableSortedMap(copy);
    }

    /** Builds a keyset from string-keyed JSON maps ({@code "1": "02…"}). */
    public static MintKeyset fromStringKeys(String id, String unit, boolean active, long inputFeePpk,
                                            Optional<Long> finalExpiry, Map<String, String> keys) {
        TreeMap<BigInteger, String> parsed = new TreeMap<>();
        keys.forEach((a, k) -> {
            try {
                parsed.put(new BigInteger(a), k);
            } catch (NumberFormatException e) {
                throw new CashuException("keyset amount is not an integer: " + a, e);
            }
        });
        return new MintKeyset(id, unit, active, inputFeePpk, finalExpiry, parsed);
    }

    /** The public key K for an amount. @throws CashuException if the keyset has no key for it */
    public ECPoint publicKey(long amount) {
        String hex = keys.get(BigInteger.valueOf(amount));
        if (hex == null) {
            throw new CashuException("keyset " + id + " has no key for amount " + amount);
        }
        return Secp256k1.pointFromHex(hex);
    }

    /** True if the keyset has a key for the amount. */
    public boolean hasAmount(long amount) {
        return amount > 0 && keys.containsKey(BigInteger.valueOf(amount));
    }

    /** The id this keyset's keys derive to (v1 for {@code 00…} ids, v2 for {@code 01…}). */
    public String derivedId() {
        return id.startsWith("01")
                ? org.routstr.crypto.cashu.nut02.KeysetId.v2(keys, unit, inputFeePpk, finalExpiry.orElse(0L))
                : org.routstr.crypto.cashu.nut02.KeysetId.v1(keys);
    }

    /** True if the published id matches the keys (wallets SHOULD check this). */
    public boolean idMatchesKeys() {
        return derivedId().equals(id);
    }
}
