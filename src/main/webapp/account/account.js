// Vigile's self-service account page. As on the dashboard, the access token lives in this
// module's memory only, the refresh token in an HttpOnly cookie (X-Vigile-Client: browser)
// refreshed with the CSRF header, and every text from the API is written with textContent.
// Mailed links land here with their token in the fragment, which is read and then cleared.

import { BROWSER, refreshTokens, signOut } from "/web/session.js";

const state = { token: null, expiresAt: 0, user: null, enrollOnly: false, mfaToken: null, autofill: null };
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

// Passkeys. Options arrive and credentials leave in WebAuthn Level 3's JSON forms; a browser
// without parseCreationOptionsFromJSON / toJSON gets the same through the few conversions below.
const passkeys = typeof window.PublicKeyCredential === "function" && !!navigator.credentials;
const unb64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const ids = (list) => (list || []).map((c) => ({ ...c, id: unb64(c.id) }));

function creationOptions(json) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  return { ...json, challenge: unb64(json.challenge), user: { ...json.user, id: unb64(json.user.id) }, excludeCredentials: ids(json.excludeCredentials) };
}

function requestOptions(json) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  return { ...json, challenge: unb64(json.challenge), allowCredentials: ids(json.allowCredentials) };
}

function credentialJSON(c) {
  if (typeof c.toJSON === "function") return c.toJSON();
  const r = c.response;
  const response = { clientDataJSON: b64(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = b64(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    Object.assign(response, { authenticatorData: b64(r.authenticatorData), signature: b64(r.signature) });
    if (r.userHandle) response.userHandle = b64(r.userHandle);
  }
  return { id: c.id, rawId: b64(c.rawId), type: c.type, response, authenticatorAttachment: c.authenticatorAttachment, clientExtensionResults: c.getClientExtensionResults() };
}

/** Asks the browser for an assertion; null when the user cancelled (or another request replaced this one). */
async function assertion(publicKey, extra = {}) {
  try {
    return await navigator.credentials.get({ publicKey: requestOptions(publicKey), ...extra });
  } catch (e) {
    if (e.name === "NotAllowedError" || e.name === "AbortError") return null;
    throw e;
  }
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
  $("passkey-signin").hidden = !passkeys;
  only("login");
  offerAutofill();
}

/** Conditional mediation: the browser offers the user's passkeys in the email field's autofill. */
async function offerAutofill() {
  if (!passkeys || !PublicKeyCredential.isConditionalMediationAvailable || state.autofill) return;
  if (!(await PublicKeyCredential.isConditionalMediationAvailable())) return;
  const controller = new AbortController();
  state.autofill = controller;
  try {
    const r = await fetch("/api/auth/passkey/options", { method: "POST", headers: BROWSER, body: "{}" });
    if (!r.ok) return;
    const o = await r.json();
    const c = await assertion(o.publicKey, { mediation: "conditional", signal: controller.signal });
    if (c) await finishPasskeySignIn(o.challengeId, c);
  } catch (e) {
    // Autofill is a convenience: the button and the password remain.
  } finally {
    if (state.autofill === controller) state.autofill = null;
  }
}

function stopAutofill() {
  if (state.autofill) {
    state.autofill.abort();
    state.autofill = null;
  }
}

async function finishPasskeySignIn(challengeId, credential) {
  const r = await fetch("/api/auth/passkey", {
    method: "POST", credentials: "same-origin", headers: BROWSER,
    body: JSON.stringify({ challengeId, credential: credentialJSON(credential) }),
  });
  if (!r.ok) {
    say(r.status === 429 ? "Too many attempts; wait a little." : "This passkey did not sign you in.");
    return;
  }
  signedIn(await r.json());
  say("");
  await showApp();
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
    await loadPasskeys();
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
  await loadPasskeys();
  await loadSessions();
}

async function loadPasskeys() {
  $("passkeys-unsupported").hidden = passkeys;
  $("passkey-add-form").hidden = !passkeys;
  const list = await (await api("/api/users/me/passkeys")).json();
  const body = $("passkeys-table").tBodies[0];
  body.replaceChildren();
  for (const p of list) {
    const tr = el("tr", null, { "data-passkey": p.id });
    tr.append(el("td", p.name, { class: "passkey-name" }));
    [when(p.createdAt), when(p.lastUsedAt)].forEach((t) => { const td = el("td"); td.append(t); tr.append(td); });
    tr.append(el("td", p.backedUp ? "synced" : "this device"));
    const td = el("td");
    const rename = el("button", "Rename", { type: "button", class: "passkey-rename" });
    rename.addEventListener("click", async () => {
      const name = prompt("New name of this passkey", p.name);
      if (name === null) return;
      await api(`/api/users/me/passkeys/${encodeURIComponent(p.id)}`, { method: "PATCH", body: JSON.stringify({ name }) });
      say("Passkey renamed.", true);
      await loadPasskeys();
    });
    const remove = el("button", "Remove", { type: "button", class: "passkey-remove" });
    remove.addEventListener("click", async () => {
      if (!confirm(`Remove the passkey "${p.name}"? It will no longer sign you in.`)) return;
      await api(`/api/users/me/passkeys/${encodeURIComponent(p.id)}`, { method: "DELETE" });
      say("Passkey removed; the sessions it opened were signed out.", true);
      await loadPasskeys();
      await loadSessions();
    });
    td.append(rename, " ", remove);
    tr.append(td);
    body.append(tr);
  }
  if (list.length === 0) {
    const tr = el("tr");
    tr.append(el("td", "No passkey yet.", { colspan: "5" }));
    body.append(tr);
  }
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
    stopAutofill();
    const r = await fetch("/api/auth/login", {
      method: "POST", credentials: "same-origin", headers: BROWSER,
      body: JSON.stringify({ email: $("login-email").value, password: $("login-password").value }),
    });
    $("login-password").value = "";
    if (r.status === 202) {
      const challenge = await r.json();
      state.mfaToken = challenge.mfa_token;
      stopAutofill();
      $("login-form").hidden = true;
      $("mfa-form").hidden = false;
      $("mfa-passkey").hidden = !(passkeys && challenge.methods.includes("passkey"));
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
  $("passkey-signin").addEventListener("click", async () => {
    stopAutofill();
    const r = await fetch("/api/auth/passkey/options", { method: "POST", headers: BROWSER, body: "{}" });
    if (!r.ok) {
      say(r.status === 429 ? "Too many attempts; wait a little." : await problem(r));
      return;
    }
    const o = await r.json();
    const c = await assertion(o.publicKey);
    if (!c) {
      say("No passkey was chosen.");
      return;
    }
    await finishPasskeySignIn(o.challengeId, c);
  });
  $("mfa-passkey").addEventListener("click", async () => {
    const r = await fetch("/api/auth/login/mfa/passkey-options", {
      method: "POST", headers: BROWSER, body: JSON.stringify({ mfaToken: state.mfaToken }),
    });
    if (!r.ok) {
      say(r.status === 429 ? "Too many attempts; wait a little." : "Sign in again.");
      return;
    }
    const o = await r.json();
    const c = await assertion(o.publicKey);
    if (!c) {
      say("No passkey was chosen.");
      return;
    }
    const done = await fetch("/api/auth/login/mfa", {
      method: "POST", credentials: "same-origin", headers: BROWSER,
      body: JSON.stringify({ mfaToken: state.mfaToken, challengeId: o.challengeId, credential: credentialJSON(c) }),
    });
    if (!done.ok) {
      say("This passkey was refused; try again, or sign in again.");
      return;
    }
    signedIn(await done.json());
    say("");
    await showApp();
  });
  onSubmit("passkey-add-form", async () => {
    const o = await (await api("/api/users/me/passkeys/options", {
      method: "POST", body: JSON.stringify({ currentPassword: $("passkey-password").value }),
    })).json();
    $("passkey-password").value = "";
    let created;
    try {
      created = await navigator.credentials.create({ publicKey: creationOptions(o.publicKey) });
    } catch (e) {
      say(e.name === "InvalidStateError" ? "This device already holds a passkey of yours." : "No passkey was made.");
      return;
    }
    const name = $("passkey-name").value.trim();
    await api("/api/users/me/passkeys", {
      method: "POST",
      body: JSON.stringify({ challengeId: o.challengeId, credential: credentialJSON(created), ...(name ? { name } : {}) }),
    });
    $("passkey-add-form").reset();
    say("Passkey added: it can sign you in from now on.", true);
    await loadPasskeys();
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
