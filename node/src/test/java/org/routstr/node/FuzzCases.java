package org.routstr.node;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut00.Token;
import org.routstr.crypto.cashu.nut00.TokenCodec;

/**
 * Seeded requests against every public route of the node: malformed V3/V4 tokens and mutated CBOR, huge amounts, bad
 * keyset ids, malformed JSON and wrong types, bad bearer forms, X-Cashu, Refund-LNURL and other headers with raw bytes,
 * huge headers, multipart edge cases. Case {@code i} of seed {@code s} is always the same bytes. No token is redeemable:
 * the genuine proofs only ever travel next to a forged one, so any redemption at all is money moved.
 */
final class FuzzCases {
    private static final String[] JSON_POSTS = {"/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/images/generations",
        "/v1/responses", "/v1/moderations", "/v1/audio/speech", "/v1/messages", "/v1/messages/count_tokens", "/chat/completions",
        "/v1/wallet/create", "/v1/wallet/topup", "/v1/wallet/refund", "/v1/wallet/withdraw", "/v1/wallet/child-key",
        "/v1/wallet/child-key/reset", "/v1/balance/create", "/v1/balance/topup", "/v1/balance/refund", "/v1/balance/donate",
        "/lightning/invoice", "/lightning/recover", "/v1/balance/lightning/invoice", "/admin/api/auth/login",
        "/admin/api/auth/logout", "/admin/api/auth/password", "/admin/api/settings", "/admin/api/withdraw"};
    /** The first entries of {@link #JSON_POSTS}: the gateway's paid endpoints, which parse the body before anything else. */
    private static final int PROXY_POSTS = 10;
    private static final String[] GETS = {"/", "/v1/models", "/v1/models/", "/models", "/v1/models/paths", "/v1/info",
        "/v1/wallet/info", "/v1/wallet/balance", "/v1/wallet/", "/v1/wallet", "/v1/wallet/history", "/v1/wallet/create",
        "/v1/balance/info", "/v1/balance", "/v1/balance/create", "/v1/providers", "/v1/providers/", "/admin/api/auth/session",
        "/admin/api/overview", "/admin/api/sessions", "/admin/api/logs", "/admin/", "/health/live", "/health/ready", "/health",
        "/metrics", "/v1/nope", "/lightning/invoice/%s/status", "/v1/balance/lightning/invoice/%s/status"};
    private static final String[] UPLOADS = {"/v1/audio/transcriptions", "/v1/audio/translations"};
    private static final String[] METHODS = {"PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "GÉT", "FOO"};
    private static final String[] MINTS = {null, null, null, "http://10.0.0.1:3338", "https://169.254.169.254/latest?x=",
        "http://localhost:1", "https://[::1]:8000", "http://127.0.0.2:9", "ftp://127.0.0.1", "https://0.0.0.0", "mint"};
    private static final String[] SCALARS = {"null", "true", "-1", "0", "1e309", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "1.5", "\"\"", "[]", "{}", "\"" + "9".repeat(40) + "\"", "NaN", "\"\\u0000\"", "\"\\ud800\"",
        "18446744073709551616", "-0", "1e-400", "\"sk-" + "0".repeat(64) + "\""};
    private final List<Proof> proofs;
    private final String mintUrl;
    private final String keyset;
    private final String fundedKey;

    /** {@code fundedKey} (a key with a balance) is sent only where no request can spend: GETs and broken JSON bodies. */
    FuzzCases(List<Proof> genuine, String mintUrl, String fundedKey) {
        this.proofs = List.copyOf(genuine);
        this.mintUrl = mintUrl;
        this.keyset = genuine.getFirst().id();
        this.fundedKey = fundedKey;
    }

    /** A named request. */
    record Case(String label, byte[] bytes) {
        String shown() {
            String s = new String(bytes, 0, Math.min(bytes.length, 600), StandardCharsets.ISO_8859_1);
            return label + " | " + s.replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    /** Case {@code i} of {@code seed}. */
    Case next(long seed, int i) {
        Random r = new Random(seed * 1_000_003L + i);
        int kind = r.nextInt(20);
        if (kind < 11) {
            String path = pick(r, JSON_POSTS);
            byte[] body = json(r, path);
            if (r.nextInt(8) == 0 && body.length > 0 && List.of(JSON_POSTS).indexOf(path) < PROXY_POSTS) {
                // the funded key with a body that cannot parse: refused before anything is reserved or redeemed
                body[body.length - 1] = '\\';
                return build(r, "json-funded", "POST", path, "application/json", body, fundedKey);
            }
            return build(r, "json", r.nextInt(12) == 0 ? pick(r, METHODS) : "POST", path, "application/json", body, null);
        }
        if (kind < 15) {
            return build(r, "get", r.nextInt(10) == 0 ? pick(r, METHODS) : "GET", query(r, pathParam(r, pick(r, GETS))), null, new byte[0],
                         r.nextInt(6) == 0 ? fundedKey : null);
        }
        if (kind < 17) {
            return multipart(r);
        }
        if (kind < 19) {
            String path = pick(r, JSON_POSTS);
            return build(r, "ctype", "POST", path, pick(r, new String[] {"text/plain", "application/x-www-form-urlencoded",
                "application/json; charset=utf-16", "", "application/cbor"}), garbage(r, r.nextInt(400)), null);
        }
        return framing(r);
    }

    private Case build(Random r, String kind, String method, String path, String contentType, byte[] body, String bearer) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256 + body.length);
        write(b, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (contentType != null) {
            write(b, "Content-Type: " + contentType + "\r\n");
        }
        List<String> headers = headers(r);
        if (bearer != null) {
            headers.removeIf(h -> h.startsWith("Authorization:") || h.startsWith("x-api-key:") || h.startsWith("X-Cashu:"));
            headers.add("Authorization: Bearer " + bearer + "\r\n");
        }
        headers.forEach(h -> write(b, h));
        if (!method.equals("GET") || body.length > 0) {
            write(b, "Content-Length: " + body.length + "\r\n");
        }
        write(b, "\r\n");
        b.writeBytes(body);
        return new Case(kind + " " + method + " " + path, b.toByteArray());
    }

    private List<String> headers(Random r) {
        List<String> h = new ArrayList<>();
        switch (r.nextInt(6)) {
            case 0, 1 -> h.add("Authorization: Bearer " + credential(r) + "\r\n");
            case 2 -> h.add("Authorization: " + pick(r, new String[] {"Bearer", "Bearer ", "bearer  sk-" + hex(r, 64), "Basic YTpi",
                "Bearer sk-" + hex(r, 64) + " trailing", "Bearer\tsk-" + hex(r, 64), "Bearer " + "sk-".repeat(2000),
                "Bearer cashuB", "Bearer cashuA", "Bearer " + rawText(r, 40), "Bearer rat_" + hex(r, 43)}) + "\r\n");
            case 3 -> h.add("x-api-key: " + credential(r) + "\r\n");
            default -> {
            }
        }
        if (r.nextInt(6) == 0) {
            h.add("X-Cashu: " + (r.nextInt(5) == 0 ? rawText(r, 80) : token(r)) + "\r\n");
        }
        if (r.nextInt(10) == 0) {
            h.add("Refund-LNURL: " + pick(r, new String[] {"user@169.254.169.254", "user@10.0.0.1", "user@127.0.0.2:9",
                "user@localhost", "http://127.0.0.2/lnurlp/x", "lnurl1dp68gurn8ghj7", "@", "user@", rawText(r, 60), "a".repeat(9000)})
                  + "\r\n");
            if (r.nextBoolean()) {
                h.add("Key-Expiry-Time: " + pick(r, SCALARS).replace("\"", "") + "\r\n");
            }
        }
        if (r.nextInt(12) == 0) {
            h.add(pick(r, new String[] {"X-Routstr-Internal", "x-routstr-request-id", "X-Forwarded-For", "Cookie", "Origin",
                "X-CSRF-Token", "Transfer-Encoding", "Expect"}) + ": " + rawText(r, 40) + "\r\n");
        }
        if (r.nextInt(40) == 0) {
            h.add("X-Big: " + "a".repeat(4000 + r.nextInt(40_000)) + "\r\n");
        }
        if (r.nextInt(60) == 0) {
            for (int k = 0; k < 200 + r.nextInt(200); k++) {
                h.add("X-Many-" + k + ": v\r\n");
            }
        }
        return h;
    }

    private String credential(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "sk-" + hex(r, 64);
            case 1, 2 -> token(r);
            case 3 -> "sk-" + rawText(r, r.nextInt(80)).replace(" ", "");
            case 4 -> "cashu" + rawText(r, r.nextInt(100)).replace(" ", "");
            default -> pick(r, new String[] {"", "sk-", "cashuA", "cashuB", "null", "sk-" + "f".repeat(5000)});
        };
    }

    /** A token that cannot be redeemed: forged proofs (maybe next to genuine ones), foreign or bad mints, broken encodings. */
    String token(Random r) {
        List<Proof> ps = new ArrayList<>();
        if (r.nextInt(3) == 0) {
            ps.add(proofs.get(r.nextInt(proofs.size())));
        }
        int forged = 1 + r.nextInt(3);
        for (int k = 0; k < forged; k++) {
            ps.add(forged(r, proofs.get(r.nextInt(proofs.size()))));
        }
        String mint = MINTS[r.nextInt(MINTS.length)];
        Token t = new Token(mint == null ? mintUrl : mint, r.nextInt(8) == 0 ? pick(r, new String[] {"usd", "msat", "SAT"}) : "sat", ps);
        try {
            return switch (r.nextInt(8)) {
                case 0 -> TokenCodec.encodeV3(t).substring(0, 6 + r.nextInt(40));
                case 1 -> "cashuB" + b64(mutate(r, TokenCodec.cborV4(t), t.mint()));
                case 2 -> "cashuB" + b64(java.util.Arrays.copyOf(TokenCodec.cborV4(t), 1 + r.nextInt(TokenCodec.cborV4(t).length - 1)));
                case 3 -> "cashuA" + b64(("{\"token\":[{\"mint\":" + pick(r, SCALARS) + ",\"proofs\":" + pick(r, SCALARS) + "}]}")
                        .getBytes(StandardCharsets.UTF_8));
                case 4 -> "cashuA" + b64(("{\"token\":[{\"mint\":\"" + mintUrl + "\",\"proofs\":[{\"amount\":" + pick(r, SCALARS)
                                          + ",\"id\":" + pick(r, SCALARS) + ",\"secret\":\"s\",\"C\":\"02\"}]}],\"unit\":\"sat\"}")
                        .getBytes(StandardCharsets.UTF_8));
                case 5 -> TokenCodec.encodeV3(t);
                default -> TokenCodec.encodeV4(t);
            };
        } catch (RuntimeException e) {
            // a keyset id V4 cannot carry (not hex): V3 can
            return TokenCodec.encodeV3(t);
        }
    }

    private Proof forged(Random r, Proof p) {
        return switch (r.nextInt(7)) {
            case 0 -> new Proof(p.amount() * 2 + 1, p.id(), p.secret(), p.C(), p.witness(), p.dleq());
            case 1 -> new Proof(p.amount(), pick(r, new String[] {"00ffffffffffffff", "zz", "00", keyset + "00", "01" + "a".repeat(64)}),
                                p.secret(), p.C(), p.witness(), p.dleq());
            case 2 -> new Proof(Long.MAX_VALUE - r.nextInt(3), p.id(), p.secret(), p.C(), p.witness(), p.dleq());
            case 3 -> new Proof(p.amount(), p.id(), p.secret() + "x", p.C(), p.witness(), p.dleq());
            case 4 -> new Proof(p.amount(), p.id(), hex(r, 64), p.C(), null, null);
            case 5 -> {
                // a power-of-two amount the signature does not cover: never the proof's own, which would be the genuine proof
                long amount = 1L << (1 + r.nextInt(62));
                yield new Proof(amount == p.amount() ? amount << 1 : amount, p.id(), p.secret(), p.C(), p.witness(), p.dleq());
            }
            default -> new Proof(p.amount(), p.id(), p.secret(), "02" + hex(r, 64), p.witness(), p.dleq());
        };
    }

    /**
     * Mutates a few bytes, never those of the mint URL: a mutated URL can name another port of the loopback host the
     * operator allows in these tests, a mint the node rightly tries and answers 503 for when nothing listens there (as
     * the reference does), or a public address no test may contact. Bad mint URLs come from {@link #MINTS} instead.
     */
    private static byte[] mutate(Random r, byte[] cbor, String mint) {
        byte[] b = cbor.clone();
        byte[] url = mint.getBytes(StandardCharsets.UTF_8);
        int from = indexOf(b, url);
        int to = from < 0 ? -1 : from + url.length;
        for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
            int at = r.nextInt(b.length);
            while (at >= from && at < to) {
                at = r.nextInt(b.length);
            }
            b[at] = (byte) switch (r.nextInt(4)) {
                case 0 -> r.nextInt(256);
                case 1 -> 0xff;          // break code where none belongs
                case 2 -> 0x1b;          // an 8-byte length/integer follows
                default -> b[at] ^ (1 << r.nextInt(8));
            };
        }
        return b;
    }

    private byte[] json(Random r, String path) {
        String s = switch (r.nextInt(14)) {
            case 0 -> "{\"cashu_token\":\"" + token(r) + "\"}";
            case 1 -> "{\"cashu_token\":" + pick(r, SCALARS) + "}";
            case 2 -> "{\"amount_sats\":" + pick(r, SCALARS) + ",\"purpose\":" + pick(r, new String[] {"\"create\"", "\"topup\"", "1"})
                      + ",\"api_key\":" + pick(r, new String[] {"\"sk-" + hex(r, 64) + "\"", "null", "5"}) + "}";
            case 3 -> "{\"bolt11\":\"lnbc" + hex(r, r.nextInt(300)) + "\",\"invoice_id\":" + pick(r, SCALARS) + "}";
            case 4 -> "{\"count\":" + pick(r, SCALARS) + ",\"balance_limit\":" + pick(r, SCALARS) + ",\"balance_limit_reset\":"
                      + pick(r, SCALARS) + ",\"validity_date\":" + pick(r, SCALARS) + "}";
            case 5 -> "{\"amount\":" + pick(r, SCALARS) + ",\"child_key\":" + pick(r, SCALARS) + ",\"lnurl\":\"user@10.0.0.1\","
                      + "\"refund_address\":\"user@169.254.169.254\",\"key_expiry_time\":" + pick(r, SCALARS) + "}";
            case 6 -> "{\"model\":" + pick(r, new String[] {"\"standin-gpt\"", "\"nope\"", "1", "null", "\"" + "m".repeat(5000) + "\""})
                      + ",\"messages\":" + pick(r, new String[] {"[{\"role\":\"user\",\"content\":\"hi\"}]", "\"hi\"", "[1]", "{}",
                          "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":" + pick(r, SCALARS) + "}]}]"})
                      + ",\"max_tokens\":" + pick(r, SCALARS) + ",\"n\":" + pick(r, SCALARS) + ",\"stream\":" + pick(r, SCALARS) + "}";
            case 7 -> "{\"model\":\"standin-gpt\",\"input\":" + pick(r, SCALARS) + ",\"prompt\":" + pick(r, SCALARS)
                      + ",\"size\":" + pick(r, SCALARS) + ",\"voice\":" + pick(r, SCALARS) + "}";
            case 8 -> "{\"username\":" + pick(r, SCALARS) + ",\"password\":" + pick(r, new String[] {"\"wrong-password\"", "1", "null",
                "\"" + "p".repeat(20000) + "\""}) + "}";
            case 9 -> new String(garbage(r, r.nextInt(300)), StandardCharsets.ISO_8859_1);
            case 10 -> "{\"cashu_token\":\"" + token(r) + "\"".repeat(r.nextInt(3));
            case 11 -> "[" + pick(r, SCALARS) + "," + "{\"a\":".repeat(r.nextInt(3000)) + "]";
            case 12 -> "{\"model\":\"standin-gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(r.nextInt(200_000)) + "\"}]}";
            default -> "";
        };
        return s.getBytes(r.nextInt(10) == 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    private Case multipart(Random r) {
        String boundary = "b" + hex(r, 8);
        String declared = pick(r, new String[] {boundary, boundary, "", "\"" + boundary + "\"", "x".repeat(300), boundary + "; charset=x"});
        StringBuilder body = new StringBuilder();
        int parts = r.nextInt(4);
        for (int k = 0; k < parts; k++) {
            body.append("--").append(boundary).append("\r\n");
            switch (r.nextInt(5)) {
                case 0 -> body.append("Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n")
                        .append("RIFF").append(hex(r, r.nextInt(2000)));
                case 1 -> body.append("Content-Disposition: form-data; name=\"model\"\r\n\r\n").append(pick(r, new String[] {"standin-gpt",
                    "", "whisper-1", "\u0000"}));
                case 2 -> body.append("Content-Disposition: form-data\r\n\r\nnameless");
                case 3 -> body.append("Content-Disposition: form-data; name=\"cashu_token\"\r\n\r\n").append(token(r));
                default -> body.append("Content-Disposition: form-data; name=\"").append("n".repeat(r.nextInt(5000))).append("\"\r\n\r\nv");
            }
            body.append("\r\n");
        }
        if (r.nextInt(3) > 0) {
            body.append("--").append(boundary).append("--\r\n");
        }
        String path = pick(r, UPLOADS);
        return build(r, "multipart", "POST", path, "multipart/form-data; boundary=" + declared,
                     body.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    /** Broken framing: lying lengths, bad chunking, bad request lines, raw bytes in header names and values. */
    private Case framing(Random r) {
        String path = pick(r, JSON_POSTS);
        String s = switch (r.nextInt(8)) {
            case 0 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + pick(r, new String[] {"-1", "abc", "99999999999999999999",
                "5, 6", "+5"}) + "\r\nConnection: close\r\n\r\n{}";
            case 1 -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                      + pick(r, new String[] {"zz\r\n{}\r\n0\r\n\r\n", "ffffffffffff\r\n{}", "2\r\n{}\r\n0\r\n\r\n", "1;x=y\r\n{\r\n0\r\n\r\n"});
            case 2 -> pick(r, new String[] {"GET", "POST", "\u0001"}) + " " + pick(r, new String[] {"/v1/%zz", "//v1/wallet/info", "/v1/../admin/",
                "/" + "a".repeat(20000), "*", "/v1/wallet/info?x=%", "/v1/wallet/info#f", "/v1/\u00e9"}) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            case 3 -> "GET /v1/info HTTP/1.1\r\nHost: x\r\nX-Bad\u0000Name: v\r\nConnection: close\r\n\r\n";
            case 4 -> "GET /v1/wallet/info HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-\u00ff\u00fe" + hex(r, 60)
                      + "\r\nConnection: close\r\n\r\n";
            case 5 -> "GET /v1/info HTTP/1.1\r\nHost: x\r\n folded: header\r\nConnection: close\r\n\r\n";
            case 6 -> "GET /v1/info HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n";
            default -> "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                       + "Content-Length: 40\r\nConnection: close\r\n\r\n{}";
        };
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        if (r.nextInt(4) == 0) {
            // raw UTF-8 bytes in a header value, which java.net.http refuses to send
            b.reset();
            write(b, "GET /v1/wallet/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Cashu: ");
            b.writeBytes(("cashuB" + "é€".repeat(1 + r.nextInt(30))).getBytes(StandardCharsets.UTF_8));
            write(b, "\r\nRefund-LNURL: ");
            b.writeBytes("ü@ß.example".getBytes(StandardCharsets.UTF_8));
            write(b, "\r\n\r\n");
        }
        return new Case("framing", b.toByteArray());
    }

    private String pathParam(Random r, String path) {
        return path.contains("%s") ? String.format(path, r.nextBoolean() ? hex(r, 64) : rawText(r, 20).replaceAll("[^A-Za-z0-9]", "a") + "x")
                : path;
    }

    private String query(Random r, String path) {
        return r.nextInt(5) == 0 ? path + "?" + pick(r, new String[] {"model_id=" + hex(r, 10), "limit=-1", "limit=99999999999999",
            "cashu_token=" + token(r), "api_key=sk-" + hex(r, 64), "balance_limit=abc", "a=%ff%fe", "x"}) : path;
    }

    private static int indexOf(byte[] in, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= in.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (in[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] garbage(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Printable ASCII with some Latin-1 bytes (the front door and services must cope with either). */
    private static String rawText(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            sb.append((char) (r.nextInt(6) == 0 ? 0xa0 + r.nextInt(0x5f) : 0x21 + r.nextInt(0x5d)));
        }
        return sb.toString();
    }

    static String hex(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            sb.append(Character.forDigit(r.nextInt(16), 16));
        }
        return sb.toString();
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }

    private static void write(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
