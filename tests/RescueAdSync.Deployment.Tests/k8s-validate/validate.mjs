// Validates every document of the given multi-document YAML files against the Kubernetes schemas
// (kubernetes-models) and, for custom resources, against the KEDA and Prometheus Operator schemas, strictly:
// a field the schema does not declare (a misspelling such as `imagePullpolicy` or `livenesProbe`) is an error,
// as `kubectl apply --validate=strict` would make it on a cluster.
// Usage: node validate.mjs <file.yaml>...   Prints one JSON report; exits 1 when any document is invalid.
//
// How unknown fields are found: kubernetes-models ships its schemas compiled to ajv validate functions, not as JSON,
// and those functions ignore undeclared properties. But a compiled function reads every property its schema declares
// (`data.exec !== undefined && ...`) and iterates the keys of a map (`additionalProperties`), so the document is
// handed to it behind a Proxy that records each key read. A key of the document that the validator never read is a
// key the schema does not know. An object the validator entered without reading any key is free-form in the schema
// (`x-kubernetes-preserve-unknown-fields`, or `type: object` with no properties): its content cannot be checked,
// and it is listed in the report under `unchecked`.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

// apiVersion -> module exporting one class per kind.
const modules = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "rbac.authorization.k8s.io/v1": "kubernetes-models/rbac.authorization.k8s.io/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "coordination.k8s.io/v1": "kubernetes-models/coordination.k8s.io/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

/** Wraps a parsed document so that every key the validator reads is recorded in `reads` (object -> Set of keys). */
function tracked(root, reads) {
  const proxies = new WeakMap();
  const wrap = (value) => {
    if (value === null || typeof value !== "object") return value;
    let proxy = proxies.get(value);
    if (!proxy) {
      if (!reads.has(value)) reads.set(value, new Set());
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          if (typeof key === "string") reads.get(target).add(key);
          return wrap(Reflect.get(target, key, receiver));
        },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };
  return wrap(root);
}

/** The closest declared key to a misspelled one (case-insensitive edit distance), for the error message. */
function closest(key, known) {
  const distance = (a, b) => {
    a = a.toLowerCase();
    b = b.toLowerCase();
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length];
  };
  let best = null;
  for (const candidate of known) {
    const d = distance(key, candidate);
    if (d <= Math.max(2, Math.floor(key.length / 4)) && (best === null || d < best.d)) best = { candidate, d };
  }
  return best?.candidate ?? null;
}

/** Walks the document next to what the validator read; reports undeclared keys and free-form objects. */
function unknownFields(node, path, reads, found, unchecked) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => unknownFields(item, `${path}[${i}]`, reads, found, unchecked));
    return;
  }
  if (node === null || typeof node !== "object") return;
  const read = reads.get(node);
  if (!read) return; // under a key already reported, or a branch the validator did not enter
  const keys = Object.keys(node);
  if (read.size === 0) {
    if (keys.length > 0) unchecked.push(path || "(document)");
    return;
  }
  for (const key of keys) {
    const at = path ? `${path}.${key}` : key;
    if (!read.has(key)) {
      const hint = closest(key, [...read].filter((k) => !(k in node)));
      found.push(`unknown field ${at}${hint ? ` (did you mean ${hint}?)` : ""}`);
      continue;
    }
    unknownFields(node[key], at, reads, found, unchecked);
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs <file.yaml>...");
  process.exit(2);
}

const report = { documents: 0, errors: [], unchecked: [] };
for (const file of files) {
  let docs;
  try {
    docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d != null);
  } catch (e) {
    report.errors.push(`${file}: not readable as YAML: ${e.reason ?? e.message}${e.mark ? ` (line ${e.mark.line + 1})` : ""}`);
    continue;
  }
  for (const doc of docs) {
    report.documents++;
    const where = `${file}: ${doc.kind ?? "?"}/${doc.metadata?.name ?? "?"}`;
    const path = modules[doc.apiVersion];
    if (!path) {
      report.errors.push(`${where}: no schema known for apiVersion ${doc.apiVersion}`);
      continue;
    }
    const mod = await import(path);
    const Kind = mod[doc.kind];
    if (typeof Kind !== "function") {
      report.errors.push(`${where}: ${doc.apiVersion} has no kind ${doc.kind}`);
      continue;
    }
    const reads = new Map();
    try {
      Kind.prototype.validate.call(tracked(doc, reads));
    } catch (e) {
      report.errors.push(`${where}: ${e.message}`);
    }
    const found = [];
    const unchecked = [];
    unknownFields(doc, "", reads, found, unchecked);
    for (const f of found) report.errors.push(`${where}: ${f}`);
    for (const u of unchecked) report.unchecked.push(`${where}: ${u}`);
  }
}
console.log(JSON.stringify(report, null, 2));
process.exit(report.errors.length === 0 ? 0 : 1);
