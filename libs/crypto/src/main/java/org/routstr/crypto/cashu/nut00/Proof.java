package org.routstr.crypto.cashu.nut00;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.routstr.crypto.cashu.Bdhke;

/**
 * An ecash proof (a.k.a. input): amount, keyset id, secret string, unblinded signature C, optional witness and DLEQ.
 * {@code witness} and {@code dleq} may be null on the wire; use the Optional accessors.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/00.md">NUT-00</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Proof(long amount, String id, String secret, @JsonProperty("C") String C, String witness, DleqProof dleq) {
    /** Checks the invariants of a proof. */
    public Proof {
        if (amount <= 0) {
            throw new IllegalArgumentException("proof amount must be positive");
        }
        if (id == null || id.isEmpty() || secret == null || secret.isEmpty() || C == null || C.isEmpty()) {
            throw new IllegalArgumentException("proof needs id, secret and C");
        }
    }

    /** A proof without witness and DLEQ. */
    public Proof(long amount, String id, String secret, String C) {
        this(amount, id, secret, C, null, null);
    }

    /** The witness JSON string, if any. */
    public Optional<String> witnessJson() {
        return Optional.ofNullable(witness);
    }

    /** The DLEQ proof, if any. */
    public Optional<DleqProof> dleqProof() {
        return Optional.ofNullable(dleq);
    }

    /** The proof as sent to a mint: never reveal r (it links issuance to redemption). */
    public Proof withoutDleq() {
        return dleq == null ? this : new Proof(amount, id, secret, C, witness, null);
    }

    /** Y = hash_to_curve(secret), compressed hex, for NUT-07. */
    @JsonIgnore
    public String y() {
        return Bdhke.y(secret);
    }

    @Override
    public String toString() {
        // secrets are bearer money: never print them
        return "Proof[amount=" + amount + ", id=" + id + "]";
    }
}
