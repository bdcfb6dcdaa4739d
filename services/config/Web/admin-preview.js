"use strict";
// Preview (dry run) on the admin page, kept apart from admin.js: it adds a "Preview" button to every mapping row (rows carry
// data-mapping-id) and a "Preview all mappings" button, asks the config service for a preview, polls it and shows the plan.
// Like admin.js, every value from the API is written with textContent, never as HTML (names come from the directory).
(() => {
  const KEY_STORAGE = "adsync.adminKey";
  const POLL_MS = 1000;
  const MAX_WAIT_MS = 5 * 60 * 1000;
  const $ = (id) => document.getElementById(id);
  let current = 0; // a newer preview request abandons the polling of an older one
  let csvUrl = null;

  async function call(path, method = "GET", body = undefined) {
    const headers = { Authorization: `Bearer ${sessionStorage.getItem(KEY_STORAGE)}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    } catch (e) {
      throw new Error(`The config service cannot be reached (${e.message}).`);
    }
    if (!response.ok) {
      let detail = "";
      try {
        const problem = await response.json();
        detail = [problem.title, problem.detail, ...Object.entries(problem.errors || {}).map(([f, m]) => `${f}: ${m}`)].filter(Boolean).join(" ");
      } catch { /* not a ProblemDetails body */ }
      throw new Error(`The config service answered HTTP ${response.status}. ${detail}`);
    }
    return response;
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text ?? "";
    if (className) td.className = className;
  }

  const status = (fields) => (fields ? (fields.enabled ? "Enabled" : "Disabled") : null);
  const change = (before, after) => (before == null ? after ?? "" : after == null || before === after ? before : `${before} → ${after}`);

  function reset() {
    current++;
    if (csvUrl) URL.revokeObjectURL(csvUrl);
    csvUrl = null;
    $("preview-panel").hidden = true;
    $("preview-items").tBodies[0].replaceChildren();
    $("preview-summary").replaceChildren();
    $("preview-csv").hidden = true;
  }

  function say(text, bad = false) {
    $("preview-status").textContent = text;
    $("preview-status").className = bad ? "hint bad" : "hint";
  }

  async function run(mappingId, label) {
    reset();
    const mine = current;
    $("preview-panel").hidden = false;
    $("preview-title").textContent = `Preview (dry run): ${label}`;
    say("Requesting a preview…");
    try {
      let preview = await (await call("/api/previews", "POST", mappingId ? { mappingId } : {})).json();
      const started = Date.now();
      while (preview.status === "Pending" || preview.status === "Read") {
        if (mine !== current) return;
        if (Date.now() - started > MAX_WAIT_MS) {
          say(`No answer after ${MAX_WAIT_MS / 60000} minutes (${preview.status}): is the ${preview.status === "Pending" ? "ad-reader" : "provisioner"} running? ` +
            `The preview ${preview.id} may still finish: ask again later.`, true);
          return;
        }
        say(preview.status === "Pending" ? "The reader is reading the directory…" : "The provisioner is comparing with Rescue (read calls only)…");
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        preview = await (await call(`/api/previews/${preview.id}`)).json();
      }
      if (mine !== current) return;
      if (preview.status === "Failed") {
        say(`The preview failed: ${preview.error}`, true);
        return;
      }
      await show(preview);
    } catch (error) {
      if (mine === current) say(error.message, true);
    }
  }

  async function show(preview) {
    const s = preview.summary;
    say(`Ready ${new Date(preview.completedAt).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z")}: nothing was changed. ` +
      `Kept until ${new Date(preview.expiresAt).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z")}.`);
    const list = $("preview-summary");
    for (const [term, value] of [["Create", s.create], ["Link", s.link], ["Update", s.update], ["Enable", s.enable], ["Disable", s.disable],
      ["Skip", s.skip], ["No change", s.noChange]]) {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = String(value);
      dd.dataset.action = term;
      list.append(dt, dd);
    }
    const body = $("preview-items").tBodies[0];
    for (const item of preview.items) {
      const row = body.insertRow();
      row.dataset.action = item.action;
      cell(row, item.action, item.action === "Disable" || item.action === "Skip" ? "bad" : "");
      cell(row, item.distinguishedName ?? item.directoryUserId);
      cell(row, item.technicianNodeId == null ? "(new)" : String(item.technicianNodeId), "number");
      cell(row, change(item.before?.name, item.after?.name));
      cell(row, change(item.before?.email, item.after?.email));
      cell(row, change(status(item.before), status(item.after)));
      cell(row, item.note ?? "");
    }
    $("preview-empty").hidden = preview.items.length > 0;
    // The CSV needs the key too, so it is fetched here and offered as a download, not linked directly.
    const csv = await (await call(`/api/previews/${preview.id}/csv`)).blob();
    csvUrl = URL.createObjectURL(csv);
    const link = $("preview-csv");
    link.href = csvUrl;
    link.download = `preview-${preview.id}.csv`;
    link.hidden = false;
  }

  function addButtons() {
    for (const row of $("mappings-table").tBodies[0].rows) {
      if (!row.dataset.mappingId || row.querySelector("button.preview")) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "preview";
      button.textContent = "Preview";
      button.addEventListener("click", () => run(row.dataset.mappingId, row.cells[0].textContent));
      // Next to the row's other actions (the last cell), so the table keeps its columns.
      row.cells[row.cells.length - 1].append(" ", button);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    new MutationObserver(addButtons).observe($("mappings-table").tBodies[0], { childList: true });
    $("preview-all").addEventListener("click", () => run(null, "all enabled mappings"));
    $("logout").addEventListener("click", reset);
  });
})();
