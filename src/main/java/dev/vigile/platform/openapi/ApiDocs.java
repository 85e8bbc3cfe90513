package dev.vigile.platform.openapi;

import dev.vigile.common.problem.ProblemTypes;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Completes the OpenAPI document Payara generates from the resources: title and description, the
 * bearer security scheme, the problem+json schema, and for each route of {@link ApiCatalog} its
 * summary, security, success and problem responses and an example body.
 */
public class ApiDocs implements OASFilter {
    static final String PROBLEM = "Problem";
    static final String BEARER = "bearer";

    private static final Map<Integer, String> REASONS = Map.of(
            400, "Malformed body, unknown property or invalid field (with errors)",
            401, "Missing, invalid, expired or revoked access token (WWW-Authenticate: Bearer)",
            403, "Signed in but lacking the permission, or an anti-escalation rule",
            404, "No such resource",
            409, "Conflict (taken, last admin, system role, concurrent change)",
            413, "Body over 64 KiB",
            415, "Content-Type is not application/json",
            429, "Too many requests of this kind for now (Retry-After)");

    @Override
    public void filterOpenAPI(OpenAPI api) {
        api.info(OASFactory.createInfo()
                .title("Vigile")
                .version("0.1.0")
                .description("Identity and user management for Jakarta EE. Errors are application/problem+json"
                        + " (RFC 9457). Sign in with POST /api/auth/login, then Authorize with the"
                        + " access_token. Lists page with page, size (1-100) and sort, and answer"
                        + " X-Total-Count and an RFC 8288 Link header."));
        if (api.getComponents() == null) {
            api.components(OASFactory.createComponents());
        }
        api.getComponents()
                .addSecurityScheme(
                        BEARER,
                        OASFactory.createSecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .bearerFormat("JWT")
                                .description("The access_token of a token response (RS256, 5 minutes)."))
                .addSchema(PROBLEM, problemSchema());
        if (api.getPaths() == null) {
            return;
        }
        addServedOutsideJaxRs(api);
        for (ApiCatalog.Entry entry : ApiCatalog.ENTRIES) {
            PathItem item = api.getPaths().getPathItem(entry.path());
            if (item == null) {
                continue;
            }
            Operation op = item.getOperations().get(PathItem.HttpMethod.valueOf(entry.method()));
            if (op != null) {
                describe(op, entry);
            }
        }
    }

    /**
     * The routes served by servlets (discovery, OAuth 2.0, shared signals), which the scan of the
     * JAX-RS resources cannot see. Their bodies follow their RFCs (forms, SSF JSON); the OAuth
     * endpoints' errors are OAuth's {@code {"error", "error_description"}} and the shared-signals
     * endpoints' problem+json, so no schema of properties is given.
     */
    static void addServedOutsideJaxRs(OpenAPI api) {
        for (ApiCatalog.Served served : ApiCatalog.SERVED) {
            PathItem item = api.getPaths().getPathItem(served.path());
            if (item == null) {
                item = OASFactory.createPathItem();
                api.getPaths().addPathItem(served.path(), item);
            }
            Operation op = OASFactory.createOperation()
                    .summary(served.summary())
                    .description(served.description())
                    .operationId(operationId(new ApiCatalog.Entry(
                            served.method(), served.path(), served.tag(), "", "", 200, List.of(), null)))
                    .tags(List.of(served.tag()));
            APIResponses responses = OASFactory.createAPIResponses();
            for (int status : served.statuses()) {
                responses.addAPIResponse(
                        Integer.toString(status),
                        OASFactory.createAPIResponse()
                                .description(REASONS.getOrDefault(status, successDescription(status))));
            }
            op.responses(responses);
            if (served.bodyType() != null) {
                op.requestBody(OASFactory.createRequestBody()
                        .required(true)
                        .content(OASFactory.createContent()
                                .addMediaType(served.bodyType(), OASFactory.createMediaType())));
            }
            if (served.bearer()) {
                op.security(List.of(OASFactory.createSecurityRequirement().addScheme(BEARER)));
            }
            item.setOperation(PathItem.HttpMethod.valueOf(served.method()), op);
        }
    }

    private static void describe(Operation op, ApiCatalog.Entry entry) {
        op.summary(entry.summary()).operationId(operationId(entry)).tags(List.of(entry.tag()));
        boolean isPublic = entry.access().equals(ApiCatalog.PUBLIC);
        if (!isPublic) {
            op.security(List.of(OASFactory.createSecurityRequirement().addScheme(BEARER)));
            op.description("Requires "
                    + (entry.access().contains(":") ? "the permission " + entry.access() : "a signed-in user") + ".");
        }
        APIResponses responses = OASFactory.createAPIResponses();
        APIResponse success = OASFactory.createAPIResponse().description(successDescription(entry.success()));
        APIResponse generated =
                op.getResponses() == null ? null : op.getResponses().getDefaultValue();
        if (entry.success() != 204 && generated != null && generated.getContent() != null) {
            success.content(generated.getContent());
        }
        responses.addAPIResponse(Integer.toString(entry.success()), success);
        List<Integer> errors = new java.util.ArrayList<>(entry.errors());
        if (!isPublic) {
            errors.add(401);
            if (entry.access().contains(":")) {
                errors.add(403);
            }
        }
        errors.stream()
                .distinct()
                .sorted()
                .forEach(code -> responses.addAPIResponse(Integer.toString(code), problem(code)));
        op.responses(responses);
        if (entry.example() != null
                && op.getRequestBody() != null
                && op.getRequestBody().getContent() != null) {
            op.getRequestBody().required(true);
            Object example = plain(jakarta.json.Json.createReader(new java.io.StringReader(entry.example()))
                    .readValue());
            op.getRequestBody().getContent().getMediaTypes().values().forEach(m -> m.example(example));
        }
    }

    /** A JSON value as maps, lists, strings, numbers and booleans, so the example is an object. */
    static Object plain(jakarta.json.JsonValue v) {
        return switch (v.getValueType()) {
            case OBJECT -> {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                v.asJsonObject().forEach((k, x) -> m.put(k, plain(x)));
                yield m;
            }
            case ARRAY -> v.asJsonArray().stream().map(ApiDocs::plain).toList();
            case STRING -> ((jakarta.json.JsonString) v).getString();
            case NUMBER -> ((jakarta.json.JsonNumber) v).numberValue();
            case TRUE -> true;
            case FALSE -> false;
            default -> null;
        };
    }

    private static String operationId(ApiCatalog.Entry entry) {
        String name =
                (entry.method() + entry.path()).replaceAll("[^A-Za-z0-9]+", " ").trim();
        StringBuilder id = new StringBuilder();
        for (String word : name.split(" ")) {
            if (word.isEmpty() || word.equalsIgnoreCase("api")) {
                continue;
            }
            String w = word.toLowerCase(Locale.ROOT);
            id.append(id.length() == 0 ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1));
        }
        return id.toString();
    }

    private static String successDescription(int status) {
        return switch (status) {
            case 201 -> "Created (Location header)";
            case 202 -> "Accepted: stored, delivery follows";
            case 204 -> "Done, no body";
            default -> "OK";
        };
    }

    private static APIResponse problem(int status) {
        Content content = OASFactory.createContent()
                .addMediaType(
                        "application/problem+json",
                        OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref("#/components/schemas/" + PROBLEM))
                                .example("{\"type\":\"" + ProblemTypes.forStatus(status)[0] + "\",\"title\":\""
                                        + ProblemTypes.forStatus(status)[1] + "\",\"status\":" + status
                                        + ",\"detail\":\"...\",\"instance\":\"/api/...\"}"));
        return OASFactory.createAPIResponse()
                .description(REASONS.getOrDefault(status, "Problem"))
                .content(content);
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().type(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema()
                .type(Schema.SchemaType.OBJECT)
                .addProperty("field", string)
                .addProperty("message", string);
        return OASFactory.createSchema()
                .type(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details; errors only for validation problems.")
                .addProperty(
                        "type",
                        OASFactory.createSchema().type(Schema.SchemaType.STRING).format("uri"))
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().type(Schema.SchemaType.INTEGER))
                .addProperty("detail", string)
                .addProperty("instance", string)
                .addProperty(
                        "errors",
                        OASFactory.createSchema().type(Schema.SchemaType.ARRAY).items(fieldError));
    }
}
