/**
 * A stand-in OpenAI-compatible upstream: deterministic replies with real usage numbers, streaming too.
 */
package org.routstr.standin;
