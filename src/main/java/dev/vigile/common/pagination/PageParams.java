package dev.vigile.common.pagination;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;

/**
 * The paging query parameters every list shares: {@code page} (from 1), {@code size} (1 to
 * {@value PageRequest#MAX_SIZE}) and {@code sort} ({@code field} or {@code -field}), and {@code
 * before} on lists that page by id. Read as text, so that a bad value is a 400 naming it, not a
 * 404; the first value counts when one is repeated, as with {@code @QueryParam}.
 *
 * <p>Read from the request's query rather than as a {@code @BeanParam}: Jersey builds a bean
 * parameter through HK2 on every request, and resolves a parameter converter for each of its
 * fields again each time (two reflective lookups that throw per field).
 */
public final class PageParams {
    private PageParams() {}

    /** The request these parameters make with the list's sorts; 400 naming a bad parameter. */
    public static PageRequest parse(UriInfo uri, PageRequest.Sorts sorts) {
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        return PageRequest.parse(
                query.getFirst("page"),
                query.getFirst("size"),
                query.getFirst("sort"),
                query.getFirst("before"),
                sorts);
    }
}
