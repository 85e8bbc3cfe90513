package dev.vigile.security.boundary;

import static dev.vigile.security.boundary.AccessRulesFeature.Verdict.ALLOWED;
import static dev.vigile.security.boundary.AccessRulesFeature.Verdict.FORBIDDEN;
import static dev.vigile.security.boundary.AccessRulesFeature.Verdict.NO_CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.lang.reflect.Method;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class AccessRulesFeatureTest {
    @DenyAll
    static class Denied {
        @RolesAllowed({"users:read", "ADMIN"})
        public void roles() {}

        @PermitAll
        public void open() {}

        public void unmarked() {}

        @DenyAll
        public void closed() {}
    }

    @RolesAllowed("USER")
    static class SignedIn {
        public void unmarked() {}

        @PermitAll
        public void open() {}
    }

    static class Plain {
        public void unmarked() {}
    }

    private static Method method(Class<?> c, String name) throws NoSuchMethodException {
        return c.getMethod(name);
    }

    @Test
    void theMethodDecidesElseItsClassAndAMethodWithoutAnAnnotationInADenyAllClassIsRefused() throws Exception {
        assertEquals(
                Set.of("users:read", "ADMIN"),
                AccessRulesFeature.allowedGroups(method(Denied.class, "roles"), Denied.class));
        assertNull(AccessRulesFeature.allowedGroups(method(Denied.class, "open"), Denied.class));
        assertEquals(Set.of(), AccessRulesFeature.allowedGroups(method(Denied.class, "unmarked"), Denied.class));
        assertEquals(Set.of(), AccessRulesFeature.allowedGroups(method(Denied.class, "closed"), Denied.class));
        assertEquals(
                Set.of("USER"), AccessRulesFeature.allowedGroups(method(SignedIn.class, "unmarked"), SignedIn.class));
        assertNull(AccessRulesFeature.allowedGroups(method(SignedIn.class, "open"), SignedIn.class));
        assertNull(AccessRulesFeature.allowedGroups(method(Plain.class, "unmarked"), Plain.class));
    }

    @Test
    void openMeansNoCallerIsAskedFor() throws Exception {
        assertEquals(true, AccessRulesFeature.open(resource(method(Denied.class, "open"), Denied.class)));
        assertEquals(true, AccessRulesFeature.open(resource(method(SignedIn.class, "open"), SignedIn.class)));
        assertEquals(false, AccessRulesFeature.open(resource(method(Denied.class, "roles"), Denied.class)));
        assertEquals(false, AccessRulesFeature.open(resource(method(Denied.class, "unmarked"), Denied.class)));
        assertEquals(false, AccessRulesFeature.open(resource(method(Denied.class, "closed"), Denied.class)));
        assertEquals(false, AccessRulesFeature.open(resource(method(SignedIn.class, "unmarked"), SignedIn.class)));
        assertEquals(false, AccessRulesFeature.open(resource(null, null)), "no matched method: not open");
        assertEquals(false, AccessRulesFeature.open(null));
    }

    private static jakarta.ws.rs.container.ResourceInfo resource(Method method, Class<?> resourceClass) {
        return new jakarta.ws.rs.container.ResourceInfo() {
            @Override
            public Method getResourceMethod() {
                return method;
            }

            @Override
            public Class<?> getResourceClass() {
                return resourceClass;
            }
        };
    }

    @Test
    void aCallerNeedsAVerifiedTokenAndOneOfTheGroups() {
        var filter = new AccessRulesFeature.RolesFilter(Set.of("users:read", "ADMIN"));
        assertEquals(NO_CALLER, filter.verdict(null));
        assertEquals(
                NO_CALLER, filter.verdict(() -> "someone"), "a principal that is not a verified token is no caller");
        assertEquals(FORBIDDEN, filter.verdict(token(Set.of("USER"))));
        assertEquals(FORBIDDEN, filter.verdict(token(Set.of())));
        assertEquals(FORBIDDEN, filter.verdict(token(null)));
        assertEquals(
                FORBIDDEN,
                filter.verdict(token(Set.of("admin", "users:read ", "users:read\0", "\uFF21DMIN"))),
                "group names match exactly: no case or width folding, no trimming");
        assertEquals(ALLOWED, filter.verdict(token(Set.of("USER", "users:read"))));
        assertEquals(ALLOWED, filter.verdict(token(Set.of("ADMIN"))));
    }

    private static JsonWebToken token(Set<String> groups) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "caller@vigile.test";
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of();
            }

            @Override
            public <T> T getClaim(String claimName) {
                return null;
            }

            @Override
            public Set<String> getGroups() {
                return groups;
            }
        };
    }
}
