package dev.vigile.common.pagination;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** Writes a {@link Page} with {@code X-Total-Count} and an RFC 8288 {@code Link} header. */
public final class PageResponses {
    private PageResponses() {}

    public static Response ok(Page<?> page, UriInfo uri) {
        return respond(page, links(page, uri.getRequestUriBuilder(), null, false));
    }

    /**
     * A page of a list that also pages by id ({@code before}): in its newest-first order, {@code
     * next} asks for the items older than this page's last one, so that items added meanwhile
     * neither repeat nor push others out of reach; {@code prev} is left out of a keyset page.
     */
    public static <T> Response ok(Page<T> page, PageRequest request, UriInfo uri, ToLongFunction<? super T> id) {
        Long next = request.keyset() && page.more() && !page.items().isEmpty()
                ? id.applyAsLong(page.items().get(page.items().size() - 1))
                : null;
        return respond(page, links(page, uri.getRequestUriBuilder(), next, request.before() != null));
    }

    private static Response respond(Page<?> page, String links) {
        Response.ResponseBuilder builder =
                Response.ok(page, MediaType.APPLICATION_JSON_TYPE).header("X-Total-Count", page.total());
        if (!links.isEmpty()) {
            builder.header("Link", links);
        }
        return builder.build();
    }

    /**
     * first, prev, next, last; {@code next} asks for the items before {@code nextBefore} when
     * given; a keyset page ({@code keysetPage}: page 1 of the items before an id) has no numbered
     * {@code next}.
     */
    static String links(Page<?> page, UriBuilder uri, Long nextBefore, boolean keysetPage) {
        long last = Math.max(1, page.pages());
        List<String> links = new ArrayList<>();
        links.add(link(uri, 1, page.size(), "first"));
        if (page.page() > 1) {
            links.add(link(uri, Math.min(page.page() - 1, last), page.size(), "prev"));
        }
        if (nextBefore != null) {
            links.add(before(uri, nextBefore, page.size()));
        } else if (!keysetPage && page.page() < page.pages()) {
            links.add(link(uri, page.page() + 1, page.size(), "next"));
        }
        links.add(link(uri, last, page.size(), "last"));
        return String.join(", ", links);
    }

    private static String link(UriBuilder uri, long page, int size, String rel) {
        return format(
                uri.clone()
                        .replaceQueryParam("before")
                        .replaceQueryParam("page", page)
                        .replaceQueryParam("size", size),
                rel);
    }

    private static String before(UriBuilder uri, long before, int size) {
        return format(
                uri.clone()
                        .replaceQueryParam("page")
                        .replaceQueryParam("before", before)
                        .replaceQueryParam("size", size),
                "next");
    }

    private static String format(UriBuilder b, String rel) {
        // Links are relative to the server root: the client resolves them against the request URL.
        java.net.URI built = b.build();
        return "<" + built.getRawPath() + "?" + built.getRawQuery() + ">; rel=\"" + rel + "\"";
    }
}
