package org.routstr.admin.settings;

import java.util.Locale;

import org.routstr.admin.Sealer;
import org.routstr.common.settings.InvalidSettingException;

/**
 * The node's Nostr secret key: checks an {@code nsec1…} (NIP-19, bech32 with checksum, 32 bytes) and seals it for the
 * {@code nostr-nsec} setting ({@link Sealer}, associated text {@link Sealer#NOSTR_NSEC}), the way discovery-service opens it.
 */
final class Nsec {
    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GEN = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    private final Sealer sealer;

    Nsec(Sealer sealer) {
        this.sealer = sealer;
    }

    /** Validates and seals an nsec; "" clears it. */
    String seal(String nsec) {
        String s = nsec.strip().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return "";
        }
        if (!validBech32(s, "nsec", 32)) {
            throw new InvalidSettingException("nostr-nsec", "nostr-nsec must be an nsec1… key (NIP-19 bech32 of 32 bytes)");
        }
        return sealer.seal(s, Sealer.NOSTR_NSEC, "nostr-nsec");
    }

    /** BIP-173 bech32: the human part, a valid checksum and {@code bytes} bytes of data. */
    static boolean validBech32(String s, String hrp, int bytes) {
        int sep = s.lastIndexOf('1');
        if (sep != hrp.length() || !s.startsWith(hrp) || s.length() - sep - 1 < 6) {
            return false;
        }
        int[] values = new int[s.length() - sep - 1];
        for (int i = 0; i < values.length; i++) {
            values[i] = CHARSET.indexOf(s.charAt(sep + 1 + i));
            if (values[i] < 0) {
                return false;
            }
        }
        int chk = 1;
        for (int v : expand(hrp, values)) {
            int top = chk >>> 25;
            chk = (chk & 0x1ffffff) << 5 ^ v;
            for (int i = 0; i < 5; i++) {
                if ((top >>> i & 1) == 1) {
                    chk ^= GEN[i];
                }
            }
        }
        return chk == 1 && (values.length - 6) * 5 / 8 == bytes;
    }

    private static int[] expand(String hrp, int[] data) {
        int[] out = new int[hrp.length() * 2 + 1 + data.length];
        for (int i = 0; i < hrp.length(); i++) {
            out[i] = hrp.charAt(i) >> 5;
            out[hrp.length() + 1 + i] = hrp.charAt(i) & 31;
        }
        System.arraycopy(data, 0, out, hrp.length() * 2 + 1, data.length);
        return out;
    }
}
