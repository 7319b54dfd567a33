package org.routstr.nostr;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.routstr.crypto.Hex;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Every row of BIP-340's test-vectors.csv: rows with a secret key sign byte-exactly with their aux_rand and derive the
 * public key; every row verifies to its expected result.
 */
class SchnorrTest {
    @Test
    void everyBip340VectorRow() throws IOException {
        List<String> lines = Files.readAllLines(NostrVectors.file("bip340-test-vectors.csv"));
        int rows = 0;
        int signed = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(",", -1);
            String index = f[0];
            byte[] message = Hex.decode(f[4]);
            String pubkey = f[2].toLowerCase(Locale.ROOT);
            String sig = f[5].toLowerCase(Locale.ROOT);
            boolean expected = f[6].equals("TRUE");
            if (!f[1].isEmpty()) {
                Keys keys = Keys.parse(f[1]);
                assertThat("row " + index + " public key", keys.pubkey(), is(pubkey));
                assertThat("row " + index + " signature", Hex.encode(Schnorr.sign(keys, message, Hex.decode(f[3]))), is(sig));
                signed++;
            }
            assertThat("row " + index + " verify (" + f[7] + ")", Schnorr.verify(pubkey, message, sig), is(expected));
            rows++;
        }
        assertThat(rows, is(19));
        assertThat(signed, is(8));
    }

    @Test
    void malformedInputIsFalseNotAnException() {
        Keys k = Keys.generate();
        byte[] m = new byte[32];
        String sig = Hex.encode(Schnorr.sign(k, m));
        assertThat(Schnorr.verify(k.pubkey(), m, sig), is(true));
        assertThat(Schnorr.verify(k.pubkey(), new byte[32 + 1], sig), is(false));
        assertThat(Schnorr.verify(k.pubkey().substring(2), m, sig), is(false));
        assertThat(Schnorr.verify(k.pubkey(), m, sig.substring(0, 126)), is(false));
        assertThat(Schnorr.verify("zz" + k.pubkey().substring(2), m, sig), is(false));
    }
}
