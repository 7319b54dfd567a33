package org.routstr.crypto.cashu.nut07;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One state entry: Y (compressed hex), state, optional witness.
 *
 * @see <a href="https://github.com/cashubtc/nuts/blob/main/07.md">NUT-07</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProofState(@JsonProperty("Y") String Y, ProofStateValue state, String witness) {
}
