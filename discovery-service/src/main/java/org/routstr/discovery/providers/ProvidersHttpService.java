package org.routstr.discovery.providers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.discovery.announce.AnnounceStatus;
import org.routstr.discovery.identity.Identity;
import org.routstr.nostr.Keys;
import org.routstr.nostr.Nip19;

/**
 * {@code GET /v1/providers} (307 to {@code /v1/providers/}, as routstr-core) and {@code GET /v1/providers/?include_json=&pubkey=}:
 * {@code {"providers":[...]}}, the node's own entry first, then the healthy nodes found on the relays.
 */
public final class ProvidersHttpService implements HttpService {
    private final ProviderDirectory directory;
    private final Supplier<Identity> identity;
    private final Supplier<AnnounceStatus> status;
    private final boolean enabled;

    public ProvidersHttpService(ProviderDirectory directory, Supplier<Identity> identity, Supplier<AnnounceStatus> status,
                                boolean enabled) {
        this.directory = directory;
        this.identity = identity;
        this.status = status;
        this.enabled = enabled;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/providers", this::redirect)
                .get("/v1/providers/", this::list);
    }

    private void redirect(ServerRequest req, ServerResponse res) {
        String q = req.query().rawValue();
        res.status(Status.TEMPORARY_REDIRECT_307).header(HeaderNames.LOCATION, "/v1/providers/" + (q.isEmpty() ? "" : "?" + q)).send();
    }

    private void list(ServerRequest req, ServerResponse res) {
        if (!enabled) {
            throw new ApiException(404, "not_found", "providers_disabled", "Provider discovery is disabled");
        }
        boolean includeJson = req.query().first("include_json").map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(false);
        Optional<String> pubkey = req.query().first("pubkey").filter(s -> !s.isBlank()).map(ProvidersHttpService::hexPubkey);
        Identity id = identity.get();
        String own = id.keys().map(Keys::pubkey).orElse("");
        List<ProviderDirectory.Entry> entries = new ArrayList<>();
        self(id, status.get()).ifPresent(entries::add);
        entries.addAll(directory.healthy(own));
        ObjectNode body = Json.object();
        ArrayNode out = body.putArray("providers");
        entries.stream().filter(e -> pubkey.map(p -> p.equals(e.provider().pubkey())).orElse(true)).forEach(e -> {
            if (includeJson) {
                ObjectNode n = out.addObject();
                n.set("provider", Json.mapper().valueToTree(e.provider()));
                n.set("health", Json.mapper().valueToTree(e.health().orElseThrow()));
            } else {
                out.add(Json.mapper().valueToTree(e.provider()));
            }
        });
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.bytes(body));
    }

    /** This node as a provider: its published listing, or what it would publish; absent without an endpoint. */
    private static Optional<ProviderDirectory.Entry> self(Identity id, AnnounceStatus status) {
        Optional<Provider> published = status.event().flatMap(Provider::parse);
        if (published.isPresent()) {
            return Optional.of(new ProviderDirectory.Entry(published.get(), Optional.of(new Health(200, "self", null))));
        }
        if (id.endpoints().isEmpty()) {
            return Optional.empty();
        }
        String pubkey = id.keys().map(Keys::pubkey).orElse("");
        String d = id.providerId().orElse(pubkey.isEmpty() ? "" : pubkey.substring(0, 12));
        ObjectNode content = Json.object().put("name", id.name()).put("about", id.about());
        Provider p = new Provider(d, pubkey, Instant.now().getEpochSecond(), 38421, id.endpoints().get(0), id.endpoints(), id.name(),
                                  id.about(), id.mints(), id.version(), Json.string(content));
        return Optional.of(new ProviderDirectory.Entry(p, Optional.of(new Health(200, "self", null))));
    }

    private static String hexPubkey(String s) {
        try {
            return s.startsWith("npub1") ? Nip19.decode32(s, "npub") : Nip19.decode32(Nip19.npub(s.toLowerCase()), "npub");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_pubkey", "pubkey must be 64 hex characters or an npub");
        }
    }

}
