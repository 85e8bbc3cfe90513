package dev.vigile.common.problem;

import dev.vigile.common.web.BodyLimitFilter;
import dev.vigile.common.web.Routes;
import jakarta.annotation.Priority;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JAX-RS side of the one error path: every exception becomes an RFC 9457 body, and nothing
 * internal (class names, SQL, stack traces) reaches the client.
 */
public final class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {}

    /** Our own exceptions carry their problem. */
    @Provider
    public static class ApplicationExceptionMapper implements ExceptionMapper<ApplicationException> {
        @Context
        HttpServletRequest request;

        @Context
        SecurityContext security;

        @Context
        jakarta.ws.rs.container.ResourceInfo resource;

        @jakarta.inject.Inject
        Refusals refusals;

        @Override
        public Response toResponse(ApplicationException e) {
            if (e.status() == 403) {
                AccessRefused refused = refusals.fire(new AccessRefused(
                        security, request, Routes.template(request.getMethod(), resource), e.getMessage()));
                if (refused.answer() != null) {
                    return ProblemResponses.of(refused.answer(), request);
                }
            }
            return ProblemResponses.of(e, request);
        }
    }

    /** Bean-validation failures on resource parameters: 400 with one entry per field. */
    @Provider
    public static class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {
        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(ConstraintViolationException e) {
            List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                    .map(v -> new Problem.FieldError(fieldName(v), v.getMessage()))
                    .sorted(Comparator.comparing(Problem.FieldError::field))
                    .toList();
            return ProblemResponses.of(ApplicationException.invalid(errors), request);
        }

        /** The last node of the path, e.g. {@code email} for {@code login.request.email}. */
        static String fieldName(ConstraintViolation<?> violation) {
            String name = "body";
            for (Path.Node node : violation.getPropertyPath()) {
                if (node.getKind() == jakarta.validation.ElementKind.PROPERTY) {
                    name = node.getName();
                }
            }
            return name;
        }
    }

    /** Statuses raised by JAX-RS itself (404, 405, 406, 415, 401/403 from the role filter). */
    @Provider
    public static class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
        @Context
        HttpServletRequest request;

        @Context
        SecurityContext security;

        @Context
        jakarta.ws.rs.container.ResourceInfo resource;

        @jakarta.inject.Inject
        Refusals refusals;

        @Override
        public Response toResponse(WebApplicationException e) {
            if (BodyLimitFilter.exceeded(request)) {
                return BodyLimitFilter.tooLarge(request);
            }
            int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
            if (status >= 500) {
                LOG.log(Level.SEVERE, "Server error answering " + ProblemResponses.instance(request), e);
                return ProblemResponses.of(500, "An unexpected error occurred.", request, null);
            }
            Map<String, String> headers = new HashMap<>();
            if (e instanceof NotAllowedException && e.getResponse() != null) {
                String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
                if (allow != null) {
                    headers.put(HttpHeaders.ALLOW, allow);
                }
            }
            if (status == 401 || e instanceof NotAuthorizedException) {
                headers.put(
                        HttpHeaders.WWW_AUTHENTICATE,
                        BearerChallenge.forRequest(request.getHeader(HttpHeaders.AUTHORIZATION)));
            }
            if (status == 403) {
                AccessRefused refused = refusals.fire(new AccessRefused(
                        security,
                        request,
                        Routes.template(request.getMethod(), resource),
                        "lacks the permission this endpoint requires"));
                if (refused.answer() != null) {
                    return ProblemResponses.of(refused.answer(), request);
                }
            }
            String detail = status == 400 ? malformedDetail(e) : ProblemTypes.defaultDetail(status);
            return ProblemResponses.of(status, detail, request, headers);
        }

        private static String malformedDetail(Throwable e) {
            return findCause(e, JsonbException.class) != null || findCause(e, JsonParsingException.class) != null
                    ? ProcessingExceptionMapper.MALFORMED
                    : "The request is malformed.";
        }
    }

    /** Unreadable or unknown JSON: Jersey wraps the JSON-B error in a ProcessingException. */
    @Provider
    public static class ProcessingExceptionMapper implements ExceptionMapper<ProcessingException> {
        static final String MALFORMED =
                "The body is not valid JSON of the expected shape, or names a property this endpoint does"
                        + " not accept.";

        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(ProcessingException e) {
            if (BodyLimitFilter.exceeded(request)) {
                return BodyLimitFilter.tooLarge(request);
            }
            return ProblemResponses.of(400, MALFORMED, request, null);
        }
    }

    /** JSON-B errors that escape unwrapped. */
    @Provider
    public static class JsonbExceptionMapper implements ExceptionMapper<JsonbException> {
        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(JsonbException e) {
            if (BodyLimitFilter.exceeded(request)) {
                return BodyLimitFilter.tooLarge(request);
            }
            return ProblemResponses.of(400, ProcessingExceptionMapper.MALFORMED, request, null);
        }
    }

    /**
     * A transaction that failed to commit. Jersey ships a mapper for this type that rethrows, which
     * would end in an empty 500; this one, preferred by its priority, answers like any other error.
     */
    @Provider
    @Priority(1)
    public static class TransactionalExceptionMapper
            implements ExceptionMapper<jakarta.transaction.TransactionalException> {
        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(jakarta.transaction.TransactionalException e) {
            if (findCause(e, jakarta.transaction.SystemException.class) != null
                    || findCause(e, jakarta.transaction.RollbackException.class) != null) {
                // The commit itself failed (the database went away mid-transaction, or refused it at
                // commit time): nothing the client sent was wrong, and the change did not take.
                LOG.log(Level.WARNING, "Commit failed answering " + ProblemResponses.instance(request), e);
                return ProblemResponses.of(
                        ApplicationException.unavailable("The change could not be committed; retry shortly.", 2),
                        request);
            }
            return CatchAllMapper.map(e, request);
        }
    }

    /** Anything else is our fault: log it, answer a generic 500 without internals. */
    @Provider
    public static class CatchAllMapper implements ExceptionMapper<Throwable> {
        @Context
        HttpServletRequest request;

        @Override
        public Response toResponse(Throwable e) {
            return map(e, request);
        }

        static Response map(Throwable e, HttpServletRequest request) {
            if (BodyLimitFilter.exceeded(request)) {
                return BodyLimitFilter.tooLarge(request);
            }
            ApplicationException app = findCause(e, ApplicationException.class);
            if (app != null) {
                return ProblemResponses.of(app, request);
            }
            if (findCause(e, JsonbException.class) != null || findCause(e, JsonException.class) != null) {
                return ProblemResponses.of(400, ProcessingExceptionMapper.MALFORMED, request, null);
            }
            if (findCause(e, java.nio.charset.UnsupportedCharsetException.class) != null
                    || findCause(e, java.nio.charset.IllegalCharsetNameException.class) != null) {
                return ProblemResponses.of(415, "The body's charset is not supported; send UTF-8.", request, null);
            }
            if (findCause(e, jakarta.persistence.OptimisticLockException.class) != null
                    || findCause(e, org.hibernate.StaleStateException.class) != null) {
                return ProblemResponses.of(
                        ApplicationException.conflict("The resource was changed by another request meanwhile; retry."),
                        request);
            }
            if (DatabaseUnavailable.isCause(e)) {
                LOG.log(Level.WARNING, "Database unavailable: {0}", e.toString());
                return ProblemResponses.of(
                        ApplicationException.unavailable("The database is unavailable; retry shortly.", 2), request);
            }
            LOG.log(Level.SEVERE, "Unexpected error answering " + ProblemResponses.instance(request), e);
            return ProblemResponses.of(500, "An unexpected error occurred.", request, null);
        }
    }

    static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
