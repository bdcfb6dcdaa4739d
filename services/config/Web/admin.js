// rescue-adsync admin page: plain browser JavaScript, no build step, no dependencies.
// Every value from the API is written with textContent, never as HTML: log messages come from the directory and
// from Rescue, and an injected script would be able to read the admin key from session storage.
"use strict";

(() => {
  const KEY_STORAGE = "adsync.adminKey";
  const LINK_PAGE = 500;
  const state = { mappings: [], logSkip: 0, logTotal: 0, entries: [], plan: null };
  const $ = (id) => document.getElementById(id);

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // The key lives in sessionStorage: it survives a reload but not the tab, and is never written to a cookie,
  // so the browser never sends it anywhere on its own.
  const storedKey = () => sessionStorage.getItem(KEY_STORAGE);

  async function api(path, key = storedKey(), method = "GET", body = undefined) {
    let response;
    try {
      const headers = { Authorization: `Bearer ${key}`, Accept: "application/json" };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      response = await fetch(path, { method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ApiError(0, `The config service cannot be reached (${e.message}).`);
    }
    if (response.status === 404) return { data: null, total: 0, status: 404 };
    if (!response.ok) {
      let detail = "";
      try {
        const problem = await response.json();
        detail = [problem.title, problem.detail, ...Object.entries(problem.errors || {}).map(([f, m]) => `${f}: ${m}`)]
          .filter(Boolean).join(" ");
      } catch { /* not a ProblemDetails body */ }
      const text = {
        401: "The API key was refused.",
        403: "This key is valid but is not an admin key.",
        429: "Too many failed logins from this address; wait a minute.",
      }[response.status] || `The config service answered HTTP ${response.status}. ${detail}`;
      throw new ApiError(response.status, text);
    }
    const total = Number(response.headers.get("X-Total-Count") ?? "0");
    return { data: await response.json(), total, status: response.status };
  }

  function showMessage(text, kind = "error") {
    $("message").className = kind === "info" ? "message info" : "message";
    $("message").textContent = text;
    $("message").hidden = !text;
  }

  function fail(error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      logout(error.message);
      return;
    }
    showMessage(error.message || String(error));
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text ?? "";
    if (className) td.className = className;
    return td;
  }

  // A cell whose text may be too long for its column: cut with an ellipsis by the stylesheet, the whole text as the tooltip.
  function longCell(row, text, className) {
    const td = row.insertCell();
    td.className = className ? `long ${className}` : "long";
    const clip = document.createElement("div");
    clip.className = "clip";
    clip.textContent = text ?? "";
    td.append(clip);
    td.title = text ?? "";
    return td;
  }

  // The user an entry is about: the name and email as the writer knew them, then the directory id (the tooltip says which is which).
  function userCell(row, entry) {
    const td = row.insertCell();
    td.className = "user";
    if (!entry.directoryUserId && !entry.displayName && !entry.email) {
      td.textContent = "—";
      return td;
    }
    const lines = [
      ["user-name", entry.displayName],
      ["user-email", entry.email],
      ["user-id", entry.directoryUserId],
    ].filter(([, text]) => text);
    for (const [className, text] of lines) {
      const line = document.createElement("span");
      line.className = className;
      line.textContent = text;
      td.append(line);
    }
    td.title = [entry.displayName, entry.email && `<${entry.email}>`, entry.directoryUserId && `directory id ${entry.directoryUserId}`]
      .filter(Boolean).join(" ");
    return td;
  }

  function definitionList(list, pairs) {
    list.replaceChildren();
    for (const [term, value, className] of pairs) {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value ?? "—";
      if (className) dd.className = className;
      list.append(dt, dd);
    }
  }

  const formatTime = (iso) => (iso ? new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "—");
  const yesNo = (value) => (value ? "yes" : "no");
  const secret = (set) => [set ? "set" : "not set", set ? "secret-set" : "secret-unset"];
  const mappingName = (id) => state.mappings.find((m) => m.id === id)?.sourceGroupDn ?? id ?? "—";

  // ----- log in / out

  async function login(key) {
    // Mappings are readable by every role; the sync log only by admins, so this call tells an admin key apart.
    await api("/api/sync-log?take=1", key);
    sessionStorage.setItem(KEY_STORAGE, key);
    $("login-view").hidden = true;
    $("app-view").hidden = false;
    $("logout").hidden = false;
    showMessage("");
    await loadAll();
  }

  function logout(reason) {
    sessionStorage.removeItem(KEY_STORAGE);
    state.mappings = [];
    $("app-view").hidden = true;
    $("logout").hidden = true;
    $("login-view").hidden = false;
    $("api-key").value = "";
    for (const id of ["mappings-table", "log-table", "plans-table", "plan-changes", "history-table", "directory-test-table"]) $(id).tBodies[0].replaceChildren();
    for (const id of ["account-list", "directory-list", "details-list", "plan-list"]) $(id).replaceChildren();
    $("plan-details").hidden = true;
    $("directory-test-summary").hidden = true;
    $("directory-test-table").hidden = true;
    resetActions();
    showMessage(reason || "");
  }

  // ----- mappings and their status

  async function linkCounts(mappingId) {
    const counts = { Enabled: 0, Disabled: 0, OutOfScope: 0, Deleted: 0, total: 0, lastApplied: null };
    for (let skip = 0; ; skip += LINK_PAGE) {
      const { data } = await api(`/api/links?mappingId=${mappingId}&skip=${skip}&take=${LINK_PAGE}`);
      for (const link of data) {
        counts[link.state] = (counts[link.state] ?? 0) + 1;
        if (!counts.lastApplied || new Date(link.updatedAt) > new Date(counts.lastApplied)) counts.lastApplied = link.updatedAt;
      }
      counts.total += data.length;
      if (data.length < LINK_PAGE) return counts;
    }
  }

  // 0 once the provisioner wrote a link at or after the reader's last cycle that found changes; else the time since it.
  function lag(lastCycle, lastApplied) {
    if (!lastCycle) return "—";
    if (lastApplied && new Date(lastApplied) >= new Date(lastCycle)) return "0";
    const seconds = Math.max(0, Math.round((Date.now() - new Date(lastCycle)) / 1000));
    return seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
  }

  // The Technician Group's name from Rescue (through the config service, which keeps it briefly). Never fails the page:
  // without a name the node id alone is shown, with the reason as the tooltip.
  async function technicianGroupNames(ids) {
    const names = new Map();
    await Promise.all([...new Set(ids)].map(async (id) => {
      try {
        const { data } = await api(`/api/technician-groups/${id}`);
        names.set(id, { name: data?.name ?? null, problem: data?.problem ?? "unknown" });
      } catch (e) {
        names.set(id, { name: null, problem: e.message || String(e) });
      }
    }));
    return names;
  }

  function technicianGroupCell(row, id, names) {
    const known = names.get(id);
    const td = cell(row, `${known?.name ?? "unknown"} (${id})`, known?.name ? "group" : "group unknown");
    td.title = known?.name ? `Technician Group ${id} in Rescue: ${known.name}` : `Name unknown: ${known?.problem ?? "Rescue was not asked"}`;
    return td;
  }

  async function loadMappings() {
    const { data } = await api("/api/mappings");
    state.mappings = data;
    const groupNames = technicianGroupNames(data.map((m) => m.technicianGroupId));
    const select = $("filter-mapping");
    const chosen = select.value;
    select.replaceChildren(new Option("any", ""));
    for (const m of data) select.add(new Option(m.sourceGroupDn, m.id));
    select.value = data.some((m) => m.id === chosen) ? chosen : "";

    const statuses = await Promise.all(data.map(async (m) => {
      const [counts, errors, cycle] = await Promise.all([
        linkCounts(m.id),
        api(`/api/sync-log?mappingId=${m.id}&level=Error&take=1`),
        api(`/api/reader-state/${m.id}/summary`),
      ]);
      return { mapping: m, counts, errorCount: errors.total, lastError: errors.data[0], lastCycle: cycle.data?.updatedAt };
    }));

    const names = await groupNames;
    const body = $("mappings-table").tBodies[0];
    body.replaceChildren();
    for (const { mapping, counts, errorCount, lastError, lastCycle } of statuses) {
      const row = body.insertRow();
      row.dataset.mappingId = mapping.id;
      longCell(row, mapping.sourceGroupDn, "dn");
      technicianGroupCell(row, mapping.technicianGroupId, names);
      cell(row, yesNo(mapping.enabled));
      cell(row, String(counts.total), "number");
      cell(row, String(counts.Enabled), "number");
      cell(row, String(counts.Disabled), "number");
      cell(row, String(counts.OutOfScope), "number");
      cell(row, String(counts.Deleted), "number");
      cell(row, String(errorCount), errorCount > 0 ? "number bad" : "number");
      cell(row, formatTime(lastCycle), "time");
      cell(row, lag(lastCycle, counts.lastApplied), "number");
      longCell(row, lastError ? `${formatTime(lastError.time)} ${lastError.message}` : "—", lastError ? "bad message-text" : "message-text");
      cell(row, mapping.openPlanStatus ? mapping.openPlanStatus.toUpperCase() : "ok", mapping.openPlanStatus === "Held" ? "bad" : "");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Show log";
      button.addEventListener("click", () => {
        $("filter-mapping").value = mapping.id;
        state.logSkip = 0;
        selectTab("log");
        loadLog().catch(fail);
      });
      row.insertCell().append(button);
    }
    $("mappings-empty").hidden = data.length > 0;
    fillActionMappings(data);
  }

  // ----- sync log

  function logQuery() {
    const params = new URLSearchParams({ skip: String(state.logSkip), take: $("filter-take").value });
    if ($("filter-level").value) params.set("level", $("filter-level").value);
    if ($("filter-mapping").value) params.set("mappingId", $("filter-mapping").value);
    if ($("filter-user").value.trim()) params.set("directoryUserId", $("filter-user").value.trim());
    // datetime-local has no zone: the browser's local time, converted to an instant for the API.
    if ($("filter-from").value) params.set("from", new Date($("filter-from").value).toISOString());
    if ($("filter-to").value) params.set("to", new Date($("filter-to").value).toISOString());
    return params;
  }

  async function loadLog() {
    const take = Number($("filter-take").value);
    const { data, total } = await api(`/api/sync-log?${logQuery()}`);
    state.entries = data;
    state.logTotal = total;
    const body = $("log-table").tBodies[0];
    body.replaceChildren();
    for (const entry of data) {
      const row = body.insertRow();
      row.dataset.entryId = String(entry.id);
      row.tabIndex = 0;
      cell(row, formatTime(entry.time), "time");
      cell(row, entry.level, `level-${entry.level}`);
      cell(row, entry.source);
      cell(row, entry.operation);
      longCell(row, entry.mappingId ? mappingName(entry.mappingId) : "—", "dn");
      userCell(row, entry);
      longCell(row, entry.message, "message-text");
      const open = () => showDetails(entry, row);
      row.addEventListener("click", open);
      row.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
    }
    $("log-range").textContent = data.length === 0
      ? `No entries (${total} match)`
      : `${state.logSkip + 1}–${state.logSkip + data.length} of ${total}, newest first`;
    $("log-prev").disabled = state.logSkip === 0;
    $("log-next").disabled = state.logSkip + take >= total;
    $("log-details").hidden = true;
  }

  function showDetails(entry, row) {
    for (const selected of $("log-table").querySelectorAll("tr.selected")) selected.classList.remove("selected");
    row.classList.add("selected");
    definitionList($("details-list"), [
      ["Id", String(entry.id)],
      ["Time", formatTime(entry.time)],
      ["Level", entry.level, `level-${entry.level}`],
      ["Source", entry.source],
      ["Operation", entry.operation],
      ["Mapping", entry.mappingId ? `${mappingName(entry.mappingId)} (${entry.mappingId})` : null],
      ["Name", entry.displayName],
      ["Email", entry.email],
      ["Directory user", entry.directoryUserId],
      ["Error code", entry.errorCode],
      ["Will retry", yesNo(entry.willRetry)],
      ["Correlation id", entry.correlationId],
      ["Message", entry.message],
    ]);
    $("log-details").hidden = false;
  }

  // ----- held plans (mass-change guard)

  async function loadPlans() {
    const query = $("plans-all").checked ? "take=100" : "open=true&take=100";
    const { data } = await api(`/api/held-plans?${query}`);
    const open = data.filter((p) => p.status === "Held").length;
    $("plans-count").textContent = String(open);
    $("plans-count").hidden = open === 0;
    const body = $("plans-table").tBodies[0];
    body.replaceChildren();
    for (const plan of data) {
      const row = body.insertRow();
      row.dataset.planId = plan.id;
      cell(row, mappingName(plan.mappingId));
      cell(row, plan.status, plan.status === "Held" ? "bad" : "");
      cell(row, String(plan.disables), "number");
      cell(row, String(plan.enabledMembers), "number");
      cell(row, String(plan.totalChanges), "number");
      cell(row, formatTime(plan.createdAt), "time");
      cell(row, plan.reason);
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Review";
      button.addEventListener("click", () => showPlan(plan.id).catch(fail));
      row.insertCell().append(button);
    }
    $("plans-empty").hidden = data.length > 0;
  }

  async function showPlan(id) {
    const { data: plan } = await api(`/api/held-plans/${id}`);
    state.plan = plan;
    definitionList($("plan-list"), [
      ["Plan", plan.id],
      ["Mapping", `${mappingName(plan.mappingId)} (${plan.mappingId})`],
      ["Status", plan.status, plan.status === "Held" ? "bad" : ""],
      ["Reason", plan.reason],
      ["Disables", `${plan.disables} of ${plan.enabledMembers} enabled technicians`],
      ["Changes", plan.totalChanges > plan.changes.length ? `${plan.totalChanges} (first ${plan.changes.length} listed)` : String(plan.totalChanges)],
      ["Held at", formatTime(plan.createdAt)],
      ["Decided", plan.decidedAt ? `${formatTime(plan.decidedAt)} by ${plan.decidedBy}` : null],
      ["Applied", plan.appliedAt ? formatTime(plan.appliedAt) : null],
    ]);
    const body = $("plan-changes").tBodies[0];
    body.replaceChildren();
    for (const change of plan.changes) {
      const row = body.insertRow();
      cell(row, change.displayName);
      cell(row, change.email);
      cell(row, change.previousState ?? "(new)");
      cell(row, change.state, change.state === "Enabled" ? "" : "bad");
      cell(row, change.directoryUserId);
      cell(row, change.distinguishedName);
    }
    $("plan-approve").hidden = $("plan-reject").hidden = plan.status !== "Held";
    $("plan-details").hidden = false;
  }

  async function decide(action) {
    const plan = state.plan;
    if (!plan) return;
    await api(`/api/held-plans/${plan.id}/${action}`, storedKey(), "POST");
    showMessage(action === "approve"
      ? `Plan approved: the reader applies the changes of ${mappingName(plan.mappingId)} at its next cycle.`
      : `Plan rejected: nothing of it was applied; ${mappingName(plan.mappingId)} resumes (and is held again if the directory still looks the same).`, "info");
    await Promise.all([loadMappings(), loadPlans()]);
    await showPlan(plan.id);
  }

  // ----- on-demand actions: full resync of a mapping, provision one user now

  const POLL_MS = 1000;
  const POLL_LIMIT_MS = 10 * 60 * 1000;
  const actions = { resyncMapping: null, resyncPoll: 0, provisionPoll: 0 };
  const OUTCOMES = {
    Created: "created: a new technician with the default password",
    Linked: "linked: an existing technician with the user's email now follows the directory",
    Updated: "updated: the technician now matches the directory",
    Enabled: "enabled: the technician was disabled and is enabled again",
    Disabled: "disabled: the user is out of scope or disabled in the directory",
    Unchanged: "unchanged: the technician already matched the directory",
    Stale: "nothing to do: a newer state of the user was already applied",
    Skipped: "skipped: nothing was applied",
    Failed: "failed",
  };

  function fillActionMappings(mappings) {
    for (const [id, withDefault] of [["resync-mapping", false], ["provision-mapping", true]]) {
      const select = $(id);
      const chosen = select.value;
      select.replaceChildren();
      if (withDefault) select.add(new Option("(the only enabled mapping)", ""));
      for (const m of mappings) select.add(new Option(`${m.sourceGroupDn}${m.enabled ? "" : " (disabled)"}`, m.id));
      select.value = [...select.options].some((o) => o.value === chosen) ? chosen : select.options[0]?.value ?? "";
    }
  }

  function resetActions() {
    clearTimeout(actions.resyncPoll);
    clearTimeout(actions.provisionPoll);
    actions.resyncMapping = null;
    $("resync-confirm").hidden = true;
    for (const id of ["resync-result", "provision-result"]) {
      $(id).replaceChildren();
      $(id).hidden = true;
    }
    $("provision-user").value = "";
  }

  function askResync() {
    const id = $("resync-mapping").value;
    if (!id) {
      showMessage("There is no mapping to resync.");
      return;
    }
    actions.resyncMapping = id;
    $("resync-confirm-text").textContent = `Resync ${mappingName(id)} in full? Every member's state is re-applied to Rescue at the `
      + "reader's next cycle; technicians changed by hand in Rescue are set back to what the directory says.";
    $("resync-confirm").hidden = false;
    $("resync-yes").focus();
  }

  async function resync() {
    const id = actions.resyncMapping;
    $("resync-confirm").hidden = true;
    actions.resyncMapping = null;
    if (!id) return;
    const { data, status } = await api(`/api/mappings/${id}/resync`, storedKey(), "POST");
    if (status === 404 || !data) {
      showMessage(`Mapping ${mappingName(id)} no longer exists; press Refresh.`);
      return;
    }
    showMessage(status === 200
      ? `A resync of ${mappingName(id)} was already waiting for the reader; showing it.`
      : `Resync of ${mappingName(id)} requested.`, "info");
    clearTimeout(actions.resyncPoll);
    showResync(data, Date.now());
  }

  function showResync(request, started) {
    const done = request.status === "Done";
    const waited = Date.now() - started;
    definitionList($("resync-result"), [
      ["Resync", request.id],
      ["Mapping", mappingName(request.mappingId)],
      ["Status", done ? "Done" : `${request.status}: waiting for the reader's next cycle of the mapping…`, done ? "good" : ""],
      ["Requested", `${formatTime(request.requestedAt)}${request.requestedBy ? ` by ${request.requestedBy}` : ""}`],
      ["Completed", request.completedAt ? formatTime(request.completedAt) : null],
      ["Users republished", request.published ?? null],
    ]);
    $("resync-result").hidden = false;
    if (done) {
      loadLog().catch(fail);
      return;
    }
    if (waited > POLL_LIMIT_MS) {
      showMessage("The reader has not done the resync yet: is the ad-reader running and the mapping enabled? The request stays and "
        + "runs at the reader's next cycle.");
      return;
    }
    actions.resyncPoll = setTimeout(() => api(`/api/resync-requests/${request.id}`)
      .then(({ data }) => data && showResync(data, started)).catch(fail), POLL_MS);
  }

  async function provision() {
    const user = $("provision-user").value.trim();
    if (!user) {
      showMessage("Name the user: sAMAccountName / uid, mail, DN or directory id.");
      return;
    }
    const mappingId = $("provision-mapping").value || null;
    const { data } = await api("/api/provision-requests", storedKey(), "POST", { user, mappingId });
    showMessage(`Provisioning '${user}' requested.`, "info");
    clearTimeout(actions.provisionPoll);
    showProvision(data, Date.now());
  }

  function showProvision(request, started) {
    const finished = request.status === "Done" || request.status === "Failed";
    const failed = request.status === "Failed";
    const waiting = {
      Pending: "Pending: waiting for the reader to look the user up…",
      Published: "Published: the provisioner is applying it…",
    }[request.status] ?? request.status;
    definitionList($("provision-result"), [
      ["Request", request.id],
      ["User", request.user],
      ["Mapping", mappingName(request.mappingId)],
      ["Status", finished ? request.status : waiting, failed ? "bad" : finished ? "good" : ""],
      ["Result", request.outcome ? OUTCOMES[request.outcome] ?? request.outcome : null, failed && request.outcome ? "bad" : ""],
      ["Error", request.error, request.error ? "bad" : ""],
      ["Technician node", request.technicianNodeId == null ? null : String(request.technicianNodeId)],
      ["Directory user", request.directoryUserId],
      ["Requested", `${formatTime(request.requestedAt)}${request.requestedBy ? ` by ${request.requestedBy}` : ""}`],
      ["Completed", request.completedAt ? formatTime(request.completedAt) : null],
    ]);
    $("provision-result").hidden = false;
    if (finished) {
      showMessage(failed ? `Provisioning '${request.user}' failed: ${request.error}` : `Provisioned '${request.user}': ${request.outcome}.`,
        failed ? "error" : "info");
      Promise.all([loadMappings(), loadLog()]).catch(fail);
      return;
    }
    if (Date.now() - started > POLL_LIMIT_MS) {
      showMessage(request.status === "Pending"
        ? "The reader has not picked the request up: is the ad-reader running and the mapping enabled? It stays and runs at the next cycle."
        : "The provisioner has not reported yet: is it running and is Rescue reachable (see the sync log)? The message waits in the queue.");
      return;
    }
    actions.provisionPoll = setTimeout(() => api(`/api/provision-requests/${request.id}`)
      .then(({ data }) => data && showProvision(data, started)).catch(fail), POLL_MS);
  }

  // ----- settings

  async function loadSettings() {
    const [account, directory] = await Promise.all([api("/api/rescue-account"), api("/api/directory")]);
    const a = account.data;
    definitionList($("account-list"), a ? [
      ["API URL", a.apiBaseUrl],
      ["MAH email", a.mahEmail],
      ["MAH password", ...secret(a.mahPasswordSet)],
      ["Service token", ...secret(a.serviceTokenSet)],
      ["Default password", ...secret(a.defaultPasswordSet)],
      ["Updated", formatTime(a.updatedAt)],
    ] : [["Status", "Not set yet (adsync account set)", "bad"]]);
    const d = directory.data;
    definitionList($("directory-list"), d ? [
      ["Kind", d.kind],
      ...(d.domain ? [
        ["Domain", `${d.domain} (domain controllers found in DNS)`],
        ["Site", d.site],
        ["DNS server", d.dnsServer ?? "the system's resolvers"],
      ] : [["Servers", d.serverUrls.join("\n")]]),
      ["Authentication", d.auth === "Kerberos" ? "Kerberos (keytab; signed and sealed)" : "Simple (bind DN and password)"],
      ...(d.auth === "Kerberos" ? [
        ["Kerberos principal", d.kerberosPrincipal],
        ["Keytab", ...secret(d.keytabSet)],
      ] : [
        ["Bind DN", d.bindDn],
        ["Bind password", ...secret(d.bindPasswordSet)],
      ]),
      ["Base DN", d.baseDn],
      ["Poll interval", `${d.pollIntervalSeconds} s`],
      ["TLS", d.tlsMode],
      ["CA bundle", d.caBundlePem ? "set (PEM certificates)" : "none: the system store"],
      ["Accept any certificate", d.allowInsecureTls ? "YES (labs only)" : "no", d.allowInsecureTls ? "bad" : ""],
      ["Disabled attribute", d.disabledAttribute],
      ["Full read every", `${d.reconcileMinutes} min`],
      ["Updated", formatTime(d.updatedAt)],
    ] : [["Status", "Not set yet (adsync directory set)", "bad"]]);
  }

  async function loadDirectoryNames() {
    const { data } = await api("/api/directories");
    const select = $("directory-test-name");
    const chosen = select.value;
    select.replaceChildren(...(data || []).map((d) => {
      const option = document.createElement("option");
      option.value = d.name;
      option.textContent = d.name;
      return option;
    }));
    if (chosen && (data || []).some((d) => d.name === chosen)) select.value = chosen;
    $("directory-test").disabled = !(data && data.length);
  }

  const CHECK_LABELS = { Pass: "PASS", Warn: "WARN", Fail: "FAIL" };

  async function testDirectory() {
    const name = $("directory-test-name").value;
    if (!name) return;
    const summary = $("directory-test-summary");
    $("directory-test").disabled = true;
    summary.hidden = false;
    summary.className = "hint";
    summary.textContent = `Testing ${name}…`;
    try {
      const { data } = await api(`/api/directories/${encodeURIComponent(name)}/test`, storedKey(), "POST");
      if (!data) {
        summary.textContent = `The directory connection ${name} no longer exists.`;
        return;
      }
      const body = $("directory-test-table").tBodies[0];
      body.replaceChildren();
      for (const check of data.checks) {
        const row = body.insertRow();
        cell(row, CHECK_LABELS[check.status] || check.status, `check-${check.status}`);
        cell(row, check.check);
        cell(row, check.detail);
        cell(row, check.fix);
      }
      $("directory-test-table").hidden = false;
      const failed = data.checks.filter((c) => c.status === "Fail").length;
      const warned = data.checks.filter((c) => c.status === "Warn").length;
      summary.className = failed ? "bad" : "good";
      summary.textContent = failed || warned
        ? `${name}: ${failed} failed, ${warned} warning(s).`
        : `${name}: every check passed.`;
    } finally {
      $("directory-test").disabled = false;
    }
  }

  async function loadAll() {
    await loadMappings();
    await Promise.all([loadLog(), loadSettings(), loadDirectoryNames(), loadPlans()]);
  }

  function selectTab(name) {
    for (const tab of document.querySelectorAll("nav .tab")) tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    for (const panel of document.querySelectorAll(".tab-panel")) panel.hidden = panel.id !== `tab-${name}`;
  }

  // ----- history

  const HISTORY_PAGE = 500;

  async function searchHistory() {
    const term = $("history-user").value.trim();
    $("history-users").replaceChildren();
    $("history-table").tBodies[0].replaceChildren();
    if (!term) {
      $("history-range").textContent = "Enter part of a name, email or login, or the start of a directory user id.";
      return;
    }
    const { data, total } = await api(`/api/history?user=${encodeURIComponent(term)}&take=${HISTORY_PAGE}`);
    // Newest first, so the first entry of each user carries the user's current name.
    const users = new Map();
    for (const entry of data) if (!users.has(entry.directoryUserId)) users.set(entry.directoryUserId, entry);
    if (users.size === 0) {
      $("history-range").textContent = `No history for "${term}".`;
      return;
    }
    if (users.size > 1) {
      $("history-users").append(`${users.size} users match: `);
      for (const [id, entry] of users) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "history-user";
        button.textContent = `${entry.displayName} <${entry.email}>`;
        button.title = id;
        button.addEventListener("click", () => showTimeline(data, id, total));
        $("history-users").append(button, " ");
      }
    }
    showTimeline(data, users.keys().next().value, total);
  }

  function historyDetails(entry) {
    const parts = [];
    if (entry.nameBefore) parts.push(`name: ${entry.nameBefore} → ${entry.displayName}`);
    if (entry.emailBefore) parts.push(`email: ${entry.emailBefore} → ${entry.email}`);
    if (entry.reason) parts.push(entry.reason);
    return parts.length ? parts.join("; ") : "—";
  }

  function showTimeline(data, id, total) {
    const entries = data.filter((e) => e.directoryUserId === id);
    const body = $("history-table").tBodies[0];
    body.replaceChildren();
    for (const entry of entries) {
      const row = body.insertRow();
      row.dataset.entryId = String(entry.id);
      row.title = [entry.distinguishedName, entry.traceId ? `trace ${entry.traceId}` : null].filter(Boolean).join(" · ");
      cell(row, formatTime(entry.time), "time");
      cell(row, entry.action, `action-${entry.action}`);
      cell(row, entry.displayName);
      cell(row, entry.email);
      cell(row, entry.login ?? "—");
      cell(row, entry.technicianNodeId ?? "—");
      cell(row, String(entry.version));
      cell(row, historyDetails(entry));
    }
    $("history-range").textContent = `${entries.length} entries of user ${id}, newest first`
      + (total > data.length ? ` (the search matched ${total}; the newest ${data.length} are read: refine it to see older ones)` : "");
  }

  // ----- wiring

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", (e) => {
      e.preventDefault();
      login($("api-key").value.trim()).catch((error) => {
        sessionStorage.removeItem(KEY_STORAGE);
        showMessage(error.message);
      });
    });
    $("logout").addEventListener("click", () => logout(""));
    $("refresh").addEventListener("click", () => { showMessage(""); loadAll().catch(fail); });
    for (const tab of document.querySelectorAll("nav .tab")) tab.addEventListener("click", () => selectTab(tab.dataset.tab));
    $("plans-all").addEventListener("change", () => loadPlans().catch(fail));
    $("plan-approve").addEventListener("click", () => decide("approve").catch(fail));
    $("plan-reject").addEventListener("click", () => decide("reject").catch(fail));
    $("resync-form").addEventListener("submit", (e) => { e.preventDefault(); askResync(); });
    $("resync-yes").addEventListener("click", () => resync().catch(fail));
    $("resync-no").addEventListener("click", () => { actions.resyncMapping = null; $("resync-confirm").hidden = true; });
    $("provision-form").addEventListener("submit", (e) => { e.preventDefault(); provision().catch(fail); });
    $("directory-test-form").addEventListener("submit", (e) => { e.preventDefault(); testDirectory().catch(fail); });
    $("history-search").addEventListener("submit", (e) => { e.preventDefault(); searchHistory().catch(fail); });
    $("log-filters").addEventListener("submit", (e) => {
      e.preventDefault();
      state.logSkip = 0;
      loadLog().catch(fail);
    });
    $("log-filters").addEventListener("reset", () => setTimeout(() => { state.logSkip = 0; loadLog().catch(fail); }));
    $("log-prev").addEventListener("click", () => {
      state.logSkip = Math.max(0, state.logSkip - Number($("filter-take").value));
      loadLog().catch(fail);
    });
    $("log-next").addEventListener("click", () => {
      state.logSkip += Number($("filter-take").value);
      loadLog().catch(fail);
    });
    const key = storedKey();
    if (key) login(key).catch((error) => logout(error.message));
  });
})();
