package dev.vigile.common.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.SecurityContext;

/**
 * Fired (synchronously) when a request is about to be answered 403. Observers may give another
 * answer ({@link #answerWith}: the security feature turns a cut-off token's 403 into 401), or
 * take note of it (audit counts denials). The error path knows neither.
 */
public final class AccessRefused {
    /*
     * The observers, in the order they run (lowest priority value first): whoever changes the
     * answer comes before whoever records the one given.
     */

    /** A cut-off token is answered 401, not 403 ({@code identity.boundary.RevokedTokenRefusal}). */
    public static final int REVOKED_TOKEN = 100;

    /** A token that may only enroll is told so ({@code identity.boundary.EnrollmentOnlyRefusal}). */
    public static final int ENROLLMENT_ONLY = 150;

    /** The denial that stands is counted in the audit log, last ({@code audit.control.AccessDenials}). */
    public static final int RECORDED = 200;

    private final SecurityContext security;
    private final HttpServletRequest request;
    private final String route;
    private final String reason;
    private ApplicationException answer;

    public AccessRefused(SecurityContext security, HttpServletRequest request, String route, String reason) {
        this.security = security;
        this.request = request;
        this.route = route;
        this.reason = reason;
    }

    public SecurityContext security() {
        return security;
    }

    public HttpServletRequest request() {
        return request;
    }

    /** The route template ({@code GET /api/users/{id}}), or "unmatched". */
    public String route() {
        return route;
    }

    public String reason() {
        return reason;
    }

    /** Answers with this instead of 403. */
    public void answerWith(ApplicationException answer) {
        this.answer = answer;
    }

    /** The other answer an observer chose, or null for the 403. */
    public ApplicationException answer() {
        return answer;
    }
}
