package dev.vigile.common.web;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A JSON merge-patch body (RFC 7396): a member that is absent leaves the field alone, {@code null}
 * clears it. Only the listed members may appear; any other is refused like an unknown property,
 * so that a body naming {@code roles} or {@code enabled} where they may not be set changes nothing.
 */
public final class PatchBody {
    private final JsonObject body;
    private final List<Problem.FieldError> errors = new ArrayList<>();

    private PatchBody(JsonObject body) {
        this.body = body;
    }

    /** Parses the body text; anything but a readable JSON object is a 400. */
    public static PatchBody parse(String text, Set<String> allowed) {
        if (text == null || text.isBlank()) {
            throw ApplicationException.badRequest("The body must be a JSON object.");
        }
        JsonValue value;
        try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.StringReader(text))) {
            value = reader.readValue();
        } catch (RuntimeException e) {
            // Malformed, or nested too deep for the parser: the client's fault either way.
            throw ApplicationException.badRequest("The body is not valid JSON.");
        }
        return of(value, allowed);
    }

    /** Checks that the body is an object naming only {@code allowed} members. */
    public static PatchBody of(JsonValue value, Set<String> allowed) {
        if (!(value instanceof JsonObject body)) {
            throw ApplicationException.badRequest("The body must be a JSON object.");
        }
        PatchBody patch = new PatchBody(body);
        body.keySet().stream()
                .filter(k -> !allowed.contains(k))
                .sorted()
                .forEach(k -> patch.errors.add(new Problem.FieldError(k, "cannot be set here")));
        if (!patch.errors.isEmpty()) {
            throw ApplicationException.invalid(patch.errors);
        }
        return patch;
    }

    public boolean has(String name) {
        return body.containsKey(name);
    }

    /**
     * A text member, stripped; blank or {@code null} gives an empty optional (clear the field).
     * Longer than {@code max} code points, or control characters, or not a string: an error.
     */
    public Optional<String> text(String name, int max) {
        JsonValue v = body.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        if (!(v instanceof JsonString s)) {
            errors.add(new Problem.FieldError(name, "must be a string"));
            return Optional.empty();
        }
        return Optional.ofNullable(TextRules.check(name, s.getString(), max, errors));
    }

    /** A boolean member that may not be null. */
    public boolean bool(String name) {
        JsonValue v = body.get(name);
        if (v != null && v.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        if (v == null || v.getValueType() != JsonValue.ValueType.FALSE) {
            errors.add(new Problem.FieldError(name, "must be true or false"));
        }
        return false;
    }

    /** A member that must be an array of at most {@code max} strings. */
    public List<String> strings(String name, int max) {
        JsonValue v = body.get(name);
        if (!(v instanceof jakarta.json.JsonArray array)) {
            errors.add(new Problem.FieldError(name, "must be a list of strings"));
            return List.of();
        }
        if (array.size() > max) {
            errors.add(new Problem.FieldError(name, "must hold at most " + max + " items"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonString s)) {
                errors.add(new Problem.FieldError(name, "must be a list of strings"));
                return List.of();
            }
            out.add(s.getString());
        }
        return out;
    }

    /** Throws a 400 naming every bad member read so far. */
    public void validate() {
        if (!errors.isEmpty()) {
            throw ApplicationException.invalid(errors);
        }
    }
}
