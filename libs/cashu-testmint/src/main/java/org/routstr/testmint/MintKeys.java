package org.routstr.testmint;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.routstr.crypto.Secp256k1;
import org.routstr.crypto.cashu.nut01.MintKeyset;
import org.routstr.crypto.cashu.nut02.KeysetId;

/**
 * The private keys of one keyset (one per power-of-two amount), derived from a seed so restarts keep the keys.
 */
final class MintKeys {
    private final Map<Long, BigInteger> privateKeys;
    private final MintKeyset keyset;

    MintKeys(String seed, String unit, long inputFeePpk, boolean v2Id, int maxOrder, boolean active) {
        Map<Long, BigInteger> priv = new TreeMap<>();
        TreeMap<BigInteger, String> pub = new TreeMap<>();
        for (int bit = 0; bit < maxOrder; bit++) {
            BigInteger amount = BigInteger.ONE.shiftLeft(bit);
            byte[] h = Secp256k1.sha256((seed + "/" + unit + "/" + inputFeePpk + "/" + amount).getBytes(StandardCharsets.UTF_8));
            BigInteger k = new BigInteger(1, h).mod(Secp256k1.N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            if (bit < 63) {
                priv.put(amount.longValueExact(), k);
            }
            pub.put(amount, Secp256k1.toHex(Secp256k1.multiplyG(k)));
        }
        this.privateKeys = Map.copyOf(priv);
        String id = v2Id ? KeysetId.v2(pub, unit, inputFeePpk, 0) : KeysetId.v1(pub);
        this.keyset = new MintKeyset(id, unit, active, inputFeePpk, Optional.empty(), pub);
    }

    MintKeyset keyset() {
        return keyset;
    }

    String id() {
        return keyset.id();
    }

    /** The private key of an amount, or a 11006-style rejection if the keyset has none. */
    BigInteger privateKey(long amount) {
        BigInteger k = privateKeys.get(amount);
        if (k == null) {
            throw new MintError(11006, "amount " + amount + " is not a denomination of keyset " + id());
        }
        return k;
    }
}
