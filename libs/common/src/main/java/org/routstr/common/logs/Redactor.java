package org.routstr.common.logs;

import java.util.regex.Pattern;

/**
 * Removes secrets from log text before it leaves the process: API keys ({@code sk-…}), Cashu tokens ({@code cashuA…},
 * {@code cashuB…}), Nostr secret keys ({@code nsec1…}), bearer credentials, admin API tokens and {@code password=…} pairs.
 * A short prefix stays so a record can still be correlated.
 */
public final class Redactor {
    private static final Pattern SECRETS = Pattern.compile(
            "(sk-|cashu[AB]|nsec1|rat_)[A-Za-z0-9_\\-+/=]{8,}|(?i)(bearer\\s+)[^\\s\"',;]+|(?i)(password\"?\\s*[:=]\\s*\"?)[^\\s\"',;]+");

    private Redactor() {
    }

    /** {@code text} with every secret replaced by its kind and {@code [REDACTED]}. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        return SECRETS.matcher(text).replaceAll(m -> {
            String kind = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            return java.util.regex.Matcher.quoteReplacement(kind + "[REDACTED]");
        });
    }
}
