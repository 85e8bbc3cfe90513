package dev.vigile.common.problem;

import java.util.List;
import java.util.Map;

/**
 * An error the client caused or must know about, mapped to problem+json by {@link
 * ProblemMappers}. Its detail is shown to the client, so it never carries internals.
 */
public class ApplicationException extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final Map<String, String> headers;

    public ApplicationException(
            int status,
            String type,
            String title,
            String detail,
            List<Problem.FieldError> errors,
            Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = errors;
        this.headers = headers == null ? Map.of() : headers;
    }

    public ApplicationException(int status, String type, String title, String detail) {
        this(status, type, title, detail, null, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    /** Extra response headers, such as {@code Retry-After} or {@code WWW-Authenticate}. */
    public Map<String, String> headers() {
        return headers;
    }

    public static ApplicationException notFound(String detail) {
        return new ApplicationException(404, ProblemTypes.NOT_FOUND, "Not found", detail);
    }

    public static ApplicationException conflict(String detail) {
        return new ApplicationException(409, ProblemTypes.CONFLICT, "Conflict", detail);
    }

    public static ApplicationException forbidden(String detail) {
        return new ApplicationException(403, ProblemTypes.FORBIDDEN, "Forbidden", detail);
    }

    public static ApplicationException badRequest(String detail) {
        return new ApplicationException(400, ProblemTypes.MALFORMED_BODY, "Bad request", detail);
    }

    /** A validation problem on one or more fields. */
    public static ApplicationException invalid(List<Problem.FieldError> errors) {
        return new ApplicationException(
                400,
                ProblemTypes.VALIDATION,
                "Validation failed",
                "The request has invalid fields.",
                List.copyOf(errors),
                null);
    }

    public static ApplicationException invalid(String field, String message) {
        return invalid(List.of(new Problem.FieldError(field, message)));
    }

    /** 401 with the RFC 6750 challenge. */
    public static ApplicationException unauthorized(String type, String title, String detail) {
        return new ApplicationException(
                401, type, title, detail, null, Map.of("WWW-Authenticate", BearerChallenge.INVALID_TOKEN));
    }

    public static ApplicationException tooManyRequests(long retryAfterSeconds) {
        return new ApplicationException(
                429,
                ProblemTypes.TOO_MANY_REQUESTS,
                "Too many requests",
                "Too many requests of this kind for now; retry after " + retryAfterSeconds + " seconds.",
                null,
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    public static ApplicationException unavailable(String detail, long retryAfterSeconds) {
        return new ApplicationException(
                503,
                ProblemTypes.SERVICE_UNAVAILABLE,
                "Service unavailable",
                detail,
                null,
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }
}
