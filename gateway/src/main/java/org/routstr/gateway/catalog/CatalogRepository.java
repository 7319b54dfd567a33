package org.routstr.gateway.catalog;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import javax.sql.DataSource;

import org.routstr.common.db.Db;

/**
 * Reads the enabled catalog and upserts the configured seeds into {@code providers} and {@code models}.
 */
public final class CatalogRepository {
    private static final String LOAD = """
            SELECT m.id, m.upstream_id, m.aliases, m.usd_per_m_input, m.usd_per_m_output, m.usd_per_request, m.usd_per_image,
                   m.usd_per_m_cache_read, m.usd_per_m_cache_write, m.context_length, m.max_completion_tokens,
                   m.description, m.architecture::text AS architecture,
                   p.id AS pid, p.slug, p.base_url, p.api_key_enc, p.fee, p.priority, p.api
              FROM models m JOIN providers p ON p.id = m.provider_id
             WHERE m.enabled AND p.enabled
             ORDER BY p.priority DESC, m.usd_per_m_input + m.usd_per_m_output, p.id""";
    private final DataSource ds;
    private final ProviderKeys keys;

    public CatalogRepository(DataSource ds, ProviderKeys keys) {
        this.ds = ds;
        this.keys = keys;
    }

    /** Every enabled route, best first (provider priority, then cheapest). */
    public List<Route> load() {
        return Db.withConnection(ds, c -> {
            List<Route> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(LOAD); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(route(rs));
                }
            }
            return out;
        });
    }

    /** Upserts the seeded providers and models (the configured fields win over earlier values). */
    public void seed(List<ProviderSeed> seeds) {
        Db.inTransaction(ds, c -> {
            for (ProviderSeed s : seeds) {
                long id = upsertProvider(c, s);
                for (ProviderSeed.ModelSeed m : s.models()) {
                    upsertModel(c, id, m);
                }
            }
            return null;
        });
    }

    private Route route(ResultSet rs) throws SQLException {
        Optional<String> key = Optional.ofNullable(rs.getString("api_key_enc")).map(keys::open);
        Provider p = new Provider(rs.getLong("pid"), rs.getString("slug"), stripSlash(rs.getString("base_url")), key,
                                  Optional.ofNullable(rs.getBigDecimal("fee")), rs.getInt("priority"), rs.getString("api"));
        ModelPrices prices = new ModelPrices(rs.getBigDecimal("usd_per_m_input"), rs.getBigDecimal("usd_per_m_output"),
                                             opt(rs, "usd_per_request"), opt(rs, "usd_per_image"), opt(rs, "usd_per_m_cache_read"),
                                             opt(rs, "usd_per_m_cache_write"));
        Array aliases = rs.getArray("aliases");
        return new Route(rs.getString("id"), rs.getString("upstream_id"), Arrays.asList((String[]) aliases.getArray()), p, prices,
                         optInt(rs, "context_length"), optInt(rs, "max_completion_tokens"),
                         Optional.ofNullable(rs.getString("description")), Optional.ofNullable(rs.getString("architecture")));
    }

    private long upsertProvider(Connection c, ProviderSeed s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO providers (slug, base_url, api_key_enc, enabled, fee, priority, api) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (slug) DO UPDATE SET base_url = excluded.base_url, api_key_enc = excluded.api_key_enc,
                       enabled = excluded.enabled, fee = excluded.fee, priority = excluded.priority, api = excluded.api,
                       updated_at = now()
                RETURNING id""")) {
            ps.setString(1, s.slug());
            ps.setString(2, s.baseUrl());
            ps.setString(3, s.apiKey().map(keys::seal).orElse(null));
            ps.setBoolean(4, s.enabled());
            ps.setBigDecimal(5, s.fee().orElse(null));
            ps.setInt(6, s.priority());
            ps.setString(7, s.api());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void upsertModel(Connection c, long providerId, ProviderSeed.ModelSeed m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO models (id, provider_id, upstream_id, aliases, enabled, usd_per_m_input, usd_per_m_output, usd_per_request,
                                    usd_per_image, usd_per_m_cache_read, usd_per_m_cache_write, context_length, max_completion_tokens,
                                    description, architecture)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT (id, provider_id) DO UPDATE SET upstream_id = excluded.upstream_id, aliases = excluded.aliases,
                       enabled = excluded.enabled, usd_per_m_input = excluded.usd_per_m_input,
                       usd_per_m_output = excluded.usd_per_m_output, usd_per_request = excluded.usd_per_request,
                       usd_per_image = excluded.usd_per_image, usd_per_m_cache_read = excluded.usd_per_m_cache_read,
                       usd_per_m_cache_write = excluded.usd_per_m_cache_write, context_length = excluded.context_length,
                       max_completion_tokens = excluded.max_completion_tokens, description = excluded.description,
                       architecture = excluded.architecture, updated_at = now()
                WHERE NOT models.custom""")) {
            ps.setString(1, m.id());
            ps.setLong(2, providerId);
            ps.setString(3, m.upstreamId());
            ps.setArray(4, c.createArrayOf("text", m.aliases().toArray()));
            ps.setBoolean(5, m.enabled());
            ps.setBigDecimal(6, m.prices().inputPerM());
            ps.setBigDecimal(7, m.prices().outputPerM());
            ps.setBigDecimal(8, m.prices().perRequest().orElse(null));
            ps.setBigDecimal(9, m.prices().perImage().orElse(null));
            ps.setBigDecimal(10, m.prices().cacheReadPerM().orElse(null));
            ps.setBigDecimal(11, m.prices().cacheWritePerM().orElse(null));
            setInt(ps, 12, m.contextLength());
            setInt(ps, 13, m.maxCompletionTokens());
            ps.setString(14, m.description().orElse(null));
            ps.setString(15, m.architecture().orElse(null));
            ps.executeUpdate();
        }
    }

    private static void setInt(PreparedStatement ps, int i, OptionalInt v) throws SQLException {
        if (v.isPresent()) {
            ps.setInt(i, v.getAsInt());
        } else {
            ps.setNull(i, Types.INTEGER);
        }
    }

    private static Optional<BigDecimal> opt(ResultSet rs, String col) throws SQLException {
        return Optional.ofNullable(rs.getBigDecimal(col));
    }

    private static OptionalInt optInt(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(v);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
