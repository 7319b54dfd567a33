package org.routstr.common.logs;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class RedactorTest {
    @Test
    void removesKeysTokensNsecsBearersAndPasswords() {
        assertThat(Redactor.redact("key sk-0123456789abcdef0123 failed"), is("key sk-[REDACTED] failed"));
        assertThat(Redactor.redact("token cashuBo2FteCJodHRwczovL21pbnQ paid"), is("token cashuB[REDACTED] paid"));
        assertThat(Redactor.redact("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5"), is("nsec1[REDACTED]"));
        assertThat(Redactor.redact("Authorization: Bearer abc.def"), is("Authorization: Bearer [REDACTED]"));
        assertThat(Redactor.redact("{\"password\":\"hunter22\"}"), is("{\"password\":\"[REDACTED]\"}"));
        assertThat(Redactor.redact("admin token rat_AbCdEfGhIjKlMnOp"), is("admin token rat_[REDACTED]"));
        assertThat(Redactor.redact("nothing secret, 42 sats"), is("nothing secret, 42 sats"));
    }
}
