// Vigile's admin dashboard. The access token lives in this module's memory only; the refresh
// token is an HttpOnly cookie the page never sees (X-Vigile-Client: browser), refreshed with the
// CSRF header the API requires. Every text from the API is written with textContent, never HTML.

import { BROWSER, refreshTokens, signOut } from "/web/session.js";

const state = { token: null, expiresAt: 0, user: null, usersPage: 1, auditPage: 1, lastNotification: 0, ws: null };
const $ = (id) => document.getElementById(id);

function signedIn(body) {
  state.token = body.access_token;
  state.expiresAt = Date.now() + body.expires_in * 1000;
  state.user = body.user;
}

async function refresh() {
  const body = await refreshTokens();
  if (!body) {
    return false;
  }
  signedIn(body);
  return true;
}

async function api(path, options = {}) {
  if (state.token && Date.now() > state.expiresAt - 30000) {
    await refresh();
  }
  const send = () =>
    fetch(path, {
      ...options,
      headers: {
        ...(options.body ? { "Content-Type": "application/json" } : {}),
        ...(options.headers || {}),
        Authorization: "Bearer " + state.token,
      },
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
    let detail = r.statusText;
    try {
      detail = (await r.json()).detail || detail;
    } catch (e) {
      // not JSON
    }
    $("status").textContent = detail;
    throw new Error(detail);
  }
  $("status").textContent = "";
  return r;
}

const json = async (path, options) => (await api(path, options)).json();

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  return e;
}

function button(text, onClick, attrs = {}) {
  const b = el("button", text, { type: "button", ...attrs });
  b.addEventListener("click", onClick);
  return b;
}

/** A cell with the instant in the browser's local time; the exact UTC instant on hover. */
function whenCell(iso) {
  const td = el("td");
  if (iso) {
    const d = new Date(iso);
    td.append(el("time", d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" }), { datetime: iso, title: iso }));
  }
  return td;
}

const emails = new Map();

/** A cell naming a user by email when it can be found (users:read), else by id. */
function userCell(id, known) {
  const td = el("td", known || id || "");
  if (id) td.setAttribute("title", id);
  if (!known && id && state.user && (state.user.permissions || []).includes("users:read")) {
    const found = emails.has(id)
      ? emails.get(id)
      : fetch(`/api/users/${encodeURIComponent(id)}`, { headers: { Authorization: "Bearer " + state.token } })
          .then((r) => (r.ok ? r.json() : null))
          .then((u) => (u ? u.email : null))
          .catch(() => null);
    emails.set(id, found);
    Promise.resolve(found).then((email) => { if (email) td.textContent = email; });
  }
  return td;
}

function targetCell(e) {
  return e.targetType === "user" ? userCell(e.targetId, null) : el("td", e.targetId ? `${e.targetType} ${e.targetId}` : "");
}

function showLogin() {
  state.token = null;
  closeFeed();
  $("app").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
  $("login").hidden = false;
}

async function showApp() {
  $("login").hidden = true;
  $("app").hidden = false;
  $("logout").hidden = false;
  $("who").textContent = state.user ? state.user.email : "";
  openFeed();
  await show("dashboard");
}

async function show(view) {
  document.querySelectorAll(".view").forEach((v) => (v.hidden = v.id !== "view-" + view));
  document.querySelectorAll("nav button").forEach((b) => b.setAttribute("aria-current", b.dataset.view === view ? "page" : "false"));
  if (view === "dashboard") await loadDashboard();
  if (view === "users") await loadUsers();
  if (view === "roles") await loadRoles();
  if (view === "clients") await loadClients();
  if (view === "audit") await loadAudit();
  if (view === "user") await loadUser();
}

// Dashboard

async function loadDashboard() {
  const d = await json("/api/admin/dashboard");
  $("card-users-total").textContent = d.users.total;
  $("card-users-enabled").textContent = d.users.enabled;
  $("card-users-new").textContent = d.users.newLast7Days;
  $("card-sessions").textContent = d.sessions.active;
  $("card-logins-ok").textContent = d.logins.succeeded24h;
  $("card-logins-failed").textContent = d.logins.failed24h;
  $("card-connections").textContent = d.realtime.connections;
  $("card-members").textContent = d.cluster.members;
  drawChart(d.logins.perHour);
  const body = $("recent-audit").tBodies[0];
  body.replaceChildren(
    ...d.recentAudit.map((e) => {
      const tr = el("tr");
      tr.append(whenCell(e.occurredAt), e.actorId || e.actorEmail ? userCell(e.actorId, e.actorEmail) : el("td", "system"),
        el("td", e.action), el("td", e.outcome));
      return tr;
    })
  );
}

function drawChart(hours) {
  const svg = $("logins-chart");
  const ns = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, String(v)));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  svg.replaceChildren();
  // Plot area: x from 50 to 750, y from 10 (top) to 200 (zero line).
  const left = 50, right = 750, top = 10, bottom = 200;
  const max = Math.max(1, ...hours.map((h) => h.succeeded + h.failed));
  const scale = (bottom - top) / max;
  const w = (right - left) / hours.length;
  svg.append(svgEl("line", { class: "axis", x1: left, y1: bottom, x2: right, y2: bottom }));
  svg.append(svgEl("line", { class: "axis", x1: left, y1: top, x2: left, y2: bottom }));
  [0, Math.round(max / 2), max].forEach((v) => {
    svg.append(svgEl("text", { x: left - 6, y: bottom - v * scale + 4, "text-anchor": "end" }, String(v)));
  });
  svg.append(svgEl("text", { x: 12, y: (top + bottom) / 2, transform: `rotate(-90 12 ${(top + bottom) / 2})`, "text-anchor": "middle" }, "logins"));
  hours.forEach((h, i) => {
    const ok = h.succeeded * scale;
    const failed = h.failed * scale;
    [["ok", ok, bottom - ok], ["failed", failed, bottom - ok - failed]].forEach(([cls, height, y]) => {
      if (height <= 0) return;
      const r = svgEl("rect", { class: cls, x: left + i * w + 2, y, width: w - 4, height });
      r.append(svgEl("title", {}, `${new Date(h.hour).toLocaleString()}: ${h.succeeded} succeeded, ${h.failed} failed`));
      svg.append(r);
    });
    if (i % 4 === 0 || i === hours.length - 1) {
      const label = new Date(h.hour).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
      svg.append(svgEl("text", { class: "hour", x: left + i * w + w / 2, y: bottom + 16, "text-anchor": "middle" }, label));
    }
  });
  svg.append(svgEl("text", { x: (left + right) / 2, y: bottom + 36, "text-anchor": "middle" }, "hour (your local time), last 24 hours"));
}

// Users

async function loadUsers() {
  const q = encodeURIComponent($("users-search").value.trim());
  const page = await json(`/api/users?page=${state.usersPage}&size=10${q ? "&q=" + q : ""}`);
  $("users-page").textContent = `page ${page.page} of ${Math.max(1, page.pages)} (${page.total} users)`;
  $("users-prev").disabled = page.page <= 1;
  $("users-next").disabled = page.page >= page.pages;
  $("users-table").tBodies[0].replaceChildren(
    ...page.items.map((u) => {
      const tr = el("tr", null, { "data-user-id": u.id });
      const actions = el("td");
      actions.append(
        button("Open", () => openUser(u.id), { "data-action": "open" }),
        button("Roles", () => editRoles(u), { "data-action": "roles" }),
        button(u.enabled ? "Disable" : "Enable", async () => {
          await api(`/api/users/${u.id}`, { method: "PATCH", body: JSON.stringify({ enabled: !u.enabled }) });
          await loadUsers();
        }, { "data-action": "toggle" }),
        button("Sign out", async () => {
          await api(`/api/admin/users/${u.id}/sessions`, { method: "DELETE" });
          $("status").textContent = `${u.email} was signed out everywhere.`;
        }, { "data-action": "signout" })
      );
      tr.append(el("td", u.email), el("td", u.displayName || ""), el("td", u.roles.join(", ")), el("td", u.enabled ? "yes" : "no"),
        el("td", u.emailVerified ? "yes" : "no"), el("td", u.mfaEnabled ? "on" : "off"), actions);
      return tr;
    })
  );
}

// One user

async function openUser(id) {
  state.openUser = id;
  await show("user");
}

async function loadUser() {
  const id = state.openUser;
  const u = await json(`/api/users/${encodeURIComponent(id)}`);
  $("user-title").textContent = u.email;
  $("user-id").textContent = u.id;
  $("user-name").textContent = u.displayName || "";
  $("user-roles").textContent = u.roles.join(", ");
  $("user-enabled").textContent = u.enabled ? "yes" : "no";
  $("user-verified").textContent = u.emailVerified ? "yes" : "no";
  $("user-mfa").textContent = u.mfaEnabled ? "on" : "off";
  $("user-passkey-count").textContent = String(u.passkeyCount || 0);
  $("user-created").replaceChildren(...whenCell(u.createdAt).childNodes);
  $("user-last-login").replaceChildren(...(u.lastLoginAt ? whenCell(u.lastLoginAt).childNodes : [document.createTextNode("never")]));
  const actions = [
    button("Roles", () => { show("users"); editRoles(u); }, { "data-action": "roles" }),
    button(u.enabled ? "Disable" : "Enable", async () => {
      await api(`/api/users/${u.id}`, { method: "PATCH", body: JSON.stringify({ enabled: !u.enabled }) });
      await loadUser();
    }, { "data-action": "toggle" }),
    button("Sign out everywhere", async () => {
      await api(`/api/admin/users/${u.id}/sessions`, { method: "DELETE" });
      $("status").textContent = `${u.email} was signed out everywhere.`;
      await loadUser();
    }, { "data-action": "signout" }),
  ];
  if (u.mfaEnabled) {
    actions.push(button("Reset two-step verification", async () => {
      if (!confirm(`Turn two-step verification off for ${u.email}?`)) return;
      await api(`/api/admin/users/${u.id}/mfa`, { method: "DELETE" });
      await loadUser();
    }, { "data-action": "mfa-reset" }));
  }
  actions.push(button("Delete user", async () => {
    if (!confirm(`Delete ${u.email}? This cannot be undone.`)) return;
    await api(`/api/users/${u.id}`, { method: "DELETE" });
    $("status").textContent = `${u.email} was deleted.`;
    await show("users");
  }, { "data-action": "delete" }));
  $("user-actions").replaceChildren(...actions);
  const passkeys = await json(`/api/admin/users/${u.id}/passkeys`);
  $("user-passkeys").tBodies[0].replaceChildren(
    ...passkeys.map((p) => {
      const tr = el("tr", null, { "data-passkey": p.id });
      tr.append(el("td", p.name), whenCell(p.createdAt), p.lastUsedAt ? whenCell(p.lastUsedAt) : el("td", "never"),
        el("td", p.backedUp ? "synced" : "device-bound"));
      const td = el("td");
      td.append(button("Remove", async () => {
        if (!confirm(`Remove the passkey "${p.name}" of ${u.email}? The sessions it opened end.`)) return;
        await api(`/api/admin/users/${u.id}/passkeys/${p.id}`, { method: "DELETE" });
        $("status").textContent = `The passkey "${p.name}" of ${u.email} was removed.`;
        await loadUser();
      }, { "data-action": "passkey-remove" }));
      tr.append(td);
      return tr;
    })
  );
  const sessions = await json(`/api/admin/users/${u.id}/sessions?size=50`);
  $("user-sessions").tBodies[0].replaceChildren(
    ...sessions.items.map((s) => {
      const tr = el("tr");
      tr.append(whenCell(s.createdAt), whenCell(s.lastUsedAt), el("td", s.ip || ""), el("td", s.userAgent || ""));
      return tr;
    })
  );
  const perms = (state.user && state.user.permissions) || [];
  const events = perms.includes("audit:read") ? (await json(`/api/admin/audit?targetId=${u.id}&size=20`)).items : [];
  $("user-audit").tBodies[0].replaceChildren(
    ...events.map((e) => {
      const tr = el("tr", null, { "data-action": e.action });
      tr.append(whenCell(e.occurredAt), e.actorId || e.actorEmail ? userCell(e.actorId, e.actorEmail) : el("td", "system"),
        el("td", e.action), el("td", e.outcome));
      return tr;
    })
  );
}

async function editRoles(user) {
  const roles = await json("/api/admin/roles");
  $("roles-editor-user").textContent = user.email;
  $("roles-editor-options").replaceChildren(
    ...roles.map((r) => {
      const label = el("label");
      const box = el("input", null, { type: "checkbox", value: r.name });
      box.checked = user.roles.includes(r.name);
      box.disabled = r.name === "USER";
      label.append(box, document.createTextNode(" " + r.name));
      return label;
    })
  );
  $("roles-editor").hidden = false;
  $("roles-save").onclick = async () => {
    const chosen = [...$("roles-editor-options").querySelectorAll("input:checked")].map((b) => b.value);
    await api(`/api/admin/users/${user.id}/roles`, { method: "PUT", body: JSON.stringify({ roles: chosen }) });
    $("roles-editor").hidden = true;
    await loadUsers();
  };
}

// Roles

async function loadRoles() {
  const [roles, permissions] = await Promise.all([json("/api/admin/roles"), json("/api/admin/permissions")]);
  $("roles-table").tBodies[0].replaceChildren(
    ...roles.map((r) => {
      const tr = el("tr", null, { "data-role": r.name });
      const actions = el("td");
      actions.append(button("Edit", () => editRole(r), { "data-action": "edit" }));
      if (!r.system) {
        actions.append(button("Delete", async () => {
          await api(`/api/admin/roles/${r.name}`, { method: "DELETE" });
          await loadRoles();
        }, { "data-action": "delete" }));
      }
      tr.append(el("td", r.name), el("td", r.description || ""), el("td", r.permissions.join(", ")), el("td", r.userCount), actions);
      return tr;
    })
  );
  $("role-permissions").replaceChildren(
    ...permissions.map((p) => {
      const label = el("label");
      label.append(el("input", null, { type: "checkbox", value: p.name }), document.createTextNode(` ${p.name} — ${p.description}`));
      return label;
    })
  );
}

// Service accounts

/** Shows a secret once, until the administrator says it is copied. */
function showSecret(clientId, secret) {
  $("client-secret-id").textContent = clientId;
  $("client-secret").textContent = secret;
  $("client-secret-box").hidden = false;
}

async function loadClients() {
  const [page, roles] = await Promise.all([json("/api/admin/clients?size=100"), json("/api/admin/roles")]);
  $("clients-table").tBodies[0].replaceChildren(
    ...page.items.map((c) => {
      const tr = el("tr", null, { "data-client": c.clientId });
      const actions = el("td");
      actions.append(
        button(c.enabled ? "Disable" : "Enable", async () => {
          await api(`/api/admin/clients/${c.id}`, { method: "PATCH", body: JSON.stringify({ enabled: !c.enabled }) });
          await loadClients();
        }, { "data-action": "toggle" }),
        button("Rotate secret", async () => {
          const s = await json(`/api/admin/clients/${c.id}/secrets`, { method: "POST" });
          showSecret(c.clientId, s.clientSecret);
          await loadClients();
        }, { "data-action": "rotate" }),
        button("Delete", async () => {
          if (confirm(`Delete ${c.name}? Its tokens stop working at once.`)) {
            await api(`/api/admin/clients/${c.id}`, { method: "DELETE" });
            await loadClients();
          }
        }, { "data-action": "delete" })
      );
      const secrets = el("td");
      c.secrets.forEach((s) => {
        const line = el("div", `made ${new Date(s.createdAt).toLocaleString()}${s.lastUsedAt ? ", used " + new Date(s.lastUsedAt).toLocaleString() : ""} `);
        if (c.secrets.length > 1) {
          line.append(button("Remove", async () => {
            await api(`/api/admin/clients/${c.id}/secrets/${s.id}`, { method: "DELETE" });
            await loadClients();
          }, { "data-action": "remove-secret" }));
        }
        secrets.append(line);
      });
      tr.append(el("td", c.name), el("td", c.clientId), el("td", c.roles.join(", ")), el("td", c.enabled ? "yes" : "no"));
      tr.append(whenCell(c.expiresAt), whenCell(c.lastUsedAt), secrets, actions);
      return tr;
    })
  );
  $("client-roles").replaceChildren(
    ...roles.filter((r) => r.name !== "USER").map((r) => {
      const label = el("label");
      label.append(el("input", null, { type: "checkbox", value: r.name }), document.createTextNode(` ${r.name}`));
      return label;
    })
  );
}

/** Loads a role into the form; saving then replaces its description and permissions (PUT). */
function editRole(r) {
  state.editing = r.name;
  $("role-name").value = r.name;
  $("role-name").readOnly = true;
  $("role-description").value = r.description || "";
  $("role-permissions").querySelectorAll("input").forEach((b) => (b.checked = r.permissions.includes(b.value)));
  $("role-create").textContent = "Save " + r.name;
}

// Audit

function auditQuery() {
  const params = new URLSearchParams();
  [["actor", "audit-actor"], ["action", "audit-action"], ["outcome", "audit-outcome"]].forEach(([k, id]) => {
    const v = $(id).value.trim();
    if (v) params.set(k, v);
  });
  return params;
}

async function loadAudit() {
  const params = auditQuery();
  params.set("page", state.auditPage);
  params.set("size", "20");
  const page = await json("/api/admin/audit?" + params);
  $("audit-page").textContent = `page ${page.page} of ${Math.max(1, page.pages)} (${page.total} events)`;
  $("audit-prev").disabled = page.page <= 1;
  $("audit-next").disabled = page.page >= page.pages;
  $("audit-table").tBodies[0].replaceChildren(
    ...page.items.map((e) => {
      const tr = el("tr", null, { "data-action": e.action });
      tr.append(el("td", e.id), whenCell(e.occurredAt), e.actorId || e.actorEmail ? userCell(e.actorId, e.actorEmail) : el("td", "system"),
        el("td", e.action), targetCell(e), el("td", e.outcome), el("td", e.ip || ""));
      return tr;
    })
  );
}

// Live notifications

function closeFeed() {
  if (state.ws) {
    state.ws.onclose = null;
    state.ws.close(1000);
    state.ws = null;
  }
}

function openFeed() {
  closeFeed();
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/ws`, ["vigile.v1", "bearer." + state.token]);
  state.ws = ws;
  let pinger;
  ws.onopen = () => {
    $("ws-status").textContent = "connected";
    ws.send(JSON.stringify({ type: "resume", after: state.lastNotification }));
    pinger = setInterval(() => ws.send(JSON.stringify({ type: "ping" })), 20000);
  };
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === "notification") {
      state.lastNotification = Math.max(state.lastNotification, msg.id);
      const li = el("li", null, { "data-id": msg.id });
      li.append(el("strong", msg.title), document.createTextNode(" — " + msg.body + " (" + msg.kind + ")"));
      $("feed").prepend(li);
    }
  };
  ws.onclose = async (e) => {
    clearInterval(pinger);
    $("ws-status").textContent = "disconnected (" + e.code + ")";
    if (!state.token) return;
    // Token expired or cut off: get a fresh one; then reconnect and resume.
    if ((e.code === 4002 || e.code === 4011) && !(await refresh())) return showLogin();
    setTimeout(() => state.token && openFeed(), e.code === 1012 ? 1000 : 2000);
  };
}

// Wiring

function wire() {
  $("client-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const roles = [...$("client-roles").querySelectorAll("input:checked")].map((b) => b.value);
    const expires = $("client-expires").value;
    const body = { name: $("client-name").value, roles };
    if (expires) body.expiresAt = new Date(expires).toISOString();
    const created = await json("/api/admin/clients", { method: "POST", body: JSON.stringify(body) });
    $("client-form").reset();
    showSecret(created.clientId, created.clientSecret);
    await loadClients();
  });
  $("client-secret-done").addEventListener("click", () => {
    $("client-secret").textContent = "";
    $("client-secret-box").hidden = true;
  });
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("login-error").textContent = "";
    const r = await fetch("/api/auth/login", {
      method: "POST",
      credentials: "same-origin",
      headers: BROWSER,
      body: JSON.stringify({ email: $("login-email").value, password: $("login-password").value }),
    });
    $("login-password").value = "";
    if (!r.ok) {
      $("login-error").textContent = r.status === 429 ? "Too many attempts; wait a little." : "Wrong email or password.";
      return;
    }
    signedIn(await r.json());
    await showApp();
  });
  $("logout").addEventListener("click", async () => {
    await signOut();
    showLogin();
  });
  document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => show(b.dataset.view)));
  $("users-filter").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.usersPage = 1;
    loadUsers();
  });
  $("users-prev").addEventListener("click", () => { state.usersPage--; loadUsers(); });
  $("user-back").addEventListener("click", () => show("users"));
  $("user-create-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { email: $("new-user-email").value.trim(), password: $("new-user-password").value };
    if ($("new-user-name").value.trim()) body.displayName = $("new-user-name").value.trim();
    const created = await json("/api/users", { method: "POST", body: JSON.stringify(body) });
    $("user-create-form").reset();
    $("user-create").open = false;
    $("status").textContent = `${created.email} was created; a verification link was mailed.`;
    await openUser(created.id);
  });
  $("users-next").addEventListener("click", () => { state.usersPage++; loadUsers(); });
  $("roles-cancel").addEventListener("click", () => ($("roles-editor").hidden = true));
  $("role-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const permissions = [...$("role-permissions").querySelectorAll("input:checked")].map((b) => b.value);
    const description = $("role-description").value.trim();
    if (state.editing) {
      await api(`/api/admin/roles/${state.editing}`, { method: "PUT", body: JSON.stringify({ description, permissions }) });
    } else {
      await api("/api/admin/roles", {
        method: "POST",
        body: JSON.stringify({ name: $("role-name").value.trim(), description, permissions }),
      });
    }
    state.editing = null;
    $("role-name").readOnly = false;
    $("role-create").textContent = "Create role";
    $("role-form").reset();
    await loadRoles();
  });
  $("audit-filter").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.auditPage = 1;
    loadAudit();
  });
  $("audit-prev").addEventListener("click", () => { state.auditPage--; loadAudit(); });
  $("audit-next").addEventListener("click", () => { state.auditPage++; loadAudit(); });
  $("audit-verify").addEventListener("click", async () => {
    const v = await json("/api/admin/audit/verify");
    $("audit-verify-result").textContent = v.valid
      ? `Chain valid: ${v.checked} events checked.`
      : `Chain broken at event ${v.firstBrokenId} (${v.checked} checked).`;
  });
  $("audit-export").addEventListener("click", async () => {
    const blob = await (await api("/api/admin/audit/export?" + auditQuery())).blob();
    const a = el("a", null, { href: URL.createObjectURL(blob), download: "vigile-audit.csv" });
    document.body.append(a);
    a.click();
    a.remove();
  });
  $("notify-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const type = $("notify-type").value;
    const audience = type === "all" ? { type } : { type, value: $("notify-value").value.trim() };
    const sent = await json("/api/admin/notifications", {
      method: "POST",
      body: JSON.stringify({ audience, title: $("notify-title").value, body: $("notify-body").value }),
    });
    $("notify-result").textContent = `Sent to ${sent.recipients} user(s).`;
  });
}

wire();
if (await refresh()) {
  await showApp();
} else {
  showLogin();
}
