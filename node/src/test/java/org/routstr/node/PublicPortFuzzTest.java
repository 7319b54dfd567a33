package org.routstr.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.routstr.common.kafka.KafkaSettings;
import org.routstr.crypto.cashu.client.CashuWallet;
import org.routstr.crypto.cashu.client.MintClient;
import org.routstr.crypto.cashu.nut00.Proof;
import org.routstr.crypto.cashu.nut07.ProofStateValue;
import org.routstr.testsupport.RealInfra;
import org.routstr.testsupport.TestDb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

/**
 * Issue 12's abuse test: seeded fuzz cases over every route of the node's public port (gateway, and through it wallet,
 * admin login and discovery) on many concurrent connections. No 5xx, every error the JSON envelope, and no money moved:
 * ledger, balances, reservations and wallet proofs unchanged, the genuine proofs the cases carry still unspent, the mint saw
 * no swap, mint or melt. {@code -Droutstr.fuzz.seed}, {@code -Droutstr.fuzz.cases}, {@code -Droutstr.fuzz.connections}
 * repeat or enlarge a run ({@code bench/security/run.sh}).
 */
@RealInfra
class PublicPortFuzzTest {
    private static InProcessNode node;
    private static List<Proof> genuine;
    private static String fundedKey;

    @BeforeAll
    static void start(TestDb db, KafkaSettings kafka, @TempDir Path dir) {
        node = InProcessNode.start(db, kafka, dir, Map.of("billing.consumer.group", "billing-fuzz"));
        genuine = node.mint().mintProofs(1000);
        Http.Reply created = Http.post(node.url() + "/v1/wallet/create", null, Map.of("cashu_token", node.mint().mintToken(300)));
        assertThat(created.body(), created.status(), is(200));
        fundedKey = created.json().get("api_key").asText();
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** The fuzz cases that found 500s (seed 1: cases 55, 264, 327, 845, 946 and kin; bench seed 12: 36147), pinned: now 400s. */
    @Test
    void theCasesThatGot500sGet400s() throws Exception {
        String[] found = {
            "G\u00c9T /v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "\u0001 /v1/\u00e9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /v1/info HTTP/1.1\r\nHost: x\r\nX-Bad\u0000Name: v\r\nConnection: close\r\n\r\n",
            "POST /admin/api/settings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nffffffffffff\r\n{}",
            "POST /v1/balance/donate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n1;x=y\r\n{\r\n0\r\n\r\n",
            // bench seed 12, case 36147: a NUL in the admin user name reached PostgreSQL
            "POST /admin/api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 36\r\n"
            + "Connection: close\r\n\r\n{\"username\":\"\\u0000\",\"password\":\"p\"}",
            "HEAD /v1/wallet/refund HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        };
        try (RawHttp http = new RawHttp(node.port())) {
            for (String raw : found) {
                RawHttp.Reply r = http.sendAlone(raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                assertThat(raw + " -> " + r.text(), r.status(), is(400));
                if (!raw.startsWith("HEAD")) {
                    assertThat(raw + " -> " + r.text(), org.routstr.common.json.Json.mapper().readTree(r.body()).at("/error/message").isTextual(),
                               is(true));
                }
            }
        }
    }

    @Test
    void noCaseGetsA5xxOrMovesMoney() throws Exception {
        long seed = Long.getLong("routstr.fuzz.seed", System.currentTimeMillis());
        int cases = Integer.getInteger("routstr.fuzz.cases", 20_000);
        int connections = Integer.getInteger("routstr.fuzz.connections", 48);
        System.out.println("PublicPortFuzzTest seed=" + seed + " cases=" + cases + " (-Droutstr.fuzz.seed=" + seed + " repeats it)");
        String money = node.money();
        String books = node.mint().books();

        FuzzRun run = FuzzRun.run(new FuzzCases(genuine, node.mint().url(), fundedKey), node.port(), seed, cases, connections);
        System.out.println("PublicPortFuzzTest " + run.figures());
        System.out.println("PublicPortFuzzTest time by kind " + run.slowest(12));

        assertThat("seed " + seed, run.failures(), is(empty()));
        assertThat(run.sent(), is(cases));
        assertThat("every case answered", run.histogram().values().stream().mapToLong(Long::longValue).sum(),
                   greaterThanOrEqualTo((long) cases));
        assertThat("seed " + seed + ": money moved", node.money(), is(money));
        assertThat("seed " + seed + ": the mint swapped, minted or melted", node.mint().books(), is(books));
        List<ProofStateValue> states = new CashuWallet(MintClient.create(node.mint().url())).checkState(genuine).stream()
                .map(s -> s.state()).distinct().toList();
        assertThat("seed " + seed + ": the genuine proofs", states, is(List.of(ProofStateValue.UNSPENT)));
        Http.Reply info = Http.get(node.url() + "/v1/wallet/balance", fundedKey);
        assertThat(info.body(), info.json().get("balance").asLong(), is(300_000L));
    }
}
