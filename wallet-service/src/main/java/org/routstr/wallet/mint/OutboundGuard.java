package org.routstr.wallet.mint;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.spi.DnsResolver;

/**
 * The only way the wallet reaches a URL a client chose (a foreign mint inside a token, a Lightning address or LNURL):
 * {@code https} only, and every address the host resolves to must be public (no loopback, private, carrier-grade NAT,
 * link-local and cloud metadata, multicast, unspecified or reserved ones), unless the operator allows the host in
 * {@code wallet.allowed-hosts}. It is also the DNS resolver of those clients, so the address actually connected to is the
 * checked one (no rebinding between check and connect); redirects are never followed. A refusal is one answer, whether
 * the host exists or not, so it reveals nothing about the network behind the node.
 */
public final class OutboundGuard implements DnsResolver {
    /** The one refusal message. */
    static final String REFUSED = "destination not allowed";
    private final Set<String> allowed;

    public OutboundGuard(Set<String> allowedHosts) {
        this.allowed = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Checks a client-chosen URL before any request; unchecked {@link Refused} when it may not be contacted. */
    public URI check(String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new Refused();
        }
        String host = uri.getHost();
        if (host == null || uri.getRawUserInfo() != null) {
            throw new Refused();
        }
        boolean ok = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && allowed(host);
        if (!ok) {
            throw new Refused();
        }
        resolve(host);
        return uri;
    }

    /** Whether the operator allowed this host (by name or literal address). */
    boolean allowed(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return allowed.contains(h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
    }

    @Override
    public boolean useDefaultJavaResolver() {
        return false;
    }

    @Override
    public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
        try {
            return resolve(hostname);
        } catch (Refused e) {
            // an UnknownHostException cause: clients classify it as "never sent"
            throw new UncheckedIOException(new UnknownHostException(REFUSED));
        }
    }

    private InetAddress resolve(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(h);
        } catch (UnknownHostException | SecurityException e) {
            throw new Refused();
        }
        if (!allowed(h)) {
            for (InetAddress a : all) {
                if (forbidden(a)) {
                    throw new Refused();
                }
            }
        }
        return all[0];
    }

    /** True for any address a stranger must not make the node contact. */
    static boolean forbidden(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
            || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            boolean mapped = b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0
                             && b[8] == 0 && b[9] == 0 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean compat = java.util.Arrays.equals(java.util.Arrays.copyOf(b, 12), new byte[12]);
            if (mapped || compat) {
                return forbiddenV4(b[12] & 0xff, b[13] & 0xff, b[14] & 0xff);
            }
            int first = b[0] & 0xff;
            return (first & 0xfe) == 0xfc /* fc00::/7 unique local, fd00:ec2::254 metadata */
                   || first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8 /* documentation */
                   || first == 0x20 && (b[1] & 0xff) == 0x02 /* 6to4 may embed any v4 */
                   || first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b; /* NAT64 */
        }
        return a instanceof Inet4Address && forbiddenV4(b[0] & 0xff, b[1] & 0xff, b[2] & 0xff);
    }

    private static boolean forbiddenV4(int a, int b, int c) {
        return a == 0 || a == 10 || a == 127 || a >= 224 /* multicast, reserved, broadcast */
               || a == 100 && b >= 64 && b < 128 /* carrier-grade NAT */
               || a == 169 && b == 254 /* link-local, cloud metadata */
               || a == 172 && b >= 16 && b < 32 || a == 192 && b == 168
               || a == 192 && b == 0 && (c == 0 || c == 2) || a == 198 && (b == 18 || b == 19) || a == 198 && b == 51 && c == 100
               || a == 203 && b == 0 && c == 113;
    }

    /** The URL may not be contacted (one message for every reason). */
    public static final class Refused extends RuntimeException {
        Refused() {
            super(REFUSED);
        }
    }
}
