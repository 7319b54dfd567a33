package org.routstr.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers that keep their port across restarts (a broker, a cluster's services). They come from below
 * Linux's ephemeral range (32768–60999), so no outgoing connection on this machine is given one of them while its server
 * is down between a kill and its restart; a port bound with port 0 comes from that range, and an outgoing connection took
 * one in a cluster start ("Address already in use").
 */
public final class FixedPorts {
    private static final int FROM = 20_000;
    private static final int TO = 32_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FixedPorts() {
    }

    /** A port in 20000–31999 that is free now and not handed out before by this JVM. */
    public static int next() {
        for (int i = 0; i < 1_000; i++) {
            int port = ThreadLocalRandom.current().nextInt(FROM, TO);
            if (!HANDED_OUT.contains(port) && free(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port in " + FROM + "-" + (TO - 1));
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
