package org.routstr.common.settings;

/**
 * A setting value that breaks its field's rule; {@link #field()} names the field (the admin API answers 400 with it).
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private final String field;

    public InvalidSettingException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
