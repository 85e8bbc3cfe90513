package example.resource;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A small receiver of Vigile's shared signals (OpenID SSF 1.0, poll delivery, RFC 8936). At start it
 * discovers Vigile from its issuer, takes a token as its service account (client credentials),
 * makes or finds its stream, then polls it, verifying each Security Event Token with Vigile's
 * published keys and acknowledging it once applied. It remembers revoked sessions, and for each
 * user the time before which their tokens no longer count (credentials, claims or the account
 * changed). What it remembers is lost at restart: a real service would keep it for the lifetime
 * of Vigile's access tokens.
 */
@ApplicationScoped
public class SharedSignals {
    private static final Logger LOG = Logger.getLogger(SharedSignals.class.getName());
    static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
    static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";

    @Inject
    @ConfigProperty(name = "VIGILE_ISSUER")
    String issuer;

    @Inject
    @ConfigProperty(name = "VIGILE_CLIENT_ID")
    String clientId;

    @Inject
    @ConfigProperty(name = "VIGILE_CLIENT_SECRET")
    String clientSecret;

    @Inject
    @ConfigProperty(name = "SIGNALS_POLL_INTERVAL", defaultValue = "PT0.2S")
    Duration pollInterval;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<String> revokedSessions = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> notBefore = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private volatile boolean ready;
    private Thread poller;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        poller = new Thread(this::run, "shared-signals");
        poller.setDaemon(true);
        poller.start();
    }

    @PreDestroy
    void stop() {
        stopped = true;
        if (poller != null) {
            poller.interrupt();
        }
    }

    /** Whether the issuer has cut this token off since it was issued. */
    public boolean refuses(JsonWebToken jwt) {
        Object sid = jwt.getClaim("sid");
        if (sid != null && revokedSessions.contains(sid.toString().replace("\"", ""))) {
            return true;
        }
        Long since = notBefore.get(jwt.getSubject());
        return since != null && jwt.getIssuedAtTime() <= since;
    }

    /** Whether the stream is set up and polled (the service's readiness). */
    public boolean ready() {
        return ready;
    }

    private void run() {
        while (!stopped) {
            try {
                pollForever();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                ready = false;
                LOG.log(Level.WARNING, "Shared signals: " + e.getMessage() + "; retrying");
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void pollForever() throws Exception {
        JsonObject metadata = get(issuer + "/.well-known/oauth-authorization-server", null);
        JsonObject ssf = get(issuer + "/.well-known/ssf-configuration", null);
        String token = token(metadata.getString("token_endpoint"));
        String pollUrl = stream(ssf.getString("configuration_endpoint"), token);
        DefaultJWTProcessor<SecurityContext> sets = setVerifier(metadata.getString("jwks_uri"));
        List<String> acks = new ArrayList<>();
        Map<String, String> errors = new java.util.LinkedHashMap<>();
        while (!stopped) {
            var setErrs = Json.createObjectBuilder();
            errors.forEach((jti, why) -> setErrs.add(
                    jti, Json.createObjectBuilder().add("err", "invalid_request").add("description", why)));
            var body = Json.createObjectBuilder()
                    .add("maxEvents", 50)
                    .add("returnImmediately", true)
                    .add("ack", Json.createArrayBuilder(acks))
                    .add("setErrs", setErrs);
            Answer r = post(pollUrl, token, body.build().toString());
            if (r.statusCode() == 401) {
                token = token(metadata.getString("token_endpoint"));
                continue;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("poll answered " + r.statusCode());
            }
            ready = true;
            acks = new ArrayList<>();
            errors = new java.util.LinkedHashMap<>();
            JsonObject polled = read(r.body());
            JsonObject received = polled.getJsonObject("sets");
            for (String jti : received == null ? java.util.Set.<String>of() : received.keySet()) {
                // One event that cannot be used is reported (setErrs) and never blocks the others.
                try {
                    apply(sets.process(received.getString(jti), null));
                    acks.add(jti);
                } catch (Exception e) {
                    LOG.warning("Shared signals: event " + jti + " refused: " + e.getMessage());
                    errors.put(jti.length() > 100 ? jti.substring(0, 100) : jti, "not a valid security event");
                }
            }
            if (acks.isEmpty() && errors.isEmpty() && !polled.getBoolean("moreAvailable", false)) {
                Thread.sleep(pollInterval.toMillis());
            }
        }
    }

    /** Applies one verified event. */
    void apply(JWTClaimsSet set) throws java.text.ParseException {
        Map<String, Object> subject = set.getJSONObjectClaim("sub_id");
        Map<String, Object> events = set.getJSONObjectClaim("events");
        for (Map.Entry<String, Object> e : events.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> event = (Map<String, Object>) e.getValue();
            long when = event.get("event_timestamp") instanceof Number n ? n.longValue() : set.getIssueTime().getTime() / 1000;
            String type = e.getKey();
            if (type.equals(CAEP + "session-revoked") && subject.get("session") instanceof Map<?, ?> session) {
                revokedSessions.add(String.valueOf(session.get("id")));
            } else if (type.startsWith(CAEP) || type.equals(RISC + "account-disabled") || type.equals(RISC + "account-purged")) {
                String user = user(subject);
                if (user != null) {
                    notBefore.merge(user, when, Math::max);
                }
            }
        }
    }

    private static String user(Map<String, Object> subject) {
        Object format = subject.get("format");
        if ("iss_sub".equals(format)) {
            return String.valueOf(subject.get("sub"));
        }
        if ("complex".equals(format) && subject.get("user") instanceof Map<?, ?> user) {
            return String.valueOf(user.get("sub"));
        }
        return null;
    }

    /** SETs: signed by the issuer's keys, {@code typ secevent+jwt}, from the issuer, for this client. */
    private DefaultJWTProcessor<SecurityContext> setVerifier(String jwksUri) throws Exception {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(URI.create(jwksUri).toURL()).build();
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("secevent+jwt")));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                clientId, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("jti", "iat", "events")));
        return p;
    }

    private String token(String endpoint) throws Exception {
        String basic = Base64.getEncoder()
                .encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                                + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
        Answer r = send(HttpRequest.newBuilder(URI.create(endpoint))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("the token endpoint answered " + r.statusCode());
        }
        return read(r.body()).getString("access_token");
    }

    /** This client's stream: made if it has none, read otherwise; its poll URL. */
    private String stream(String configuration, String token) throws Exception {
        String wanted = Json.createObjectBuilder()
                .add("delivery", Json.createObjectBuilder().add("method", "urn:ietf:rfc:8936"))
                .add(
                        "events_requested",
                        Json.createArrayBuilder()
                                .add(CAEP + "session-revoked")
                                .add(CAEP + "credential-change")
                                .add(CAEP + "token-claims-change")
                                .add(RISC + "account-disabled")
                                .add(RISC + "account-purged"))
                .add("description", "example resource service")
                .build()
                .toString();
        Answer created = post(configuration, token, wanted);
        if (created.statusCode() == 201) {
            return read(created.body()).getJsonObject("delivery").getString("endpoint_url");
        }
        if (created.statusCode() != 409) {
            throw new IllegalStateException("creating the stream answered " + created.statusCode());
        }
        JsonObject existing = read("{\"s\":" + get(configuration, token, true) + "}")
                .getJsonArray("s")
                .getJsonObject(0);
        return existing.getJsonObject("delivery").getString("endpoint_url");
    }

    /** Answers larger than this are refused: a transmitter has no reason to send more. */
    static final int MAX_ANSWER = 4 * 1024 * 1024;

    private Answer post(String url, String token, String json) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    /** An answer: its status and body. */
    record Answer(int statusCode, String body) {}

    /** Sends, reading at most {@link #MAX_ANSWER} bytes of the answer. */
    private Answer send(HttpRequest request) throws Exception {
        HttpResponse<java.io.InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (java.io.InputStream in = r.body()) {
            body = in.readNBytes(MAX_ANSWER + 1);
        }
        if (body.length > MAX_ANSWER) {
            throw new IllegalStateException(request.uri() + " answered more than " + MAX_ANSWER + " bytes");
        }
        return new Answer(r.statusCode(), new String(body, StandardCharsets.UTF_8));
    }

    private JsonObject get(String url, String token) throws Exception {
        return read(get(url, token, true));
    }

    private String get(String url, String token, boolean raw) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        Answer r = send(b.build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return r.body();
    }

    private static JsonObject read(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
