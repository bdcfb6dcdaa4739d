#!/usr/bin/env python3
"""Turns `kubectl kustomize k8s/overlays/dev` (stdin) into YAML `podman kube play` runs (stdout).

Keeps the kinds podman plays (Pod, Deployment, ConfigMap, Secret, PersistentVolumeClaim) and, of the Deployments, the
four services this repository builds, with their images pointed at the local builds. Writes the Secret the manifests
read (k8s/secret.template.yaml, generated values) as JSON to <secret file>, for `podman secret create`: podman 4.3
stores a Secret played from YAML in a form its own secretKeyRef lookup cannot read. Everything else (Services, NetworkPolicies, HPA, PDBs, RBAC,
ServiceMonitors, the namespace) has no podman equivalent; the RabbitMQ Deployment is left out because it expects the
upstream image's user 999 with a read-only root, which the Debian stand-in does not provide.

Usage: kube-play.py <image registry> <image tag> <secret file>  < rendered.yaml  > play.yaml
"""
import base64
import json
import os
import secrets
import sys

import yaml

PLAYED = {"Pod", "Deployment", "ConfigMap", "Secret", "PersistentVolumeClaim"}
SERVICES = {"config", "ad-reader", "provisioner", "rescue-emulator"}


def main() -> int:
    registry, tag = sys.argv[1], sys.argv[2]
    out = []
    names = []
    for doc in yaml.safe_load_all(sys.stdin):
        if not doc or doc.get("kind") not in PLAYED or doc.get("kind") == "Secret":
            continue
        namespace = doc["metadata"].pop("namespace", None)
        if doc["kind"] == "ConfigMap" and (doc.get("data") or {}).get("Reader__LeaderElection__Mode") == "Kubernetes":
            # No Kubernetes API server under podman for the Lease: the config store's lease instead.
            doc["data"]["Reader__LeaderElection__Mode"] = "ConfigService"
        if doc["kind"] == "Deployment":
            if doc["metadata"]["name"] not in SERVICES:
                continue
            doc["spec"]["replicas"] = 1
            for container in doc["spec"]["template"]["spec"]["containers"]:
                image = container["image"]
                repo = image.rsplit(":", 1)[0]
                service = repo.rsplit("/", 1)[-1]
                if service not in SERVICES:
                    print(f"kube-play.py: unexpected image {image}", file=sys.stderr)
                    return 1
                container["image"] = f"{registry}/{service}:{tag}"
                container["imagePullPolicy"] = "Never"
                # Without Services nothing reaches the pods from outside, and podman would publish every containerPort
                # on the host (four pods, one port 8080). podman turns httpGet probes into health checks that run
                # curl in a shell, neither of which the images have: e2e.sh checks /health/live with `--health`.
                container.pop("ports", None)
                for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                    container.pop(probe, None)
                # podman 4 cannot resolve fieldRef metadata.namespace: the overlay's namespace as a literal.
                for env in container.get("env", []):
                    field = (env.get("valueFrom") or {}).get("fieldRef", {}).get("fieldPath")
                    if field == "metadata.namespace":
                        env.pop("valueFrom")
                        env["value"] = namespace or "default"
            names.append(doc["metadata"]["name"])
        out.append(doc)

    template = yaml.safe_load(open(os.path.join(os.path.dirname(__file__), "../../k8s/secret.template.yaml"), encoding="utf-8"))
    values = {key: secrets.token_hex(16) for key in template["stringData"]}
    values["config-secrets-key"] = base64.b64encode(secrets.token_bytes(32)).decode()
    values["rabbitmq-username"] = "adsync"
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": template["metadata"]["name"]},
        "type": "Opaque",
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in values.items()},
    }
    if not names:
        print("kube-play.py: no service Deployment in the input", file=sys.stderr)
        return 1
    with open(sys.argv[3], "w", encoding="utf-8") as f:
        os.chmod(sys.argv[3], 0o600)
        json.dump(secret["data"], f)  # podman 4.3 reads a secretKeyRef from {"key": "<base64>", ...}
    yaml.safe_dump_all(out, sys.stdout, sort_keys=False)
    print(f"kube-play.py: Deployments {' '.join(names)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
