package org.routstr.admin.settings;

import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.routstr.admin.Http;
import org.routstr.admin.auth.Admin;
import org.routstr.common.events.ControlEvent;
import org.routstr.common.http.ApiException;
import org.routstr.common.json.Json;
import org.routstr.common.kafka.ControlBus;
import org.routstr.common.settings.InvalidSettingException;
import org.routstr.common.settings.LiveSettings;
import org.routstr.common.settings.SettingField;

/**
 * {@code /admin/api/settings}: GET every field (secrets redacted), PATCH a partial object of fields. Each value is
 * validated (400 naming the field), stored and audited in one transaction, then {@code settings.changed} tells every
 * replica of every service to re-read.
 */
public final class SettingsHttpService implements HttpService {
    static final String REDACTED = "[REDACTED]";
    private final SettingsRepository repo;
    private final ControlBus bus;
    private final Nsec nsec;

    public SettingsHttpService(io.helidon.dbclient.DbClient db, ControlBus bus, org.routstr.admin.Sealer sealer) {
        this.repo = new SettingsRepository(db);
        this.bus = bus;
        this.nsec = new Nsec(sealer);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::get).patch("/", this::patch).put("/", this::patch);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Http.ok(req, res, view(repo.stored()));
    }

    private void patch(ServerRequest req, ServerResponse res) {
        Admin admin = Admin.of(req);
        ObjectNode body = Http.body(req);
        Map<String, JsonNode> stored = repo.stored();
        Map<SettingField, JsonNode> changes = new EnumMap<>(SettingField.class);
        ObjectNode before = Json.object();
        ObjectNode after = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            SettingField f = SettingField.byKey(e.getKey()).orElseThrow(() -> invalid(e.getKey(), "unknown setting " + e.getKey()));
            JsonNode value = validated(f, e.getValue());
            changes.put(f, value);
            before.set(f.key(), shown(f, Optional.ofNullable(stored.get(f.key())).orElse(f.defaultValue())));
            after.set(f.key(), f.secret() ? TextNode.valueOf(value.asText().isEmpty() ? "" : "[CHANGED]") : value);
        }
        if (!changes.isEmpty()) {
            repo.update(changes, before, after, admin.actor(), Http.address(req));
            bus.publish(ControlEvent.of(LiveSettings.CHANGED, "settings", Map.of("fields", after.properties().stream()
                    .map(Map.Entry::getKey).toList())));
        }
        Http.ok(req, res, view(repo.stored()));
    }

    private JsonNode validated(SettingField f, JsonNode v) {
        try {
            if (f == SettingField.NOSTR_NSEC) {
                if (!v.isTextual()) {
                    throw new InvalidSettingException(f.key(), f.key() + " must be a string");
                }
                return TextNode.valueOf(nsec.seal(v.asText()));
            }
            return f.validate(v);
        } catch (InvalidSettingException e) {
            throw invalid(e.field(), e.getMessage());
        }
    }

    private static ObjectNode view(Map<String, JsonNode> stored) {
        ObjectNode out = Json.object();
        for (SettingField f : SettingField.values()) {
            out.set(f.key(), shown(f, Optional.ofNullable(stored.get(f.key())).orElse(f.defaultValue())));
        }
        return out;
    }

    private static JsonNode shown(SettingField f, JsonNode v) {
        return f.secret() ? TextNode.valueOf(v.asText().isEmpty() ? "" : REDACTED) : v;
    }

    private static ApiException invalid(String field, String message) {
        return new ApiException(400, "invalid_request_error", "invalid_setting", message, Map.of("field", field));
    }
}
