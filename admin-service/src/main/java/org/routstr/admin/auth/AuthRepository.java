package org.routstr.admin.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/**
 * Admin accounts, sessions, API tokens and login failures, through named statements (Helidon DB Client).
 */
final class AuthRepository {
    private final DbClient db;

    AuthRepository(DbClient db) {
        this.db = db;
    }

    record User(String username, String passwordHash, boolean mustChange) {
    }

    record Session(String username, String csrf, boolean mustChange) {
    }

    Optional<User> user(String username) {
        return db.execute().createNamedGet("user-get").addParam("username", username).execute().map(r -> new User(r.column("username").get(String.class),
                r.column("password_hash").get(String.class), r.column("must_change").get(Boolean.class)));
    }

    long userCount() {
        return db.execute().namedGet("user-count").orElseThrow().column("n").get(Long.class);
    }

    boolean createUser(String username, String hash, boolean mustChange) {
        return db.execute().createNamedInsert("user-create")
                       .params(Map.of("username", username, "hash", hash, "must_change", mustChange)).execute() == 1;
    }

    void setPassword(String username, String hash) {
        db.execute().createNamedUpdate("user-set-password").params(Map.of("username", username, "hash", hash)).execute();
    }

    void createSession(String idHash, String username, String csrf, long absoluteSecs) {
        db.execute().createNamedInsert("session-create").params(Map.of("id_hash", idHash, "username", username, "csrf", csrf,
                                                                       "absolute_secs", absoluteSecs)).execute();
    }

    /** Records a NIP-98 event id as used (pruning old ones); false when it was used before. */
    boolean useNostrEvent(String eventId) {
        db.execute().createNamedDelete("nostr-event-prune").execute();
        return db.execute().createNamedInsert("nostr-event-use").addParam("id", eventId).execute() == 1;
    }

    Optional<Session> session(String idHash, long idleSecs) {
        return db.execute().createNamedGet("session-get").params(Map.of("id_hash", idHash, "idle_secs", idleSecs)).execute()
                .map(r -> new Session(r.column("username").get(String.class), r.column("csrf_token").get(String.class),
                                      r.column("must_change").get(Boolean.class)));
    }

    void touchSession(String idHash) {
        db.execute().createNamedUpdate("session-touch").addParam("id_hash", idHash).execute();
    }

    void deleteSession(String idHash) {
        db.execute().createNamedDelete("session-delete").addParam("id_hash", idHash).execute();
    }

    void deleteOtherSessions(String username, String keepHash) {
        db.execute().createNamedDelete("session-delete-others").params(Map.of("username", username, "id_hash", keepHash)).execute();
    }

    void createToken(String name, String hash, String preview, String createdBy, int days) {
        db.execute().createNamedInsert("token-create").params(Map.of("name", name, "hash", hash, "preview", preview,
                                                                     "created_by", createdBy, "days", days)).execute();
    }

    Optional<Long> tokenId(String hash) {
        return db.execute().createNamedGet("token-get").addParam("hash", hash).execute().map(r -> r.column("id").get(Long.class));
    }

    void touchToken(long id) {
        db.execute().createNamedUpdate("token-touch").addParam("id", id).execute();
    }

    List<DbRow> tokens() {
        return db.execute().namedQuery("token-list").toList();
    }

    boolean revokeToken(long id) {
        return db.execute().createNamedUpdate("token-revoke").addParam("id", id).execute() == 1;
    }

    /** Until when the account or the address is locked, if it is. */
    Optional<java.sql.Timestamp> lockedUntil(String user, String addr) {
        return db.execute().createNamedGet("failure-locked").params(Map.of("user", user, "addr", addr)).execute()
                .flatMap(r -> Optional.ofNullable(r.column("until").get(java.sql.Timestamp.class)));
    }

    void recordFailure(String subject, int threshold, int maxSecs) {
        db.execute().createNamedInsert("failure-record").params(Map.of("subject", subject, "threshold", threshold,
                                                                       "max_secs", maxSecs)).execute();
    }

    void clearFailures(String user, String addr) {
        db.execute().createNamedDelete("failure-clear").params(Map.of("user", user, "addr", addr)).execute();
    }
}
