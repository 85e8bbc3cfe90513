package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vigile as other services see it (issue 35), on a server of its own whose {@code
 * VIGILE_PUBLIC_URL} is its address, so that the issuer is a URL: a third party's library (Nimbus
 * OAuth 2.0 SDK and JOSE+JWT) discovers it from the issuer alone, takes a service account's token,
 * validates tokens with the published keys and introspects them.
 */
class OtherServicesIT {
    static VigileUnderTest vigile;
    static Api api;
    static String issuer;

    @BeforeAll
    static void start() throws Exception {
        int port = TestServer.freePort();
        issuer = "http://127.0.0.1:" + port;
        vigile = VigileUnderTest.named("others")
                .port(port)
                .set("VIGILE_PUBLIC_URL", issuer + "/")
                .start();
        api = vigile.api();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vigile != null) {
            vigile.close();
        }
    }

    /** A service account with these permissions (through a role made for it): {clientId, secret}. */
    static String[] client(String admin, List<String> permissions) {
        String role = Api.uniqueRole("SVC");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", role, "permissions", permissions), admin)
                        .status());
        Api.Res r = api.post("/api/admin/clients", obj("name", "third party", "roles", List.of(role)), admin);
        assertEquals(201, r.status(), r.toString());
        return new String[] {
            r.json().get("clientId").asText(), r.json().get("clientSecret").asText()
        };
    }

    static AuthorizationServerMetadata discover() throws Exception {
        // Resolves {issuer}/.well-known/oauth-authorization-server and checks that its issuer is ours.
        return AuthorizationServerMetadata.resolve(new Issuer(issuer));
    }

    /** A verifier configured from the issuer alone, as a resource server would be. */
    static DefaultJWTProcessor<SecurityContext> verifier(AuthorizationServerMetadata metadata) throws Exception {
        JWKSource<SecurityContext> keys =
                JWKSourceBuilder.create(metadata.getJWKSetURI().toURL()).build();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                "vigile",
                new JWTClaimsSet.Builder()
                        .issuer(metadata.getIssuer().getValue())
                        .build(),
                Set.of("sub", "exp", "iat", "jti")));
        return processor;
    }

    @Test
    void aThirdPartyLibraryDiscoversVigileFromItsIssuer() throws Exception {
        AuthorizationServerMetadata metadata = discover();
        assertEquals(issuer, metadata.getIssuer().getValue());
        assertEquals(URI.create(issuer + "/oauth2/token"), metadata.getTokenEndpointURI());
        assertEquals(URI.create(issuer + "/oauth2/introspect"), metadata.getIntrospectionEndpointURI());
        assertEquals(URI.create(issuer + "/.well-known/jwks.json"), metadata.getJWKSetURI());
        assertEquals(List.of(GrantType.CLIENT_CREDENTIALS), metadata.getGrantTypes());
        assertEquals(
                List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST),
                metadata.getTokenEndpointAuthMethods());
        // Nothing Vigile does not do.
        assertNull(metadata.getAuthorizationEndpointURI());
        assertNull(metadata.getScopes());
        assertNull(metadata.getRevocationEndpointURI());

        Api.Res oauth = api.get("/.well-known/oauth-authorization-server", null);
        Api.Res oidc = api.get("/.well-known/openid-configuration", null);
        assertEquals(oauth.json(), oidc.json());
        assertTrue(oauth.header("Cache-Control").startsWith("public"), oauth.toString());
        assertNull(oauth.json().get("id_token_signing_alg_values_supported"));
        assertNull(oauth.json().get("scopes_supported"));
    }

    @Test
    void tokensVerifyWithTheDiscoveredKeysAndIssuer() throws Exception {
        AuthorizationServerMetadata metadata = discover();
        DefaultJWTProcessor<SecurityContext> verifier = verifier(metadata);
        String admin = api.adminToken();

        JWTClaimsSet user = verifier.process(admin, null);
        assertEquals(issuer, user.getIssuer());
        assertTrue(user.getStringListClaim("groups").contains("ADMIN"));

        String[] c = client(admin, List.of("users:read"));
        TokenResponse response = TokenResponse.parse(new TokenRequest(
                        metadata.getTokenEndpointURI(),
                        new ClientSecretBasic(new ClientID(c[0]), new Secret(c[1])),
                        new ClientCredentialsGrant())
                .toHTTPRequest()
                .send());
        assertTrue(response.indicatesSuccess(), String.valueOf(response));
        AccessTokenResponse ok = response.toSuccessResponse();
        assertNull(ok.getTokens().getRefreshToken());
        String clientToken = ok.getTokens().getAccessToken().getValue();
        JWTClaimsSet claims = verifier.process(clientToken, null);
        assertEquals("client:" + c[0], claims.getSubject());
        assertEquals(
                List.of("users:read"),
                claims.getStringListClaim("groups").stream()
                        .filter(g -> g.contains(":"))
                        .toList());
        assertEquals(200, api.get("/api/users", clientToken).status());

        // client_secret_post works as well.
        TokenResponse posted = TokenResponse.parse(new TokenRequest(
                        metadata.getTokenEndpointURI(),
                        new ClientSecretPost(new ClientID(c[0]), new Secret(c[1])),
                        new ClientCredentialsGrant())
                .toHTTPRequest()
                .send());
        assertTrue(posted.indicatesSuccess(), String.valueOf(posted));

        // A token signed for another issuer does not pass the discovered verifier.
        DefaultJWTProcessor<SecurityContext> elsewhere = new DefaultJWTProcessor<>();
        elsewhere.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256,
                JWKSourceBuilder.create(metadata.getJWKSetURI().toURL()).<SecurityContext>build()));
        elsewhere.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                "vigile", new JWTClaimsSet.Builder().issuer("vigile").build(), Set.of()));
        assertThrows(BadJOSEException.class, () -> elsewhere.process(clientToken, null));
    }

    @Test
    void aThirdPartyLibraryIntrospectsTokens() throws Exception {
        AuthorizationServerMetadata metadata = discover();
        String admin = api.adminToken();
        String[] rs = client(admin, List.of("tokens:introspect"));
        Api.Account user = api.account(admin);
        ClientSecretBasic auth = new ClientSecretBasic(new ClientID(rs[0]), new Secret(rs[1]));

        TokenIntrospectionSuccessResponse active = introspect(metadata, auth, user.token());
        assertTrue(active.isActive());
        assertEquals(user.id(), active.getSubject().getValue());
        assertEquals(issuer, active.getIssuer().getValue());
        assertEquals(user.email(), active.getUsername());

        assertEquals(204, api.post("/api/auth/logout-all", null, user.token()).status());
        assertFalse(introspect(metadata, auth, user.token()).isActive());
    }

    static TokenIntrospectionSuccessResponse introspect(
            AuthorizationServerMetadata metadata, ClientSecretBasic auth, String token) throws Exception {
        TokenIntrospectionResponse r = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                        metadata.getIntrospectionEndpointURI(), auth, new BearerAccessToken(token))
                .toHTTPRequest()
                .send());
        assertTrue(r.indicatesSuccess(), String.valueOf(r));
        return r.toSuccessResponse();
    }

    @Test
    void theIssuerIsThePublicUrlWithoutItsSlash() {
        JsonNode claims = Api.claims(api.adminToken());
        assertEquals(issuer, claims.get("iss").asText());
    }
}
