// Vigile's self-service account page. As on the dashboard, the access token lives in this
// module's memory only, the refresh token in an HttpOnly cookie (X-Vigile-Client: browser)
// refreshed with the CSRF header, and every text from the API is written with textContent.
// Mailed links land here with their token in the fragment, which is read and then cleared.

import { BROWSER, refreshTokens, signOut } from "/web/session.js";

const state = { token: null, expiresAt: 0, user: null, enrollOnly: false, mfaToken: null };
const $ = (id) => document.getElementById(id);

function say(text, ok = false) {
  $("status").textContent = text || "";
  $("status").className = ok ? "ok" : "error";
}

function signedIn(body) {
  state.token = body.access_token;
  state.expiresAt = Date.now() + body.expires_in * 1000;
  state.user = body.user;
  state.enrollOnly = body.mfa_enrollment_required === true;
}

async function refresh() {
  const body = await refreshTokens();
  if (!body) {
    return false;
  }
  signedIn(body);
  return true;
}

async function problem(r) {
  try {
    const p = await r.json();
    return p.errors && p.errors.length ? `${p.detail || p.title} (${p.errors.map((e) => e.field + " " + e.message).join("; ")})` : p.detail || p.title;
  } catch (e) {
    return r.statusText || "HTTP " + r.status;
  }
}

async function api(path, options = {}) {
  if (state.token && Date.now() > state.expiresAt - 30000) {
    await refresh();
  }
  const send = () => fetch(path, {
    ...options,
    headers: { ...(options.body ? { "Content-Type": "application/json" } : {}), Authorization: "Bearer " + state.token },
  });
  let r = await send();
  if (r.status === 401 && (await refresh())) {
    r = await send();
  }
  if (r.status === 401) {
    showLogin();
    throw new Error("Signed out");
  }
  if (!r.ok) {
    const detail = await problem(r);
    say(detail);
    throw new Error(detail);
  }
  say("");
  return r;
}

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  return e;
}

function when(iso) {
  if (!iso) return "";
  const t = el("time", new Date(iso).toLocaleString(), { datetime: iso, title: iso });
  return t;
}

function only(section) {
  ["reset", "verify", "login", "app"].forEach((s) => ($(s).hidden = s !== section));
  $("logout").hidden = section !== "app";
}

function showLogin() {
  state.token = null;
  state.mfaToken = null;
  $("who").textContent = "";
  $("mfa-form").hidden = true;
  $("login-form").hidden = false;
  only("login");
}

async function showApp() {
  only("app");
  $("who").textContent = state.user ? state.user.email : "";
  $("enroll-required").hidden = !state.enrollOnly;
  $("profile-part").hidden = state.enrollOnly;
  $("codes-box").hidden = true;
  $("enroll-step").hidden = true;
  if (state.enrollOnly) {
    showMfa(false);
    return;
  }
  const me = await (await api("/api/users/me")).json();
  state.user = me;
  $("profile-email").textContent = me.email;
  $("profile-verified").textContent = me.emailVerified ? "(verified)" : "(not verified)";
  $("resend-verification").hidden = me.emailVerified;
  $("profile-name").value = me.displayName || "";
  $("profile-locale").value = me.locale || "";
  showMfa(me.mfaEnabled);
  await loadSessions();
}

function showMfa(on) {
  $("mfa-state").textContent = on ? "On: sign-in asks for a code from your authenticator app." : "Off.";
  $("enroll-form").hidden = on;
  $("mfa-manage").hidden = !on;
}

async function loadSessions() {
  const page = await (await api("/api/auth/sessions?size=100")).json();
  const body = $("sessions-table").tBodies[0];
  body.replaceChildren();
  for (const s of page.items) {
    const tr = el("tr");
    [when(s.createdAt), when(s.lastUsedAt)].forEach((t) => { const td = el("td"); td.append(t); tr.append(td); });
    tr.append(el("td", s.ip || ""), el("td", s.userAgent || ""));
    const td = el("td");
    if (s.current) {
      td.textContent = "this session";
    } else {
      const b = el("button", "Sign out", { type: "button" });
      b.addEventListener("click", async () => {
        await api(`/api/auth/sessions/${encodeURIComponent(s.id)}`, { method: "DELETE" });
        await loadSessions();
      });
      td.append(b);
    }
    tr.append(td);
    body.append(tr);
  }
}

function showCodes(codes) {
  const list = $("codes-list");
  list.replaceChildren(...codes.map((c) => el("li", c)));
  $("codes-box").hidden = false;
}

function tokenFromFragment() {
  const m = location.hash.match(/token=([A-Za-z0-9_-]+)/);
  // The token leaves the address bar (and the history) at once.
  history.replaceState(null, "", location.pathname);
  return m ? m[1] : null;
}

function onSubmit(id, handler) {
  $(id).addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await handler();
    } catch (e) {
      if (!$("status").textContent) say(e.message);
    }
  });
}

function wire() {
  onSubmit("login-form", async () => {
    const r = await fetch("/api/auth/login", {
      method: "POST", credentials: "same-origin", headers: BROWSER,
      body: JSON.stringify({ email: $("login-email").value, password: $("login-password").value }),
    });
    $("login-password").value = "";
    if (r.status === 202) {
      state.mfaToken = (await r.json()).mfa_token;
      $("login-form").hidden = true;
      $("mfa-form").hidden = false;
      say("Enter the code from your authenticator app.", true);
      $("mfa-code").focus();
      return;
    }
    if (!r.ok) {
      say(r.status === 429 ? "Too many attempts; wait a little." : await problem(r));
      return;
    }
    signedIn(await r.json());
    say("");
    await showApp();
  });
  onSubmit("mfa-form", async () => {
    const code = $("mfa-code").value.trim();
    const recovery = $("mfa-recovery").value.trim();
    const r = await fetch("/api/auth/login/mfa", {
      method: "POST", credentials: "same-origin", headers: BROWSER,
      body: JSON.stringify(recovery ? { mfaToken: state.mfaToken, recoveryCode: recovery } : { mfaToken: state.mfaToken, code }),
    });
    $("mfa-code").value = "";
    $("mfa-recovery").value = "";
    if (!r.ok) {
      say(r.status === 429 ? "Too many wrong codes; wait a little." : "Wrong code; try the next one, or sign in again.");
      return;
    }
    signedIn(await r.json());
    say("");
    await showApp();
  });
  onSubmit("forgot-form", async () => {
    const email = $("login-email").value.trim();
    if (!email) {
      say("Enter your email first.");
      return;
    }
    const r = await fetch("/api/auth/password-reset", { method: "POST", headers: BROWSER, body: JSON.stringify({ email }) });
    say(r.ok ? "If an account uses this address, a link is on its way." : await problem(r), r.ok);
  });
  $("logout").addEventListener("click", async () => {
    await signOut();
    showLogin();
  });
  onSubmit("profile-form", async () => {
    const locale = $("profile-locale").value;
    await api("/api/users/me", {
      method: "PATCH",
      body: JSON.stringify({ displayName: $("profile-name").value, locale: locale || null }),
    });
    say("Profile saved.", true);
  });
  $("resend-verification").addEventListener("click", async () => {
    await api("/api/users/me/verify-email", { method: "POST" });
    say("A new verification link is on its way.", true);
  });
  onSubmit("password-form", async () => {
    await api("/api/users/me/password", {
      method: "PUT",
      body: JSON.stringify({ currentPassword: $("password-current").value, newPassword: $("password-new").value }),
    });
    $("password-form").reset();
    say("Password changed; your other sessions were signed out.", true);
    await loadSessions();
  });
  onSubmit("email-form", async () => {
    await api("/api/users/me/email", {
      method: "PUT",
      body: JSON.stringify({ newEmail: $("email-new").value, currentPassword: $("email-password").value }),
    });
    $("email-form").reset();
    say("A confirmation link was sent to the new address; the address changes once it is opened.", true);
  });
  onSubmit("enroll-form", async () => {
    const e = await (await api("/api/users/me/mfa/totp", {
      method: "POST", body: JSON.stringify({ currentPassword: $("enroll-password").value }),
    })).json();
    $("enroll-form").reset();
    $("enroll-secret").textContent = e.secret;
    $("enroll-qr").src = "data:image/svg+xml;base64," + btoa(e.qrCodeSvg);
    $("enroll-step").hidden = false;
  });
  onSubmit("confirm-form", async () => {
    const r = await (await api("/api/users/me/mfa/totp/confirm", {
      method: "POST", body: JSON.stringify({ code: $("confirm-code").value.trim() }),
    })).json();
    $("confirm-form").reset();
    $("enroll-step").hidden = true;
    if (state.enrollOnly) {
      // This session proved the factor: a refresh gives a token with every group.
      await refresh();
      await showApp();
    } else {
      showMfa(true);
    }
    showCodes(r.recoveryCodes);
    say("Two-step verification is on.", true);
  });
  onSubmit("codes-form", async () => {
    const r = await (await api("/api/users/me/mfa/recovery-codes", {
      method: "POST", body: JSON.stringify({ code: $("codes-code").value.trim() }),
    })).json();
    $("codes-form").reset();
    showCodes(r.recoveryCodes);
    say("New recovery codes; the old ones no longer work.", true);
  });
  onSubmit("disable-form", async () => {
    // The body-free form: a DELETE with a body is refused by some servers and proxies.
    await api("/api/users/me/mfa/disable", {
      method: "POST",
      body: JSON.stringify({ currentPassword: $("disable-password").value, code: $("disable-code").value.trim() }),
    });
    $("disable-form").reset();
    $("codes-box").hidden = true;
    showMfa(false);
    say("Two-step verification is off.", true);
  });
}

async function landing() {
  const path = location.pathname.replace(/\/+$/, "");
  if (path === "/account/reset") {
    const token = tokenFromFragment();
    only("reset");
    if (!token) {
      say("This link has no token; ask for a new one from the sign-in page.");
      return true;
    }
    onSubmit("reset-form", async () => {
      const body = { token, newPassword: $("reset-password").value };
      if ($("reset-mfa").value.trim()) body.mfaCode = $("reset-mfa").value.trim();
      const r = await fetch("/api/auth/password-reset/confirm", { method: "POST", headers: BROWSER, body: JSON.stringify(body) });
      if (r.ok) {
        $("reset-form").hidden = true;
        say("Your password was changed and every session signed out. You can sign in now.", true);
        setTimeout(() => { location.href = "/account/"; }, 1500);
      } else {
        say(await problem(r));
      }
    });
    return true;
  }
  if (path === "/account/verify") {
    const token = tokenFromFragment();
    only("verify");
    const done = (text) => {
      $("verify-result").textContent = text;
      $("verify-result").append(el("a", "Go to your account", { href: "/account/" }));
    };
    if (!token) {
      done("This link has no token. ");
      return true;
    }
    // Opening the link confirms nothing (a link opened by a mail scanner, or sent by someone
    // else, must not): the address is confirmed by the button.
    $("verify-form").hidden = false;
    onSubmit("verify-form", async () => {
      const r = await fetch("/api/auth/verify-email", { method: "POST", headers: BROWSER, body: JSON.stringify({ token }) });
      $("verify-form").hidden = true;
      done(r.ok ? "Your address is verified. " : await problem(r) + " ");
    });
    return true;
  }
  return false;
}

wire();
if (!(await landing())) {
  if (await refresh()) {
    await showApp();
  } else {
    showLogin();
  }
}
