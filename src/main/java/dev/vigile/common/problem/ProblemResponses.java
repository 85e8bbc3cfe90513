package dev.vigile.common.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** Builds problem+json responses; the one place that knows the response shape. */
public final class ProblemResponses {
    private ProblemResponses() {}

    public static Response of(ApplicationException e, HttpServletRequest request) {
        Response.ResponseBuilder builder = Response.status(e.status(), reason(e.status()))
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(e.type(), e.title(), e.status(), e.getMessage(), instance(request), e.errors()));
        e.headers().forEach(builder::header);
        return builder.build();
    }

    /** Reason phrases JAX-RS does not know (it would print "CUSTOM"). */
    private static String reason(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known != null ? known.getReasonPhrase() : status == 429 ? "Too Many Requests" : "Error";
    }

    /** A problem for a bare status, with the default type and title of that status. */
    public static Response of(int status, String detail, HttpServletRequest request, Map<String, String> headers) {
        String[] typeAndTitle = ProblemTypes.forStatus(status);
        return of(new ApplicationException(status, typeAndTitle[0], typeAndTitle[1], detail, null, headers), request);
    }

    public static Problem problem(int status, String detail, String instance, List<Problem.FieldError> errors) {
        String[] typeAndTitle = ProblemTypes.forStatus(status);
        return new Problem(typeAndTitle[0], typeAndTitle[1], status, detail, instance, errors);
    }

    /** The request path, without query (which may carry secrets). */
    public static String instance(HttpServletRequest request) {
        return request == null ? null : request.getRequestURI();
    }
}
