package org.routstr.nostr;

/**
 * What one relay said about one published event.
 *
 * @param message the relay's {@code OK} message ({@code "duplicate: …"}, {@code "blocked: …"}), or why there was none
 */
public record PublishResult(String relay, String eventId, Status status, String message) {
    /** ACCEPTED: {@code OK true}; REJECTED: {@code OK false}; TIMEOUT: no {@code OK} in time; UNREACHABLE: never connected. */
    public enum Status { ACCEPTED, REJECTED, TIMEOUT, UNREACHABLE }

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }
}
