package dev.vigile.security.boundary;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Arrays;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Enforces the API's access annotations, as MicroProfile JWT specifies them ({@code @RolesAllowed}
 * names groups of the caller's token), with the caller {@link BearerTokenAuthModule} established:
 *
 * <ul>
 *   <li>{@code @PermitAll}: anyone;
 *   <li>{@code @RolesAllowed}: a caller with a verified token (else 401, then {@code
 *       WWW-Authenticate: Bearer}) holding one of the groups (else 403);
 *   <li>{@code @DenyAll}: no one (403).
 * </ul>
 *
 * The method's annotation decides, else its class's. Every resource class is {@code @DenyAll}
 * and every resource method names what it allows ({@code AccessMatrixIT}), so a method that
 * forgot its annotation is refused, not open.
 *
 * <p>Why not Payara's roles filter: it asks Jakarta Security for the caller (Soteria's subject
 * parser, which loads a class by name on each use) and JACC for each role, 9 % of a {@code GET
 * /api/users/me}'s CPU, and, finding no caller, authenticates the request a second time. The
 * groups are already in the verified token.
 */
@Provider
public class AccessRulesFeature implements DynamicFeature {
    private static final ContainerRequestFilter DENY_ALL = request -> {
        throw new ForbiddenException();
    };

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return;
        }
        Set<String> allowed = allowedGroups(method, resource.getResourceClass());
        if (allowed == null) {
            return;
        }
        context.register(allowed.isEmpty() ? DENY_ALL : new RolesFilter(allowed), Priorities.AUTHORIZATION);
    }

    /**
     * Whether the resource method is open to anyone: its answer does not depend on a caller, so a
     * stale {@code Authorization} header a client still sends changes nothing there.
     */
    public static boolean open(ResourceInfo resource) {
        return resource != null
                && resource.getResourceMethod() != null
                && allowedGroups(resource.getResourceMethod(), resource.getResourceClass()) == null;
    }

    /**
     * The groups a caller needs, one of them: null for anyone, empty for no one. The method's
     * annotation decides, else its class's; with neither, anyone, as in JAX-RS.
     */
    static Set<String> allowedGroups(Method method, Class<?> resourceClass) {
        AnnotatedElement decides =
                decides(method) ? method : resourceClass != null && decides(resourceClass) ? resourceClass : null;
        if (decides == null) {
            return null;
        }
        if (decides.isAnnotationPresent(DenyAll.class)) {
            return Set.of();
        }
        RolesAllowed roles = decides.getAnnotation(RolesAllowed.class);
        return roles == null ? null : Set.copyOf(Arrays.asList(roles.value()));
    }

    private static boolean decides(AnnotatedElement element) {
        return element.isAnnotationPresent(DenyAll.class)
                || element.isAnnotationPresent(RolesAllowed.class)
                || element.isAnnotationPresent(PermitAll.class);
    }

    /** What a request gets from a rule. */
    enum Verdict {
        ALLOWED,
        NO_CALLER,
        FORBIDDEN
    }

    /** A caller with a verified token holding one of the groups. */
    static final class RolesFilter implements ContainerRequestFilter {
        private final Set<String> allowed;

        RolesFilter(Set<String> allowed) {
            this.allowed = allowed;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            switch (verdict(request.getSecurityContext().getUserPrincipal())) {
                case NO_CALLER ->
                    throw new NotAuthorizedException(
                            Response.status(Response.Status.UNAUTHORIZED).build());
                case FORBIDDEN -> throw new ForbiddenException();
                case ALLOWED -> {}
            }
        }

        /** Group names match exactly, as they are written in the token and the annotation. */
        Verdict verdict(Principal caller) {
            if (!(caller instanceof JsonWebToken token)) {
                return Verdict.NO_CALLER;
            }
            Set<String> groups = token.getGroups();
            if (groups != null) {
                for (String group : allowed) {
                    if (groups.contains(group)) {
                        return Verdict.ALLOWED;
                    }
                }
            }
            return Verdict.FORBIDDEN;
        }
    }
}
