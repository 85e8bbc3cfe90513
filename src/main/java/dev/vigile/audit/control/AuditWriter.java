package dev.vigile.audit.control;

import dev.vigile.audit.AuditEntry;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.common.web.ClientInfoResolver;
import dev.vigile.common.web.SecurityHeadersFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.transaction.Transactional;
import org.hibernate.query.NativeQuery;
import org.hibernate.type.StandardBasicTypes;

/**
 * The audit log's inserts, behind a CDI proxy for their transactions ({@link
 * dev.vigile.audit.AuditLog} is what other features call). The database chains each row when
 * its transaction commits (V4__audit_chain_at_commit.sql) and links it under the audit key
 * ({@link AuditKey}), which this class hands to the database for the writing transaction only.
 */
@ApplicationScoped
public class AuditWriter {
    @PersistenceContext
    EntityManager em;

    @Inject
    HttpServletRequest request;

    @Inject
    ClientInfoResolver clients;

    @Inject
    AuditChainGuard chain;

    @Transactional(Transactional.TxType.MANDATORY)
    public void inCurrentTransaction(AuditEntry entry) {
        insert(entry);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void inNewTransaction(AuditEntry entry) {
        insert(entry);
    }

    private void insert(AuditEntry e) {
        String ip = null;
        String userAgent = null;
        String requestId = null;
        try {
            ClientInfo client = clients.of(request);
            ip = client.ip();
            userAgent = client.userAgent();
            Object id = request.getAttribute(SecurityHeadersFilter.REQUEST_ID_ATTRIBUTE);
            requestId = id == null ? null : id.toString();
        } catch (RuntimeException outsideARequest) {
            // start-up and background work have no client
        }
        @SuppressWarnings("unchecked")
        NativeQuery<Object> q = em.createNativeQuery(
                        // The key reaches the seal through a setting local to this transaction: set
                        // by the same statement, gone at commit, never stored.
                        "with k as (select set_config('vigile.audit_key', ?11, true))"
                                + " insert into audit_events (actor_id, actor_email, action, target_type, target_id,"
                                + " outcome, ip, user_agent, request_id, details) select cast(?1 as uuid), ?2,"
                                + " ?3, ?4, ?5, ?6, ?7, ?8, ?9, cast(?10 as jsonb) from k")
                .unwrap(NativeQuery.class);
        String[] values = {
            e.actorId() == null ? null : e.actorId().toString(),
            truncate(e.actorEmail(), 254),
            e.action(),
            e.targetType(),
            truncate(e.targetId(), 128),
            e.outcome().value(),
            ip,
            userAgent,
            requestId,
            e.detailsJson(),
            chain.key().hex()
        };
        for (int i = 0; i < values.length; i++) {
            // Typed, so that a null binds as a text null rather than an untyped one.
            q.setParameter(i + 1, values[i], StandardBasicTypes.STRING);
        }
        q.executeUpdate();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
