package dev.vigile.common.web;

import dev.vigile.common.problem.ApplicationException;
import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every string that comes in must be before any code, and so any SQL, sees it: no NUL, no
 * lone surrogate (PostgreSQL refuses the one and the driver would silently turn the other into
 * {@code ?}); query and path values bounded and free of control characters; JSON nested at most
 * {@value #MAX_DEPTH} levels. A refusal is a 400 problem naming the field. Each field's own rules
 * (lengths, forms) are checked where it is used; this is the floor under all of them.
 */
@Provider
public class InputGuard implements ContainerRequestFilter, ReaderInterceptor {
    /** Longest query or path value, in UTF-16 units: longer than any field Vigile takes there. */
    public static final int MAX_PARAMETER_LENGTH = 512;

    public static final int MAX_DEPTH = 16;

    @Override
    public void filter(ContainerRequestContext context) {
        check(context.getUriInfo().getQueryParameters(), "");
        check(context.getUriInfo().getPathParameters(), "");
    }

    private static void check(MultivaluedMap<String, String> parameters, String prefix) {
        for (Map.Entry<String, List<String>> e : parameters.entrySet()) {
            String field = prefix + e.getKey();
            String nameProblem = problem(e.getKey(), true);
            if (nameProblem != null) {
                throw ApplicationException.invalid(printable(e.getKey()), nameProblem);
            }
            for (String value : e.getValue()) {
                if (value.length() > MAX_PARAMETER_LENGTH) {
                    throw ApplicationException.invalid(
                            field, "must be at most " + MAX_PARAMETER_LENGTH + " characters");
                }
                String problem = problem(value, true);
                if (problem != null) {
                    throw ApplicationException.invalid(field, problem);
                }
            }
        }
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type == null
                || !(type.getSubtype().equals("json") || type.getSubtype().endsWith("+json"))) {
            return context.proceed();
        }
        // Bodies are at most 64 KiB (BodyLimitFilter), so holding one is cheap.
        byte[] body = context.getInputStream().readAllBytes();
        if (body.length > 0) {
            utf8(body);
            scan(body, context.getType());
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    /** RFC 8259 §8.1: JSON text is UTF-8; a body that is not is refused, not decoded with U+FFFD. */
    static void utf8(byte[] body) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw ApplicationException.invalid("body", "is not valid UTF-8");
        }
    }

    /**
     * Walks the JSON without building it; malformed JSON is left to the JSON layer's 400. A key
     * given twice in one object is refused (RFC 8259 §4 leaves its meaning open, and two readers
     * may take different ones); so is a number, boolean or object where the body class {@code type}
     * declares a string, which JSON-B would otherwise turn into one.
     */
    static void scan(byte[] body, Class<?> type) {
        Deque<String> path = new ArrayDeque<>();
        Deque<Set<String>> keys = new ArrayDeque<>();
        // Reported after the walk: a value the guard refuses anywhere is named first.
        ApplicationException wrongType = null;
        String key = null;
        try (JsonParser parser = Json.createParser(new ByteArrayInputStream(body))) {
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                if (path.size() == 1 && key != null && event != JsonParser.Event.VALUE_NULL && wrongType == null) {
                    wrongType = wrongType(type, key, event);
                }
                switch (event) {
                    case START_OBJECT, START_ARRAY -> {
                        path.push(key == null ? (path.isEmpty() ? "" : path.peek()) : join(path.peek(), key));
                        keys.push(event == JsonParser.Event.START_OBJECT ? new HashSet<>() : Set.of());
                        key = null;
                        if (path.size() > MAX_DEPTH) {
                            throw ApplicationException.invalid(
                                    field(path.peek()), "is nested more than " + MAX_DEPTH + " levels deep");
                        }
                    }
                    case END_OBJECT, END_ARRAY -> {
                        path.pop();
                        keys.pop();
                        key = null;
                    }
                    case KEY_NAME -> {
                        key = parser.getString();
                        String problem = problem(key, false);
                        if (problem != null) {
                            throw ApplicationException.invalid(
                                    field(join(path.peek(), printable(key))), "name " + problem);
                        }
                        if (!keys.peek().add(key)) {
                            throw ApplicationException.invalid(
                                    field(join(path.peek(), printable(key))), "is given more than once");
                        }
                    }
                    case VALUE_STRING -> {
                        String problem = problem(parser.getString(), false);
                        if (problem != null) {
                            throw ApplicationException.invalid(
                                    field(key == null ? path.peek() : join(path.peek(), key)), problem);
                        }
                        key = null;
                    }
                    default -> key = null;
                }
            }
        } catch (jakarta.json.JsonException e) {
            // Not JSON (or not whole): the JSON layer answers its own 400.
            return;
        }
        if (wrongType != null) {
            throw wrongType;
        }
    }

    /** A top-level value of the wrong JSON type for a string (or list of strings) field of the body class. */
    private static ApplicationException wrongType(Class<?> type, String key, JsonParser.Event event) {
        if (type == null || type == String.class) {
            return null;
        }
        Class<?> field = BODY_FIELDS.get(type).get(key);
        if (field == null) {
            return null;
        }
        if (field == String.class && event != JsonParser.Event.VALUE_STRING) {
            return ApplicationException.invalid(key, "must be a string");
        }
        if (java.util.Collection.class.isAssignableFrom(field) && event != JsonParser.Event.START_ARRAY) {
            return ApplicationException.invalid(key, "must be an array");
        }
        if ((field == Boolean.class || field == boolean.class)
                && event != JsonParser.Event.VALUE_TRUE
                && event != JsonParser.Event.VALUE_FALSE) {
            return ApplicationException.invalid(key, "must be true or false");
        }
        return null;
    }

    /**
     * Per body class, read once: the type of the public field each JSON key binds to, by its name
     * or its {@code @JsonbProperty}.
     */
    private static final ClassValue<Map<String, Class<?>>> BODY_FIELDS = new ClassValue<>() {
        @Override
        protected Map<String, Class<?>> computeValue(Class<?> type) {
            Map<String, Class<?>> fields = new java.util.HashMap<>();
            for (java.lang.reflect.Field f : type.getFields()) {
                jakarta.json.bind.annotation.JsonbProperty named =
                        f.getAnnotation(jakarta.json.bind.annotation.JsonbProperty.class);
                fields.put(named != null ? named.value() : f.getName(), f.getType());
            }
            return Map.copyOf(fields);
        }
    };

    private static String join(String parent, String key) {
        return parent == null || parent.isEmpty() ? key : parent + "." + key;
    }

    private static String field(String path) {
        return path == null || path.isEmpty() ? "body" : path;
    }

    /** A name fit to repeat in a problem: control characters shown as escapes. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> {
            if (Character.isISOControl(c) || Character.isSurrogate((char) c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /**
     * What is wrong with the text, or null. NUL and lone surrogates are refused everywhere; other
     * control characters only where {@code strict} (query and path values; a JSON text such as a
     * notification's body may hold a line break, and its own field rules decide).
     */
    static String problem(String s, boolean strict) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "must not contain NUL characters";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "must not contain unpaired surrogates";
            }
            if (Character.isLowSurrogate(c)) {
                return "must not contain unpaired surrogates";
            }
            if (strict && Character.isISOControl(c)) {
                return "must not contain control characters";
            }
        }
        return null;
    }
}
