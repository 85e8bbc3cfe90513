package dev.vigile.signals.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.web.BodyLimitFilter;
import dev.vigile.identity.Directory;
import dev.vigile.security.AccessTokenVerifier;
import dev.vigile.security.CurrentCaller;
import dev.vigile.signals.control.EventTypes;
import dev.vigile.signals.control.Streams;
import dev.vigile.signals.control.Transmitter;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The transmitter's endpoints (SSF 1.0 section 8, RFC 8936), for a service account holding {@code
 * ssf:streams} with its bearer token: {@code /ssf/streams} (POST create, GET read, PATCH or PUT
 * change, DELETE), {@code /ssf/status} (GET, POST), {@code /ssf/verify} (POST), {@code
 * /ssf/subjects:add} and {@code :remove} (POST) and {@code /ssf/poll} (POST). Errors are
 * problem+json, as everywhere in Vigile's API (SSF names only their statuses): 400 a bad request,
 * 401 no valid token (with a Bearer challenge), 403 not a service account holding the
 * permission, 404 no such stream (another account's included), 409 a second stream, 413 a body
 * over the limit, 415 a body that is not JSON. Nothing here is cached.
 */
@WebServlet("/ssf/*")
public class SsfServlet extends HttpServlet {
    /** How many events one poll returns at most. */
    static final int MAX_EVENTS = 100;

    @Inject
    AccessTokenVerifier verifier;

    @Inject
    Directory directory;

    @Inject
    Transmitter transmitter;

    @Inject
    dev.vigile.security.AccessTokenIssuer issuer;

    @Inject
    dev.vigile.security.PublicBase bases;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setHeader("Cache-Control", "no-store");
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String method = req.getMethod();
        boolean known = switch (path) {
            case "/streams" -> List.of("GET", "POST", "PATCH", "PUT", "DELETE").contains(method);
            case "/status" -> List.of("GET", "POST").contains(method);
            case "/verify", "/subjects:add", "/subjects:remove", "/poll" -> "POST".equals(method);
            default -> false;
        };
        if (!known) {
            error(
                    req,
                    res,
                    path.matches("/(streams|status|verify|subjects:add|subjects:remove|poll)") ? 405 : 404,
                    "No such endpoint or method.");
            return;
        }
        CurrentCaller caller = caller(req, res);
        if (caller == null) {
            return;
        }
        try {
            JsonObject body = "GET".equals(method) || "DELETE".equals(method) ? JsonValue.EMPTY_JSON_OBJECT : body(req);
            switch (path) {
                case "/streams" -> streams(req, res, caller, method, body);
                case "/status" -> status(req, res, caller, method, body);
                case "/verify" -> {
                    transmitter.verify(caller, streamId(body.get("stream_id")), text(body, "state", 1024));
                    res.setStatus(204);
                }
                case "/subjects:add", "/subjects:remove" -> {
                    transmitter.subject(
                            caller,
                            streamId(body.get("stream_id")),
                            subject(body.get("subject")),
                            path.endsWith("remove"));
                    res.setStatus(200);
                }
                default -> poll(res, caller, body);
            }
        } catch (Transmitter.Refusal r) {
            error(req, res, r.status, r.getMessage());
        }
    }

    private void streams(
            HttpServletRequest req, HttpServletResponse res, CurrentCaller caller, String method, JsonObject body)
            throws IOException {
        switch (method) {
            case "POST" -> {
                Streams.Stream s = transmitter.create(caller, requested(body, true));
                json(res, 201, config(req, s));
            }
            case "GET" -> {
                String id = req.getParameter("stream_id");
                if (id != null) {
                    json(res, 200, config(req, transmitter.get(caller, streamId(Json.createValue(id)))));
                } else {
                    var all = Json.createArrayBuilder();
                    transmitter.list(caller).forEach(s -> all.add(config(req, s)));
                    json(res, 200, all.build());
                }
            }
            case "DELETE" -> {
                String id = req.getParameter("stream_id");
                transmitter.delete(caller, id == null ? null : streamId(Json.createValue(id)));
                res.setStatus(204);
            }
            default -> {
                Streams.Stream s = transmitter.update(caller, streamId(body.get("stream_id")), requested(body, false));
                json(res, 200, config(req, s));
            }
        }
    }

    private void status(
            HttpServletRequest req, HttpServletResponse res, CurrentCaller caller, String method, JsonObject body)
            throws IOException {
        UUID id;
        if ("GET".equals(method)) {
            String raw = req.getParameter("stream_id");
            id = raw == null ? null : streamId(Json.createValue(raw));
        } else {
            id = streamId(body.get("stream_id"));
            String status = text(body, "status", 16);
            if (status == null) {
                throw new Transmitter.Refusal(400, "status is required.");
            }
            transmitter.status(caller, id, status);
        }
        Streams.Stream s = transmitter.get(caller, id);
        json(
                res,
                200,
                Json.createObjectBuilder()
                        .add("stream_id", s.id().toString())
                        .add("status", s.status())
                        .build());
    }

    private void poll(HttpServletResponse res, CurrentCaller caller, JsonObject body) throws IOException {
        int max = MAX_EVENTS;
        JsonValue maxEvents = body.get("maxEvents");
        if (maxEvents != null) {
            if (!(maxEvents instanceof jakarta.json.JsonNumber n) || !n.isIntegral() || n.longValue() < 0) {
                throw new Transmitter.Refusal(400, "maxEvents must be a non-negative integer.");
            }
            max = (int) Math.min(MAX_EVENTS, n.longValue());
        }
        List<UUID> acks = new ArrayList<>();
        for (String key : List.of("ack", "setErrs")) {
            JsonValue v = body.get(key);
            if (v == null) {
                continue;
            }
            List<String> jtis = new ArrayList<>();
            if (v instanceof JsonArray a && key.equals("ack")) {
                a.forEach(x -> jtis.add(x instanceof JsonString s ? s.getString() : ""));
            } else if (v instanceof JsonObject o && key.equals("setErrs")) {
                // A SET the receiver could not use is acknowledged too: sending it again would not help.
                jtis.addAll(o.keySet());
            } else {
                throw new Transmitter.Refusal(400, key + " has the wrong type.");
            }
            for (String jti : jtis) {
                try {
                    acks.add(UUID.fromString(jti));
                } catch (IllegalArgumentException e) {
                    // Not one of ours: nothing to acknowledge.
                }
            }
        }
        Transmitter.Polled polled = transmitter.poll(caller, acks, max);
        JsonObjectBuilder sets = Json.createObjectBuilder();
        polled.sets().forEach(sets::add);
        json(
                res,
                200,
                Json.createObjectBuilder()
                        .add("sets", sets)
                        .add("moreAvailable", polled.moreAvailable())
                        .build());
    }

    /** The stream configuration of SSF 1.0 section 8.1.1. */
    JsonObject config(HttpServletRequest req, Streams.Stream s) {
        var delivery = Json.createObjectBuilder().add("method", s.method());
        if (EventTypes.POLL.equals(s.method())) {
            delivery.add("endpoint_url", bases.of(req) + "/ssf/poll");
        } else if (s.endpointUrl() != null) {
            delivery.add("endpoint_url", s.endpointUrl());
        }
        var delivered = Json.createArrayBuilder();
        s.eventsRequested().forEach(delivered::add);
        var out = Json.createObjectBuilder()
                .add("stream_id", s.id().toString())
                .add("iss", issuer.issuerName())
                .add("aud", s.audience())
                .add("delivery", delivery)
                .add("events_supported", Json.createArrayBuilder(EventTypes.SUPPORTED))
                .add("events_requested", Json.createArrayBuilder(s.eventsRequested()))
                .add("events_delivered", delivered);
        if (s.description() != null) {
            out.add("description", s.description());
        }
        return out.build();
    }

    private Transmitter.Requested requested(JsonObject body, boolean creating) {
        String method = null;
        String endpoint = null;
        String authorization = null;
        JsonValue delivery = body.get("delivery");
        if (delivery != null) {
            if (!(delivery instanceof JsonObject d)) {
                throw new Transmitter.Refusal(400, "delivery must be an object.");
            }
            method = text(d, "method", 64);
            endpoint = text(d, "endpoint_url", 2048);
            authorization = text(d, "authorization_header", 4096);
        }
        List<String> events = null;
        JsonValue requested = body.get("events_requested");
        if (requested != null) {
            if (!(requested instanceof JsonArray a)
                    || a.size() > 32
                    || !a.stream().allMatch(x -> x instanceof JsonString)) {
                throw new Transmitter.Refusal(400, "events_requested must be a list of event types.");
            }
            events = a.getValuesAs(JsonString.class).stream()
                    .map(JsonString::getString)
                    .toList();
        } else if (creating) {
            events = List.of();
        }
        return new Transmitter.Requested(method, endpoint, authorization, events, text(body, "description", 255));
    }

    private static String text(JsonObject o, String name, int max) {
        JsonValue v = o.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s)
                || s.getString().length() > max
                || s.getString().indexOf('\0') >= 0) {
            throw new Transmitter.Refusal(400, name + " must be a string of at most " + max + " characters.");
        }
        return s.getString();
    }

    private static UUID streamId(JsonValue v) {
        if (!(v instanceof JsonString s)) {
            throw new Transmitter.Refusal(400, "stream_id is required.");
        }
        try {
            return UUID.fromString(s.getString());
        } catch (IllegalArgumentException e) {
            throw new Transmitter.Refusal(404, "No such stream.");
        }
    }

    /** An {@code iss_sub} subject of one of Vigile's users (its {@code sub}). */
    private static UUID subject(JsonValue v) {
        if (v instanceof JsonObject o
                && o.get("format") instanceof JsonString f
                && "iss_sub".equals(f.getString())
                && o.get("sub") instanceof JsonString sub) {
            try {
                return UUID.fromString(sub.getString());
            } catch (IllegalArgumentException e) {
                // below
            }
        }
        throw new Transmitter.Refusal(400, "subject must be an iss_sub subject naming one of Vigile's users.");
    }

    private static JsonObject body(HttpServletRequest req) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new Transmitter.Refusal(415, "The body must be application/json.");
        }
        byte[] bytes;
        try {
            bytes = req.getInputStream().readAllBytes();
        } catch (IOException e) {
            if (BodyLimitFilter.exceeded(req)) {
                throw new Transmitter.Refusal(413, "The request body is too large.");
            }
            throw e;
        }
        if (bytes.length == 0) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (var reader = Json.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            throw new Transmitter.Refusal(400, "The body must be a JSON object.");
        }
    }

    /** The service account calling, or null once a 401 or 403 is sent. */
    private CurrentCaller caller(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String header = req.getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip()
                : null;
        if (token == null
                || !(verifier.verify(token) instanceof AccessTokenVerifier.Valid valid)
                || directory.cutOff(valid.caller())) {
            res.setHeader("WWW-Authenticate", "Bearer realm=\"vigile\"");
            error(req, res, 401, "A valid access token of a service account is required.");
            return null;
        }
        if (!valid.caller().isClient() || !valid.groups().contains(Permissions.SSF_STREAMS)) {
            error(req, res, 403, "Streams belong to service accounts holding " + Permissions.SSF_STREAMS + ".");
            return null;
        }
        return valid.caller();
    }

    static void json(HttpServletResponse res, int status, JsonValue body) throws IOException {
        dev.vigile.common.web.JsonResponses.write(res, status, body, java.util.Map.of());
    }

    /** A problem+json answer (headers set before, such as the Bearer challenge, are kept). */
    static void error(HttpServletRequest req, HttpServletResponse res, int status, String detail) throws IOException {
        dev.vigile.common.web.ErrorWriter.write(req, res, status, detail, null);
    }
}
