package dev.vigile.common.web;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;

/**
 * Media types are case-insensitive (RFC 9110 §8.3.1): {@code Content-Type: application/JSON} is
 * JSON. The type and subtype are lower-cased before resources are matched, so such a body is not
 * refused with 415; parameters (the charset's value among them) are left as sent.
 */
@Provider
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
public class MediaTypeCase implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext context) {
        String type = context.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return;
        }
        String lowered = lowerTypeAndSubtype(type);
        if (!lowered.equals(type)) {
            context.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, lowered);
        }
    }

    static String lowerTypeAndSubtype(String header) {
        int semicolon = header.indexOf(';');
        String essence = semicolon < 0 ? header : header.substring(0, semicolon);
        return essence.toLowerCase(Locale.ROOT) + (semicolon < 0 ? "" : header.substring(semicolon));
    }
}
