package dev.vigile.identity.boundary;

import dev.vigile.identity.control.AuthService;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The token response, with RFC 6749's names so OAuth tooling understands it. */
@JsonbPropertyOrder({"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in", "device_token", "user"})
public record TokenResponse(
    @JsonbProperty("access_token") String accessToken,
    @JsonbProperty("token_type") String tokenType,
    @JsonbProperty("expires_in") long expiresIn,
    @JsonbProperty("refresh_token") String refreshToken,
    @JsonbProperty("refresh_expires_in") long refreshExpiresIn,
    /** Logins only: present it at later logins ({@code deviceToken}); browsers get a cookie. */
    @JsonbProperty("device_token") String deviceToken,
    UserResponse user) {

  /** The browser form: the refresh token travels only in its HttpOnly cookie. */
  public static TokenResponse withoutRefreshToken(AuthService.Tokens t) {
    return new TokenResponse(
        t.accessToken(), "Bearer", t.expiresIn(), null, t.refreshExpiresIn(), null, UserResponse.from(t.user()));
  }

  public static TokenResponse from(AuthService.Tokens t) {
    return new TokenResponse(
        t.accessToken(), "Bearer", t.expiresIn(), t.refreshToken(), t.refreshExpiresIn(), t.deviceToken(), UserResponse.from(t.user()));
  }
}
