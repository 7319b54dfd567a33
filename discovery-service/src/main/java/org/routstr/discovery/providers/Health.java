package org.routstr.discovery.providers;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The last health check of a provider, in routstr-core's shape.
 *
 * @param endpoint {@code info}, {@code models}, {@code root} (which path answered), {@code error} (none did), {@code self}
 */
public record Health(@JsonProperty("status_code") int statusCode, String endpoint, JsonNode json) {
    public boolean healthy() {
        return !"error".equals(endpoint);
    }
}
