package dev.vigile.signals.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The one writer of {@code ssf_streams} and {@code ssf_excluded_subjects}, in the caller's transaction. */
@ApplicationScoped
public class Streams {
    @PersistenceContext
    EntityManager em;

    /**
     * A stream as stored.
     *
     * @param clientId the owning service account's internal id
     * @param audience its public client id, the {@code aud} of its events
     */
    public record Stream(
            UUID id,
            UUID clientId,
            String audience,
            String method,
            String endpointUrl,
            String pushAuthorization,
            List<String> eventsRequested,
            String description,
            String status) {}

    /** Inserts the stream; false when the client has one already (two creations at once included). */
    boolean insert(Stream s, Instant now) {
        int inserted = em.createNativeQuery("insert into ssf_streams (id, client_id, audience, delivery_method,"
                        + " events_requested, status, created_at, updated_at)"
                        + " values (?1, ?2, ?3, ?4, ?5, 'enabled', ?6, ?6) on conflict (client_id) do nothing")
                .setParameter(1, s.id())
                .setParameter(2, s.clientId())
                .setParameter(3, s.audience())
                .setParameter(4, s.method())
                .setParameter(5, String.join(" ", s.eventsRequested()))
                .setParameter(6, Timestamp.from(now))
                .executeUpdate();
        if (inserted == 1) {
            update(s, now);
        }
        return inserted == 1;
    }

    /** Replaces what a receiver may change: delivery, events, description (no untyped nulls bound). */
    void update(Stream s, Instant now) {
        em.createNativeQuery("update ssf_streams set delivery_method = ?2, events_requested = ?3, updated_at = ?4,"
                        + " endpoint_url = null, push_authorization = null, description = null where id = ?1")
                .setParameter(1, s.id())
                .setParameter(2, s.method())
                .setParameter(3, String.join(" ", s.eventsRequested()))
                .setParameter(4, Timestamp.from(now))
                .executeUpdate();
        set(s.id(), "endpoint_url", s.endpointUrl());
        set(s.id(), "push_authorization", s.pushAuthorization());
        set(s.id(), "description", s.description());
    }

    private void set(UUID id, String column, String value) {
        if (value != null) {
            em.createNativeQuery("update ssf_streams set " + column + " = ?2 where id = ?1")
                    .setParameter(1, id)
                    .setParameter(2, value)
                    .executeUpdate();
        }
    }

    void status(UUID id, String status, Instant now) {
        em.createNativeQuery("update ssf_streams set status = ?2, updated_at = ?3 where id = ?1")
                .setParameter(1, id)
                .setParameter(2, status)
                .setParameter(3, Timestamp.from(now))
                .executeUpdate();
    }

    void delete(UUID id) {
        em.createNativeQuery("delete from ssf_streams where id = ?1")
                .setParameter(1, id)
                .executeUpdate();
    }

    void exclude(UUID streamId, UUID userId, boolean excluded) {
        if (excluded) {
            em.createNativeQuery("insert into ssf_excluded_subjects (stream_id, user_id) values (?1, ?2)"
                            + " on conflict do nothing")
                    .setParameter(1, streamId)
                    .setParameter(2, userId)
                    .executeUpdate();
        } else {
            em.createNativeQuery("delete from ssf_excluded_subjects where stream_id = ?1 and user_id = ?2")
                    .setParameter(1, streamId)
                    .setParameter(2, userId)
                    .executeUpdate();
        }
    }

    /** The client's stream, locked for a change when {@code lock}. */
    public Optional<Stream> ofClient(UUID clientId, boolean lock) {
        List<Stream> found = query("where client_id = ?1" + (lock ? " for no key update" : ""), clientId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    public Optional<Stream> find(UUID id) {
        List<Stream> found = query("where id = ?1", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /**
     * The streams that take an event of this type about this user now (enabled or paused: a paused
     * stream keeps what happens, SSF 1.0 section 8.1.2), locked against a concurrent deletion only
     * ({@code for key share}: a change of the stream's settings does not wait for it, nor it for one).
     */
    List<Stream> receiving(String eventType, UUID userId) {
        return query(
                "where status in ('enabled', 'paused') and (' ' || events_requested || ' ') like ?2"
                        + " and not exists (select 1 from ssf_excluded_subjects x where x.stream_id = ssf_streams.id"
                        + " and x.user_id = ?1) for key share",
                userId,
                "% " + eventType + " %");
    }

    public List<Stream> pushing() {
        return query("where delivery_method = ?1 and status = 'enabled'", EventTypes.PUSH);
    }

    private List<Stream> query(String where, Object... params) {
        var q = em.createNativeQuery(
                "select id, client_id, audience, delivery_method, endpoint_url, push_authorization,"
                        + " events_requested, description, status from ssf_streams " + where);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        List<Stream> out = new ArrayList<>();
        for (Object[] r : rows) {
            String requested = (String) r[6];
            out.add(new Stream(
                    (UUID) r[0],
                    (UUID) r[1],
                    (String) r[2],
                    (String) r[3],
                    (String) r[4],
                    (String) r[5],
                    requested.isBlank() ? List.of() : List.of(requested.strip().split(" +")),
                    (String) r[7],
                    (String) r[8]));
        }
        return out;
    }
}
