package dev.vigile.audit.boundary;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.audit.control.AuditFilter;
import dev.vigile.audit.control.AuditQueries;
import dev.vigile.common.Permissions;
import dev.vigile.common.pagination.PageParams;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.pagination.PageResponses;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The audit log: list, export and verification. */
@Path("/admin/audit")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    static final PageRequest.Sorts SORTS =
            new PageRequest.Sorts(Map.of("id", "id", "occurredAt", "occurred_at"), "id", false, java.util.Set.of("id"));

    /** The filters the list and the export share, as given (text; {@link AuditFilter} checks them). */
    record FilterParams(String actor, String action, String targetId, String outcome, String from, String to) {
        /** Read from the request's query, not as a {@code @BeanParam}: see {@link PageParams}. */
        static FilterParams of(UriInfo uri) {
            MultivaluedMap<String, String> q = uri.getQueryParameters();
            return new FilterParams(
                    q.getFirst("actor"),
                    q.getFirst("action"),
                    q.getFirst("targetId"),
                    q.getFirst("outcome"),
                    q.getFirst("from"),
                    q.getFirst("to"));
        }

        AuditFilter parse() {
            return AuditFilter.parse(actor, action, targetId, outcome, from, to);
        }
    }

    @Inject
    AuditQueries queries;

    @Inject
    AuditLog audit;

    @Inject
    JsonWebToken jwt;

    @Context
    UriInfo uri;

    /**
     * {@code GET /api/admin/audit} : 200 page of events, newest first (sort {@code id} or {@code
     * occurredAt}); filters {@code actor} (id or email), {@code action}, {@code targetId}, {@code
     * outcome}, {@code from} (inclusive), {@code to} (exclusive); {@code before} (an id) pages by
     * id, newest first, and {@code next} then uses it; 400 bad filter or paging.
     */
    @GET
    @RolesAllowed(Permissions.AUDIT_READ)
    public Response list() {
        AuditFilter filter = FilterParams.of(uri).parse();
        PageRequest request = PageParams.parse(uri, SORTS);
        return PageResponses.ok(
                queries.page(filter, request).map(AuditEventResponse::from), request, uri, AuditEventResponse::id);
    }

    /**
     * {@code GET /api/admin/audit/verify} : 200 {@code {valid, checked, firstBrokenId,
     * archivedThrough}}; with {@code ?resume=true}, only what was appended since the last verify
     * that passed, and {@code resumedAfter} names where that one ended.
     */
    @GET
    @Path("/verify")
    @RolesAllowed(Permissions.AUDIT_READ)
    public AuditQueries.Verification verify() {
        List<String> resume = uri.getQueryParameters().get("resume");
        boolean resumed = false;
        if (resume != null) {
            if (resume.size() != 1
                    || !(resume.get(0).equals("true") || resume.get(0).equals("false"))) {
                throw ApplicationException.invalid("resume", "must be true or false");
            }
            resumed = resume.get(0).equals("true");
        }
        return queries.verify(resumed);
    }

    /**
     * {@code GET /api/admin/audit/export} : 200 {@code text/csv} of the matching events, oldest
     * first, streamed; same filters as the list. The export itself is audited.
     */
    @GET
    @Path("/export")
    @Produces("text/csv")
    @RolesAllowed(Permissions.AUDIT_READ)
    public Response export() {
        FilterParams params = FilterParams.of(uri);
        AuditFilter filter = params.parse();
        CurrentCaller caller = CurrentCaller.of(jwt);
        audit.recordAlone(AuditEntry.success(AuditActions.AUDIT_EXPORTED)
                .actor(caller.userId(), caller.email())
                .detail("actor", params.actor())
                .detail("action", params.action())
                .detail("targetId", params.targetId())
                .detail("outcome", params.outcome())
                .detail("from", params.from())
                .detail("to", params.to()));
        StreamingOutput body = out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.write(AuditCsv.HEADER);
            w.write("\r\n");
            queries.export(filter, e -> AuditCsv.write(w, e));
            w.flush();
        };
        return Response.ok(body, "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"vigile-audit.csv\"")
                .build();
    }
}
