package org.routstr.crypto.cashu.nut02;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.StringJoiner;

import org.routstr.crypto.Hex;
import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.cashu.CashuException;

/**
 * Keyset id derivation: v1 ({@code 00}, 8 bytes) and v2 ({@code 01}, 33 bytes), and short-id resolution.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/02.md">NUT-02</a>
 */
public final class KeysetId {
    private KeysetId() {
    }

    /** v1: {@code "00" + hex(SHA256(concat(compressed keys by amount asc)))[:14]}. */
    public static String v1(SortedMap<BigInteger, String> keys) {
        ByteArrayOutputStream concat = new ByteArrayOutputStream();
        keys.values().forEach(k -> concat.writeBytes(Hex.decode(k)));
        return "00" + Hex.encode(Secp256k1.sha256(concat.toByteArray())).substring(0, 14);
    }

    /** v2: {@code "01" + hex(SHA256("amount:key,…|unit:u[|input_fee_ppk:f][|final_expiry:e]"))}; 0 means absent. */
    public static String v2(SortedMap<BigInteger, String> keys, String unit, long inputFeePpk, long finalExpiry) {
        StringJoiner joined = new StringJoiner(",");
        keys.forEach((amount, key) -> joined.add(amount + ":" + key.toLowerCase(Locale.ROOT)));
        StringBuilder pre = new StringBuilder(joined.toString()).append("|unit:").append(unit.toLowerCase(Locale.ROOT));
        if (inputFeePpk != 0) {
            pre.append("|input_fee_ppk:").append(inputFeePpk);
        }
        if (finalExpiry != 0) {
            pre.append("|final_expiry:").append(finalExpiry);
        }
        return "01" + Hex.encode(Secp256k1.sha256(pre.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** True for an 8-byte id that abbreviates a 33-byte v2 id (a V4 token may carry it). */
    public static boolean isShortV2(String id) {
        return id.length() == 16 && id.startsWith("01");
    }

    /**
     * Resolves a (possibly short) id against known full ids.
     *
     * @throws CashuException if no known id or more than one known id matches
     */
    public static String resolve(String id, Collection<String> knownIds) {
        String lower = id.toLowerCase(Locale.ROOT);
        if (knownIds.contains(lower)) {
            return lower;
        }
        List<String> matches = knownIds.stream().filter(k -> isShortV2(lower) && k.startsWith(lower)).toList();
        if (matches.size() != 1) {
            throw new CashuException(matches.isEmpty() ? "unknown keyset id " + id : "ambiguous short keyset id " + id);
        }
        return matches.getFirst();
    }
}
