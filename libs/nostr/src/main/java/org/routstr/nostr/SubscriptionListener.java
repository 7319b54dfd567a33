package org.routstr.nostr;

/**
 * Receives a subscription's events (already checked: id and signature valid), its {@code EOSE} and {@code CLOSED}.
 */
public interface SubscriptionListener {
    void onEvent(String relay, Event event);

    default void onEose(String relay) {
    }

    default void onClosed(String relay, String message) {
    }
}
