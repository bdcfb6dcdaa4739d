// Validates every document of the given multi-document YAML files against the Kubernetes schemas
// (kubernetes-models) and, for custom resources, against the KEDA and Prometheus Operator schemas.
// Usage: node validate.mjs <file.yaml>...   Prints one JSON report; exits 1 when any document is invalid.
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

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs <file.yaml>...");
  process.exit(2);
}

const report = { documents: 0, errors: [] };
for (const file of files) {
  const docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d != null);
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
    try {
      new Kind(doc).validate();
    } catch (e) {
      report.errors.push(`${where}: ${e.message}`);
    }
  }
}
console.log(JSON.stringify(report, null, 2));
process.exit(report.errors.length === 0 ? 0 : 1);
