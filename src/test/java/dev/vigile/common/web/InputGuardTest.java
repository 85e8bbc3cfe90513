package dev.vigile.common.web;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigile.common.problem.ApplicationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strict JSON (issue 33, point 11), decided without a server. */
class InputGuardTest {
    /** A body class as the resources declare them: public fields. */
    public static final class Body {
        public String email;
        public List<String> roles;
        public Boolean enabled;
        public Integer size;
    }

    private static String refusedField(String json) {
        ApplicationException e = assertThrows(
                ApplicationException.class,
                () -> InputGuard.scan(json.getBytes(StandardCharsets.UTF_8), Body.class),
                json);
        return e.errors().get(0).field() + ": " + e.errors().get(0).message();
    }

    @Test
    void aKeyGivenTwiceIsRefusedAtAnyDepth() {
        assertEquals("email: is given more than once", refusedField("{\"email\":\"a@b.c\",\"email\":\"d@e.f\"}"));
        assertEquals("x.k: is given more than once", refusedField("{\"x\":{\"k\":1,\"k\":2}}"));
        assertDoesNotThrow(
                () -> InputGuard.scan("{\"x\":{\"k\":1},\"y\":{\"k\":1}}".getBytes(StandardCharsets.UTF_8), Body.class),
                "the same key in two objects");
    }

    @Test
    void aValueOfTheWrongJsonTypeIsRefusedNotCoerced() {
        assertEquals("email: must be a string", refusedField("{\"email\":12}"));
        assertEquals("email: must be a string", refusedField("{\"email\":true}"));
        assertEquals("email: must be a string", refusedField("{\"email\":[\"a\"]}"));
        assertEquals("roles: must be an array", refusedField("{\"roles\":\"ADMIN\"}"));
        assertEquals("enabled: must be true or false", refusedField("{\"enabled\":\"false\"}"));
        assertDoesNotThrow(() -> InputGuard.scan(
                "{\"email\":null,\"roles\":[\"A\"],\"enabled\":false,\"size\":3}".getBytes(StandardCharsets.UTF_8),
                Body.class));
    }

    @Test
    void whatTheGuardRefusesIsNamedBeforeATypeMismatch() {
        assertEquals("roles: must not contain NUL characters", refusedField("{\"email\":1,\"roles\":\"a\\u0000b\"}"));
    }

    @Test
    void aBodyThatIsNotUtf8IsRefused() {
        byte[] latin1 = "{\"email\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        ApplicationException e = assertThrows(ApplicationException.class, () -> InputGuard.utf8(latin1));
        assertEquals("body", e.errors().get(0).field());
        assertDoesNotThrow(() -> InputGuard.utf8("{\"email\":\"café\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void mediaTypesAreMatchedInAnyCase() {
        assertEquals("application/json", MediaTypeCase.lowerTypeAndSubtype("Application/JSON"));
        assertEquals(
                "application/json; charset=UTF-8",
                MediaTypeCase.lowerTypeAndSubtype("APPLICATION/JSON; charset=UTF-8"));
    }
}
