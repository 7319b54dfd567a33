package org.routstr.nostr;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.routstr.crypto.Hex;

/**
 * NIP-19 bech32 entities: {@code npub}, {@code nsec}, {@code note} (32 bytes) and the TLV {@code nprofile} and
 * {@code naddr}. For display and input only; events and filters carry hex.
 *
 * @see <a href="https://github.com/nostr-protocol/nips/blob/master/19.md">NIP-19</a>
 */
public final class Nip19 {
    private static final int SPECIAL = 0;
    private static final int RELAY = 1;
    private static final int AUTHOR = 2;
    private static final int KIND = 3;

    /** An {@code nprofile}: a public key (hex) and relays where it may be found. */
    public record Profile(String pubkey, List<String> relays) {
        public Profile {
            relays = List.copyOf(relays);
        }
    }

    /** An {@code naddr}: the coordinate of an addressable event, {@code kind:pubkey:identifier}, and relays. */
    public record Address(String identifier, String pubkey, int kind, List<String> relays) {
        public Address {
            relays = List.copyOf(relays);
        }

        /** The {@code a} tag value, {@code <kind>:<pubkey>:<d>}. */
        public String coordinate() {
            return kind + ":" + pubkey + ":" + identifier;
        }
    }

    private Nip19() {
    }

    public static String npub(String pubkeyHex) {
        return Bech32.encode("npub", bytes32(pubkeyHex));
    }

    public static String nsec(String secretHex) {
        return Bech32.encode("nsec", bytes32(secretHex));
    }

    public static String note(String eventIdHex) {
        return Bech32.encode("note", bytes32(eventIdHex));
    }

    /** Decodes an {@code npub}, {@code nsec} or {@code note} of the expected prefix to 64 hex characters. */
    public static String decode32(String bech32, String hrp) {
        Bech32.Decoded d = Bech32.decode(bech32);
        if (!d.hrp().equals(hrp) || d.data().length != 32) {
            throw new IllegalArgumentException("expected a " + hrp + " (32 bytes), got " + d.hrp());
        }
        return Hex.encode(d.data());
    }

    public static String nprofile(Profile p) {
        ByteArrayOutputStream tlv = new ByteArrayOutputStream();
        write(tlv, SPECIAL, bytes32(p.pubkey()));
        p.relays().forEach(r -> write(tlv, RELAY, r.getBytes(StandardCharsets.US_ASCII)));
        return Bech32.encode("nprofile", tlv.toByteArray());
    }

    public static Profile decodeNprofile(String bech32) {
        List<String> relays = new ArrayList<>();
        String pubkey = null;
        for (byte[][] e : tlv(bech32, "nprofile")) {
            int type = e[0][0];
            if (type == SPECIAL) {
                pubkey = hex32(e[1]);
            } else if (type == RELAY) {
                relays.add(new String(e[1], StandardCharsets.US_ASCII));
            }
        }
        if (pubkey == null) {
            throw new IllegalArgumentException("nprofile without a public key");
        }
        return new Profile(pubkey, relays);
    }

    public static String naddr(Address a) {
        ByteArrayOutputStream tlv = new ByteArrayOutputStream();
        write(tlv, SPECIAL, a.identifier().getBytes(StandardCharsets.UTF_8));
        a.relays().forEach(r -> write(tlv, RELAY, r.getBytes(StandardCharsets.US_ASCII)));
        write(tlv, AUTHOR, bytes32(a.pubkey()));
        write(tlv, KIND, new byte[] {(byte) (a.kind() >>> 24), (byte) (a.kind() >>> 16), (byte) (a.kind() >>> 8), (byte) a.kind()});
        return Bech32.encode("naddr", tlv.toByteArray());
    }

    public static Address decodeNaddr(String bech32) {
        String identifier = null;
        String pubkey = null;
        Integer kind = null;
        List<String> relays = new ArrayList<>();
        for (byte[][] e : tlv(bech32, "naddr")) {
            byte[] v = e[1];
            switch (e[0][0]) {
                case SPECIAL -> identifier = new String(v, StandardCharsets.UTF_8);
                case RELAY -> relays.add(new String(v, StandardCharsets.US_ASCII));
                case AUTHOR -> pubkey = hex32(v);
                case KIND -> kind = v.length == 4 ? ((v[0] & 0xff) << 24) | ((v[1] & 0xff) << 16) | ((v[2] & 0xff) << 8) | (v[3] & 0xff)
                        : failKind();
                default -> {
                    // NIP-19: unknown TLV types are ignored
                }
            }
        }
        if (identifier == null || pubkey == null || kind == null) {
            throw new IllegalArgumentException("naddr needs an identifier, an author and a kind");
        }
        return new Address(identifier, pubkey, kind, relays);
    }

    private static int failKind() {
        throw new IllegalArgumentException("naddr kind must be 4 bytes");
    }

    private static List<byte[][]> tlv(String bech32, String hrp) {
        Bech32.Decoded d = Bech32.decode(bech32);
        if (!d.hrp().equals(hrp)) {
            throw new IllegalArgumentException("expected " + hrp + ", got " + d.hrp());
        }
        byte[] b = d.data();
        List<byte[][]> out = new ArrayList<>();
        int i = 0;
        while (i < b.length) {
            if (i + 2 > b.length || i + 2 + (b[i + 1] & 0xff) > b.length) {
                throw new IllegalArgumentException(hrp + " TLV is truncated");
            }
            int len = b[i + 1] & 0xff;
            out.add(new byte[][] {{b[i]}, Arrays.copyOfRange(b, i + 2, i + 2 + len)});
            i += 2 + len;
        }
        return out;
    }

    private static void write(ByteArrayOutputStream out, int type, byte[] value) {
        if (value.length > 255) {
            throw new IllegalArgumentException("TLV value longer than 255 bytes");
        }
        out.write(type);
        out.write(value.length);
        out.writeBytes(value);
    }

    private static String hex32(byte[] v) {
        if (v.length != 32) {
            throw new IllegalArgumentException("expected 32 bytes");
        }
        return Hex.encode(v);
    }

    private static byte[] bytes32(String hex) {
        if (!Hex.isHex(hex) || hex.length() != 64) {
            throw new IllegalArgumentException("expected 64 hex characters");
        }
        return Hex.decode(hex);
    }
}
