package org.routstr.testmint;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.routstr.crypto.Secp256k1;

/**
 * Just enough BOLT11 for a fake Lightning backend: bech32 checksum check, amount from the human-readable part,
 * and fake (checksummed, unsigned) invoices for mint quotes.
 */
final class Bolt11 {
    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final Pattern HRP = Pattern.compile("ln(bcrt|bc|tbs|tb|sb)(\\d+)?([munp])?");

    private Bolt11() {
    }

    /** The invoice amount in msat; 0 for an amountless invoice. @throws MintError if malformed */
    static long amountMsat(String invoice) {
        String s = invoice.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("lightning:")) {
            s = s.substring("lightning:".length());
        }
        int sep = s.lastIndexOf('1');
        if (sep < 3 || s.length() - sep < 7 || !checksumOk(s.substring(0, sep), s.substring(sep + 1))) {
            throw new MintError(20000, "not a valid bolt11 invoice");
        }
        Matcher m = HRP.matcher(s.substring(0, sep));
        if (!m.matches()) {
            throw new MintError(20000, "not a bolt11 invoice prefix");
        }
        if (m.group(2) == null) {
            return 0;
        }
        long value = Long.parseLong(m.group(2));
        String mult = m.group(3);
        if (mult == null) {
            return Math.multiplyExact(value, 100_000_000_000L);
        }
        return switch (mult) {
            case "m" -> Math.multiplyExact(value, 100_000_000L);
            case "u" -> Math.multiplyExact(value, 100_000L);
            case "n" -> Math.multiplyExact(value, 100L);
            default -> {
                if (value % 10 != 0) {
                    throw new MintError(20000, "sub-msat invoice amount");
                }
                yield value / 10;
            }
        };
    }

    /** A fake regtest-style invoice for {@code sat} sats with a valid bech32 checksum (random data, no signature). */
    static String fake(long sat) {
        String hrp = "lnbcrt" + Math.multiplyExact(sat, 10) + "n";
        byte[] random = Secp256k1.randomBytes(52);
        int[] data = new int[random.length];
        for (int i = 0; i < random.length; i++) {
            data[i] = random[i] & 31;
        }
        int[] checksum = checksum(hrp, data);
        StringBuilder sb = new StringBuilder(hrp).append('1');
        for (int d : data) {
            sb.append(CHARSET.charAt(d));
        }
        for (int d : checksum) {
            sb.append(CHARSET.charAt(d));
        }
        return sb.toString();
    }

    private static boolean checksumOk(String hrp, String dataPart) {
        int[] values = new int[dataPart.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = CHARSET.indexOf(dataPart.charAt(i));
            if (values[i] < 0) {
                return false;
            }
        }
        return polymod(expand(hrp, values)) == 1;
    }

    private static int[] checksum(String hrp, int[] data) {
        int[] values = expand(hrp, data);
        int[] padded = java.util.Arrays.copyOf(values, values.length + 6);
        int mod = polymod(padded) ^ 1;
        int[] out = new int[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (mod >>> (5 * (5 - i))) & 31;
        }
        return out;
    }

    private static int[] expand(String hrp, int[] data) {
        int n = hrp.length();
        int[] out = new int[2 * n + 1 + data.length];
        for (int i = 0; i < n; i++) {
            out[i] = hrp.charAt(i) >> 5;
            out[n + 1 + i] = hrp.charAt(i) & 31;
        }
        System.arraycopy(data, 0, out, 2 * n + 1, data.length);
        return out;
    }

    private static int polymod(int[] values) {
        int[] gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
        int chk = 1;
        for (int v : values) {
            int b = chk >>> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (int i = 0; i < 5; i++) {
                if (((b >>> i) & 1) != 0) {
                    chk ^= gen[i];
                }
            }
        }
        return chk;
    }
}
