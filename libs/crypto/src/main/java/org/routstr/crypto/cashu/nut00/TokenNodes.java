package org.routstr.crypto.cashu.nut00;

import com.fasterxml.jackson.databind.JsonNode;
import org.routstr.crypto.Hex;
import org.routstr.crypto.cashu.nut00.InvalidTokenException.Reason;

/** Field extraction from decoded token trees that turns every shape error into an {@link InvalidTokenException}. */
final class TokenNodes {
    private TokenNodes() {
    }

    static JsonNode object(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw new InvalidTokenException(Reason.MISSING_FIELD, "'" + field + "' must be an object");
        }
        return n;
    }

    static JsonNode array(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isArray()) {
            throw new InvalidTokenException(Reason.MISSING_FIELD, "'" + field + "' must be an array");
        }
        return n;
    }

    static String text(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual()) {
            throw new InvalidTokenException(Reason.MISSING_FIELD, "'" + field + "' must be a string");
        }
        return n.textValue();
    }

    static String optionalText(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidTokenException(Reason.MISSING_FIELD, "'" + field + "' must be a string");
        }
        return n.textValue();
    }

    static long amount(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isIntegralNumber()) {
            throw new InvalidTokenException(Reason.MISSING_FIELD, "'" + field + "' must be an integer");
        }
        if (!n.canConvertToLong() || n.longValue() <= 0) {
            throw new InvalidTokenException(Reason.INVALID_AMOUNT, "amount must be in 1..2^63-1");
        }
        return n.longValue();
    }

    /** Bytes of a CBOR byte string, as lowercase hex. */
    static String bytesHex(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isBinary()) {
            throw new InvalidTokenException(Reason.MISSING_FIELD, "'" + field + "' must be a byte string");
        }
        try {
            return Hex.encode(n.binaryValue());
        } catch (java.io.IOException e) {
            throw new InvalidTokenException(Reason.BAD_CBOR, "unreadable byte string '" + field + "'", e);
        }
    }

    static void requireHex(String value, String field) {
        if (!Hex.isHex(value)) {
            throw new InvalidTokenException(Reason.INVALID_FIELD, "'" + field + "' must be hex");
        }
    }
}
