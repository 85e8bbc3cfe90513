package dev.vigile.realtime;

import dev.vigile.security.CurrentCaller;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * One open WebSocket. Outgoing messages wait in a bounded queue and go out one at a time (one
 * asynchronous send in flight), so a client that stops reading holds at most {@code limit}
 * messages in memory; the next message past that closes it with 4008.
 */
final class Connection {
    final String id = UUID.randomUUID().toString();
    final Session session;
    private final int limit;
    private final Executor closer;
    private final java.util.function.IntConsumer onClose;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;
    private volatile CurrentCaller caller;
    private volatile long expiresAt;
    private volatile java.util.Set<String> groups;
    private volatile long lastSeenMillis = System.currentTimeMillis();
    /** The client's messages: a token bucket, so that a flood ends the connection (4008). */
    private final io.github.bucket4j.Bucket messages;

    Connection(
            Session session,
            WsCaller caller,
            int limit,
            Executor closer,
            java.util.function.IntConsumer onClose,
            java.util.List<io.github.bucket4j.Bandwidth> messageLimits) {
        var bucket = io.github.bucket4j.Bucket.builder();
        messageLimits.forEach(bucket::addLimit);
        this.messages = bucket.build();
        this.onClose = onClose;
        this.session = session;
        this.caller = caller.caller();
        this.expiresAt = caller.expiresAt();
        this.groups = caller.groups();
        this.limit = limit;
        this.closer = closer;
    }

    CurrentCaller caller() {
        return caller;
    }

    UUID userId() {
        return caller.userId();
    }

    long expiresAt() {
        return expiresAt;
    }

    /** Whether the token it was opened (or last extended) with holds this role. */
    boolean holds(String role) {
        return groups.contains(role);
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    void touch() {
        lastSeenMillis = System.currentTimeMillis();
    }

    /**
     * Takes {@code cost} of the client's message budget, or, past it, tells the client why and closes the connection
     * (4008): for messages and control frames alike.
     *
     * @return false when the connection was stopped
     */
    boolean admitOrStop(int cost) {
        if (messages.tryConsume(cost)) {
            return true;
        }
        send(Protocol.error("rate_limited", "Too many messages on this connection."));
        close(Protocol.SLOW_CONSUMER, "too many messages");
        return false;
    }

    /** A fresh token of the same user extends the connection. */
    void reauthenticate(WsCaller fresh) {
        this.caller = fresh.caller();
        this.expiresAt = fresh.expiresAt();
        this.groups = fresh.groups();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized int queued() {
        return queue.size() + (sending ? 1 : 0);
    }

    /** Queues a text frame; false if the connection is closed or was just closed for overflowing. */
    boolean send(String text) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queue.size() >= limit) {
                closed = true;
                queue.clear();
            } else {
                queue.add(text);
                if (!sending) {
                    next();
                }
                return true;
            }
        }
        closeNow(Protocol.SLOW_CONSUMER, "slow consumer");
        return false;
    }

    private void next() {
        String text = queue.poll();
        if (text == null) {
            sending = false;
            return;
        }
        sending = true;
        // Tyrus restarts the session's idle timer on every send by scheduling a task on Payara's
        // managed executor, which looks up the thread-context providers through the thread's context
        // class loader: a scan of every runtime jar, about half a millisecond per frame, which made a
        // broadcast to 10,000 connections take seconds. With the platform loader as the context
        // loader for the call, that lookup scans nothing; the timer task needs no application class.
        Thread thread = Thread.currentThread();
        ClassLoader loader = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            session.getAsyncRemote().sendText(text, result -> {
                synchronized (Connection.this) {
                    if (!result.isOK()) {
                        closed = true;
                        queue.clear();
                        sending = false;
                        return;
                    }
                    if (!closed) {
                        next();
                    } else {
                        sending = false;
                    }
                }
            });
        } catch (RuntimeException e) {
            closed = true;
            queue.clear();
            sending = false;
        } finally {
            thread.setContextClassLoader(loader);
        }
    }

    /** Closes with a code of the protocol, on another thread (a close may wait for the socket). */
    void close(int code, String reason) {
        synchronized (this) {
            closed = true;
            queue.clear();
        }
        closeNow(code, reason);
    }

    /** Closes on this thread: at shutdown, when executors no longer take work. */
    void closeInline(int code, String reason) {
        synchronized (this) {
            closed = true;
            queue.clear();
        }
        onClose.accept(code);
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer is gone already
        }
    }

    private void closeNow(int code, String reason) {
        onClose.accept(code);
        closer.execute(() -> {
            try {
                if (session.isOpen()) {
                    session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
                }
            } catch (IOException | RuntimeException ignored) {
                // the peer is gone already
            }
        });
    }
}
