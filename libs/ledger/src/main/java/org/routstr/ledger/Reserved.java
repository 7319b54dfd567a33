package org.routstr.ledger;

/**
 * A reservation attempt's outcome and what the paying account had available right after it, read in the same
 * transaction ({@code ledger_reserve_seeing}, migration V180): this reservation already held; never below zero; 0 for an
 * unknown key.
 */
public record Reserved(ReserveResult outcome, long availableMsat) {
}
