package org.routstr.ledger;

/**
 * What a settlement charged, and the part of the real cost the account could not pay (an overrun the node absorbs and the
 * admin sees in the ledger's {@code unpaid_msat}).
 */
public record Settlement(long chargedMsat, long unpaidMsat) {
}
