// The browser session the admin dashboard and the account page share: the refresh token is an
// HttpOnly cookie neither page sees (X-Vigile-Client: browser); refreshing and signing out repeat
// the CSRF cookie in X-CSRF-Token, as the API requires.

export const BROWSER = { "Content-Type": "application/json", "X-Vigile-Client": "browser" };

export function csrf() {
  const m = document.cookie.match(/(?:^|;\s*)(?:__Host-)?vigile_csrf=([^;]+)/);
  return m ? m[1] : "";
}

/** New tokens from the session cookie: the token response, or null when there is no live session. */
export async function refreshTokens() {
  // No CSRF cookie means no browser session (it is set beside the HttpOnly refresh cookie): do
  // not ask, which would only log a 403 for an empty X-CSRF-Token.
  if (!csrf()) {
    return null;
  }
  const r = await fetch("/api/auth/refresh", {
    method: "POST", credentials: "same-origin", headers: { ...BROWSER, "X-CSRF-Token": csrf() }, body: "{}",
  });
  return r.ok ? r.json() : null;
}

/** Ends the browser's session; its cookies are cleared by the answer. */
export async function signOut() {
  await fetch("/api/auth/logout", {
    method: "POST", credentials: "same-origin", headers: { ...BROWSER, "X-CSRF-Token": csrf() }, body: "{}",
  });
}
