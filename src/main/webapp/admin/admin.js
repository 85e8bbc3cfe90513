// Vigile's admin dashboard. The access token lives in this module's memory only; the refresh
// token is an HttpOnly cookie the page never sees (X-Vigile-Client: browser), refreshed with the
// CSRF header the API requires. Every text from the API is written with textContent, never HTML.

const state = { token: null, expiresAt: 0, user: null, usersPage: 1, auditPage: 1, lastNotification: 0, ws: null };
const $ = (id) => document.getElementById(id);

function csrf() {
  const m = document.cookie.match(/(?:^|;\s*)(?:__Host-)?vigile_csrf=([^;]+)/);
  return m ? m[1] : "";
}

function signedIn(body) {
  state.token = body.access_token;
  state.expiresAt = Date.now() + body.expires_in * 1000;
  state.user = body.user;
}

async function refresh() {
  // No CSRF cookie means no browser session (it is set beside the HttpOnly refresh cookie): do
  // not ask, which would only log a 403 for an empty X-CSRF-Token.
  if (!csrf()) {
    return false;
  }
  const r = await fetch("/api/auth/refresh", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Vigile-Client": "browser", "X-CSRF-Token": csrf() },
    body: "{}",
  });
  if (!r.ok) {
    return false;
  }
  signedIn(await r.json());
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
  if (view === "audit") await loadAudit();
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
      tr.append(el("td", e.occurredAt), el("td", e.actorEmail || e.actorId || "system"), el("td", e.action), el("td", e.outcome));
      return tr;
    })
  );
}

function drawChart(hours) {
  const svg = $("logins-chart");
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const max = Math.max(1, ...hours.map((h) => h.succeeded + h.failed));
  const w = 720 / hours.length;
  hours.forEach((h, i) => {
    const ok = (h.succeeded / max) * 180;
    const failed = (h.failed / max) * 180;
    [["ok", ok, 190 - ok], ["failed", failed, 190 - ok - failed]].forEach(([cls, height, y]) => {
      if (height <= 0) return;
      const r = document.createElementNS(ns, "rect");
      r.setAttribute("class", cls);
      r.setAttribute("x", String(i * w + 2));
      r.setAttribute("y", String(y));
      r.setAttribute("width", String(w - 4));
      r.setAttribute("height", String(height));
      const title = document.createElementNS(ns, "title");
      title.textContent = `${h.hour}: ${h.succeeded} succeeded, ${h.failed} failed`;
      r.append(title);
      svg.append(r);
    });
  });
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
      tr.append(el("td", u.email), el("td", u.displayName || ""), el("td", u.roles.join(", ")), el("td", u.enabled ? "yes" : "no"), actions);
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
      tr.append(el("td", e.id), el("td", e.occurredAt), el("td", e.actorEmail || e.actorId || "system"), el("td", e.action),
        el("td", e.targetId || ""), el("td", e.outcome), el("td", e.ip || ""));
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
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("login-error").textContent = "";
    const r = await fetch("/api/auth/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Vigile-Client": "browser" },
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
    await fetch("/api/auth/logout", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: "{}",
    });
    showLogin();
  });
  document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => show(b.dataset.view)));
  $("users-filter").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.usersPage = 1;
    loadUsers();
  });
  $("users-prev").addEventListener("click", () => { state.usersPage--; loadUsers(); });
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
