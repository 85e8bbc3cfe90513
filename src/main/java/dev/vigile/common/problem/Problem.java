package dev.vigile.common.problem;

import java.util.List;

/**
 * An RFC 9457 problem details body; {@code errors} is present only for validation problems.
 *
 * @param type URI naming the kind of problem (see {@link ProblemTypes})
 * @param title short summary of the kind of problem
 * @param status HTTP status code
 * @param detail what went wrong in this occurrence, safe to show to the client
 * @param instance the request path the problem occurred on
 * @param errors field errors, for validation problems only
 */
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    /** One invalid field. */
    public record FieldError(String field, String message) {}

    public static final String MEDIA_TYPE = "application/problem+json";
}
