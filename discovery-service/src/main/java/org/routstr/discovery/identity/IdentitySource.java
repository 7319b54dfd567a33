package org.routstr.discovery.identity;

/**
 * Where discovery reads the node's identity. The one seam to rewire onto the shared live settings (libs/common
 * {@code LiveSettings}) at merge: implement {@link #current()} from its snapshot and decrypt {@code nostr-nsec} with
 * {@link NsecVault}.
 */
public interface IdentitySource {
    /** The identity now; called at every announcement and every {@code /v1/providers} answer. */
    Identity current();
}
