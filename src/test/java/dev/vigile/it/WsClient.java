package dev.vigile.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client as a user of the API would write one (JDK java.net.http). Like a real client
 * it keeps its connection alive: a ping every {@link #KEEP_ALIVE}, whose pong it takes itself, so
 * that a busy machine does not close it at the ping timeout while a test sets up; {@link
 * #silence()} stops that, for the tests of the ping timeout itself.
 */
public final class WsClient implements AutoCloseable {
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Duration KEEP_ALIVE = Duration.ofSeconds(2);
    private static final java.util.concurrent.ScheduledExecutorService TIMER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ws-keep-alive");
                t.setDaemon(true);
                return t;
            });

    private final WebSocket socket;
    private final BlockingQueue<JsonNode> messages;
    private final CompletableFuture<Integer> closed;
    private final java.util.concurrent.atomic.AtomicInteger pongsOwed;
    private final java.util.concurrent.ScheduledFuture<?> keepAlive;

    private WsClient(
            WebSocket socket,
            BlockingQueue<JsonNode> messages,
            CompletableFuture<Integer> closed,
            java.util.concurrent.atomic.AtomicInteger pongsOwed) {
        this.socket = socket;
        this.messages = messages;
        this.closed = closed;
        this.pongsOwed = pongsOwed;
        long period = KEEP_ALIVE.toMillis();
        this.keepAlive = TIMER.scheduleAtFixedRate(this::keepAlivePing, period, period, TimeUnit.MILLISECONDS);
    }

    private void keepAlivePing() {
        if (closed.isDone()) {
            keepAlive.cancel(false);
            return;
        }
        try {
            pongsOwed.incrementAndGet();
            send("{\"type\":\"ping\"}");
        } catch (RuntimeException e) {
            pongsOwed.decrementAndGet();
        }
    }

    /** Stops the keep-alive pings: the connection falls silent. */
    public void silence() {
        keepAlive.cancel(false);
    }

    /** The outcome of a handshake: a client, or the HTTP status that refused it. */
    public record Attempt(WsClient client, int refusedWith) {
        public WsClient ok() {
            if (client == null) {
                throw new AssertionError("handshake refused with " + refusedWith);
            }
            return client;
        }
    }

    /** Connects to {@code baseUrl}/ws offering vigile.v1 and the token as a subprotocol. */
    public static Attempt connect(String baseUrl, String token) {
        return connect(
                baseUrl,
                "/ws",
                token == null ? List.of("vigile.v1") : List.of("vigile.v1", "bearer." + token),
                Map.of());
    }

    public static Attempt connect(String baseUrl, String path, List<String> protocols, Map<String, String> headers) {
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger pongsOwed = new java.util.concurrent.atomic.AtomicInteger();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(b::header);
        if (!protocols.isEmpty()) {
            b.subprotocols(
                    protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new));
        }
        WebSocket.Listener listener = new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode m = Api.JSON.readTree(partial.toString());
                        // A pong that answers a keep-alive ping is the client's own business.
                        boolean owed = "pong".equals(m.path("type").asText())
                                && pongsOwed.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
                        if (!owed) {
                            messages.add(m);
                        }
                    } catch (IOException e) {
                        messages.add(Api.JSON
                                .createObjectNode()
                                .put("type", "unparsable")
                                .put("text", partial.toString()));
                    }
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            /** A pong control frame (the answer to {@link #controlPing}), as a message of its own. */
            @Override
            public CompletionStage<?> onPong(WebSocket ws, java.nio.ByteBuffer message) {
                messages.add(Api.JSON.createObjectNode().put("type", "control-pong"));
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                closed.complete(code);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.complete(-1);
            }
        };
        try {
            WebSocket ws = b.buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + path), listener)
                    .join();
            return new Attempt(new WsClient(ws, messages, closed, pongsOwed), 0);
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return new Attempt(null, h.getResponse().statusCode());
            }
            throw e;
        }
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** One send at a time: the keep-alive and the test share the socket. */
    public synchronized void send(String text) {
        socket.sendText(text, true).join();
    }

    public synchronized void sendBinary(byte[] data) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
    }

    /** A ping control frame (RFC 6455 §5.5.2), not the protocol's ping message. */
    public synchronized void controlPing() {
        socket.sendPing(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).join();
    }

    /** The next message; null once the connection closed without one, or after the timeout. */
    public JsonNode nextUnlessClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
                if (m != null) {
                    return m;
                }
                if (closed.isDone() && messages.isEmpty()) {
                    return null;
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public void ping() {
        send("{\"type\":\"ping\"}");
    }

    /** The next message, or fails after the timeout. */
    public JsonNode next(Duration timeout) {
        try {
            JsonNode m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError(
                        "no message within " + timeout + (closed.isDone() ? "; closed with " + closed.join() : ""));
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public JsonNode next() {
        return next(Duration.ofSeconds(10));
    }

    /** The next message of this type, skipping others. */
    public JsonNode nextOfType(String type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode m = next(Duration.ofNanos(Math.max(1, left)));
            if (type.equals(m.path("type").asText())) {
                return m;
            }
        }
    }

    /** Messages received so far and not yet taken. */
    public List<JsonNode> drain() {
        List<JsonNode> out = new ArrayList<>();
        messages.drainTo(out);
        return out;
    }

    /** Waits for the server to close; its close code. */
    public int awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("not closed within " + timeout);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        keepAlive.cancel(false);
        if (!closed.isDone()) {
            try {
                socket.sendClose(1000, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                socket.abort();
            }
        }
    }
}
