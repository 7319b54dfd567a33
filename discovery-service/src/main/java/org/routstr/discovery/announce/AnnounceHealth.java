package org.routstr.discovery.announce;

import java.util.function.Supplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

import org.routstr.discovery.identity.Identity;
import org.routstr.nostr.Keys;
import org.routstr.nostr.PublishResult;

/**
 * The {@code nostr} health check: always UP (the service runs without a key), with details that say whether the node
 * publishes, with which npub (never the nsec), and what the relays answered last.
 */
public final class AnnounceHealth implements HealthCheck {
    private final Supplier<Identity> identity;
    private final Supplier<AnnounceStatus> status;

    public AnnounceHealth(Supplier<Identity> identity, Supplier<AnnounceStatus> status) {
        this.identity = identity;
        this.status = status;
    }

    @Override
    public String name() {
        return "nostr";
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.LIVENESS;
    }

    @Override
    public HealthCheckResponse call() {
        Identity id = identity.get();
        AnnounceStatus s = status.get();
        HealthCheckResponse.Builder b = HealthCheckResponse.builder().status(true)
                .detail("nsec", id.nsecState())
                .detail("publishing", id.keys().isPresent() ? "on" : "off: no nsec, nothing is published")
                .detail("npub", id.keys().map(Keys::npub).orElse(""))
                .detail("announcement", s.state())
                .detail("announced-at", s.at().toString())
                .detail("relays", String.join(",", id.relays()));
        s.event().ifPresent(e -> b.detail("event-id", e.id()));
        b.detail("accepted-by", s.results().stream().filter(PublishResult::accepted).map(PublishResult::relay).toList().toString());
        return b.build();
    }
}
