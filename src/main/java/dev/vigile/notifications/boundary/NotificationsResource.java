package dev.vigile.notifications.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.pagination.PageParams;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.pagination.PageResponses;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.PathIds;
import dev.vigile.notifications.control.InboxQueries;
import dev.vigile.notifications.control.NotificationService;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller's inbox. */
@Path("/notifications")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class NotificationsResource {
    static final PageRequest.Sorts SORTS = new PageRequest.Sorts(
            Map.of("id", "id", "createdAt", "id"), "id", false, java.util.Set.of("id", "createdAt"));

    @Inject
    NotificationService inbox;

    @Inject
    InboxQueries queries;

    @Inject
    JsonWebToken jwt;

    @Context
    UriInfo uri;

    /**
     * {@code GET /api/notifications} : 200 page of the caller's notifications, newest first; {@code
     * unread=true} keeps the unread ones; {@code before} (an id) pages by id and {@code next} then
     * uses it; 400 bad paging or filter.
     */
    @GET
    @RolesAllowed(Permissions.SIGNED_IN)
    public Response list(@QueryParam("unread") String unread) {
        boolean unreadOnly = false;
        if (unread != null && !unread.isBlank()) {
            switch (unread.strip()) {
                case "true" -> unreadOnly = true;
                case "false" -> unreadOnly = false;
                default -> throw ApplicationException.invalid("unread", "must be true or false");
            }
        }
        PageRequest request = PageParams.parse(uri, SORTS);
        return PageResponses.ok(
                queries.page(CurrentCaller.of(jwt).userId(), unreadOnly, request)
                        .map(NotificationResponse::from),
                request,
                uri,
                NotificationResponse::id);
    }

    /** {@code GET /api/notifications/unread-count} : 200 {@code {count}}. */
    @GET
    @Path("/unread-count")
    @RolesAllowed(Permissions.SIGNED_IN)
    public Map<String, Long> unreadCount() {
        return Map.of("count", queries.unreadCount(CurrentCaller.of(jwt).userId()));
    }

    /** {@code POST /api/notifications/{id}/read} : 204; 404 another user's or unknown id. */
    @POST
    @Path("/{id}/read")
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes(MediaType.WILDCARD)
    public Response read(@PathParam("id") String id) {
        if (!inbox.markRead(CurrentCaller.of(jwt).userId(), PathIds.number(id, "No such notification."))) {
            throw ApplicationException.notFound("No such notification.");
        }
        return Response.noContent().build();
    }

    /** {@code POST /api/notifications/read-all} : 204, every unread notification read. */
    @POST
    @Path("/read-all")
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes(MediaType.WILDCARD)
    public Response readAll() {
        inbox.markAllRead(CurrentCaller.of(jwt).userId());
        return Response.noContent().build();
    }
}
