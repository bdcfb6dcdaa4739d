#!/usr/bin/env python3
"""Writes prometheusrule.yaml from deploy/prometheus/alerts.yml (kustomize cannot load files outside k8s/).
Run after changing the alert rules; tests/RescueAdSync.Deployment.Tests fails while the two differ."""
import pathlib
import yaml

here = pathlib.Path(__file__).resolve().parent
root = here.parents[2]
rules = yaml.safe_load((root / "deploy/prometheus/alerts.yml").read_text())


class Literal(str):
    pass


def literal(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


def walk(node):
    if isinstance(node, dict):
        return {k: walk(v) for k, v in node.items()}
    if isinstance(node, list):
        return [walk(v) for v in node]
    return Literal(node) if isinstance(node, str) else node


yaml.add_representer(Literal, literal)
rule = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "PrometheusRule",
    "metadata": {"name": "rescue-adsync", "labels": {"app.kubernetes.io/name": "rescue-adsync"}},
    "spec": walk(rules),
}
header = "# Generated from deploy/prometheus/alerts.yml by generate-prometheusrule.py: edit the rules there, not here.\n"
(here / "prometheusrule.yaml").write_text(header + yaml.dump(rule, sort_keys=False, width=120, allow_unicode=True))
