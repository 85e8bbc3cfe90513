package dev.vigile.common.pagination;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;

/** Writes a {@link Page} with {@code X-Total-Count} and an RFC 8288 {@code Link} header. */
public final class PageResponses {
  private PageResponses() {}

  public static Response ok(Page<?> page, UriInfo uri) {
    Response.ResponseBuilder builder =
        Response.ok(page, MediaType.APPLICATION_JSON_TYPE)
            .header("X-Total-Count", page.total());
    String links = links(page, uri);
    if (!links.isEmpty()) {
      builder.header("Link", links);
    }
    return builder.build();
  }

  static String links(Page<?> page, UriInfo uri) {
    long last = Math.max(1, page.pages());
    List<String> links = new ArrayList<>();
    links.add(link(uri, 1, page.size(), "first"));
    if (page.page() > 1) {
      links.add(link(uri, Math.min(page.page() - 1, last), page.size(), "prev"));
    }
    if (page.page() < page.pages()) {
      links.add(link(uri, page.page() + 1, page.size(), "next"));
    }
    links.add(link(uri, last, page.size(), "last"));
    return String.join(", ", links);
  }

  private static String link(UriInfo uri, long page, int size, String rel) {
    UriBuilder b = uri.getRequestUriBuilder().replaceQueryParam("page", page).replaceQueryParam("size", size);
    // Links are relative to the server root: the client resolves them against the request URL.
    String pathAndQuery = b.build().getRawPath() + "?" + b.build().getRawQuery();
    return "<" + pathAndQuery + ">; rel=\"" + rel + "\"";
  }
}
