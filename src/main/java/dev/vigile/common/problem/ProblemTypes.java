package dev.vigile.common.problem;

/** The problem {@code type} URIs Vigile uses; documented in {@code docs/errors.md}. */
public final class ProblemTypes {
    private static final String BASE = "https://vigile.dev/problems/";

    public static final String VALIDATION = BASE + "validation";
    public static final String MALFORMED_BODY = BASE + "malformed-body";
    public static final String UNAUTHORIZED = BASE + "unauthorized";
    public static final String INVALID_CREDENTIALS = BASE + "invalid-credentials";
    public static final String INVALID_REFRESH_TOKEN = BASE + "invalid-refresh-token";
    public static final String FORBIDDEN = BASE + "forbidden";
    /** A mailed token (reset, verification) that is unknown, expired, used or voided. */
    public static final String INVALID_TOKEN = BASE + "invalid-token";
    /** A login to an unverified account while verified addresses are required. */
    public static final String EMAIL_NOT_VERIFIED = BASE + "email-not-verified";
    /** A wrong, replayed or missing second-factor code, or an unknown or used MFA token. */
    public static final String INVALID_MFA_CODE = BASE + "invalid-mfa-code";
    /** The caller's role requires MFA and they have not enrolled: only enrollment is allowed. */
    public static final String MFA_ENROLLMENT_REQUIRED = BASE + "mfa-enrollment-required";

    public static final String NOT_FOUND = BASE + "not-found";
    public static final String METHOD_NOT_ALLOWED = BASE + "method-not-allowed";
    public static final String NOT_ACCEPTABLE = BASE + "not-acceptable";
    public static final String CONFLICT = BASE + "conflict";
    public static final String PAYLOAD_TOO_LARGE = BASE + "payload-too-large";
    public static final String UNSUPPORTED_MEDIA_TYPE = BASE + "unsupported-media-type";
    public static final String TOO_MANY_REQUESTS = BASE + "too-many-requests";
    public static final String SERVICE_UNAVAILABLE = BASE + "service-unavailable";
    public static final String INTERNAL = BASE + "internal";
    /** For statuses without a more specific type. */
    public static final String HTTP = BASE + "http";

    private ProblemTypes() {}

    /** The detail shown for a bare HTTP status, by both the JAX-RS and the servlet error paths. */
    public static String defaultDetail(int status) {
        return switch (status) {
            case 400 -> "The request is malformed.";
            case 401 -> "A valid access token is required.";
            case 403 -> "You do not have the permission this action requires.";
            case 404 -> "No resource at this path.";
            case 405 -> "This method is not allowed on this resource.";
            case 406 -> "This resource cannot produce the requested media type.";
            case 413 -> "The request body exceeds the size limit.";
            case 415 -> "This resource expects application/json.";
            default -> status >= 500 ? "An unexpected error occurred." : "The request could not be processed.";
        };
    }

    /** The type and title used for a bare HTTP status. */
    public static String[] forStatus(int status) {
        return switch (status) {
            case 400 -> new String[] {MALFORMED_BODY, "Bad request"};
            case 401 -> new String[] {UNAUTHORIZED, "Unauthorized"};
            case 403 -> new String[] {FORBIDDEN, "Forbidden"};
            case 404 -> new String[] {NOT_FOUND, "Not found"};
            case 405 -> new String[] {METHOD_NOT_ALLOWED, "Method not allowed"};
            case 406 -> new String[] {NOT_ACCEPTABLE, "Not acceptable"};
            case 409 -> new String[] {CONFLICT, "Conflict"};
            case 413 -> new String[] {PAYLOAD_TOO_LARGE, "Payload too large"};
            case 415 -> new String[] {UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"};
            case 429 -> new String[] {TOO_MANY_REQUESTS, "Too many requests"};
            case 503 -> new String[] {SERVICE_UNAVAILABLE, "Service unavailable"};
            case 500 -> new String[] {INTERNAL, "Internal error"};
            default -> new String[] {HTTP, status >= 500 ? "Server error" : "Request error"};
        };
    }
}
