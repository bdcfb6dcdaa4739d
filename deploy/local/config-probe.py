#!/usr/bin/env python3
"""Sends a probe-like mix of requests to a config service and prints the answers' status counts.

Mostly bad input, as an outside API probe sends it: every operation with random ids, wrong or missing API keys, wrong
roles, malformed JSON, unknown fields, wrong content types, If-Match garbage, bodies of 1 to 31 MB and a few chunked
50 MB bodies. A bounded number of requests, to the URL given only (a config service of your own on this machine).

  ADMIN_KEY=… READER_KEY=… PROVISIONER_KEY=… deploy/local/config-probe.py http://127.0.0.1:5080 --requests 7200 --threads 8

Watch the service meanwhile: /proc/<pid>/status (VmRSS, VmHWM) and its /metrics (dotnet_total_memory_bytes);
docs/reliability.md ("Memory under a probe") has the figures and how they were taken.
"""
import argparse
import http.client
import json
import os
import random
import threading
import urllib.parse
import uuid

VALID_DIRECTORY = {"kind": "OpenLdap", "serverUrls": ["ldap://127.0.0.1:389"], "bindDn": "cn=admin,dc=example,dc=org",
                   "bindPassword": "pw", "baseDn": "dc=example,dc=org", "pollIntervalSeconds": 5}
BAD_BODIES = ['{ broken', '[]', '{"kind":1}', 'null', '"x"', '{"a":' * 500, '{"sourceGroupDn":"cn=t\\ud800","technicianGroupId":7}',
              json.dumps(dict(VALID_DIRECTORY, pollIntervalMinutes=1)), json.dumps(dict(VALID_DIRECTORY, bindDn=5)), '\x00\x01\x02', '{}']
OPERATIONS = [
    ("GET", "/api/directory"), ("PUT", "/api/directory"), ("GET", "/api/directory/credentials"), ("GET", "/api/directories"),
    ("GET", "/api/directories/{name}"), ("PUT", "/api/directories/{name}"), ("DELETE", "/api/directories/{name}"),
    ("POST", "/api/directories/{name}/test"), ("GET", "/api/directories/{name}/credentials"), ("GET", "/api/rescue-account"),
    ("PUT", "/api/rescue-account"), ("GET", "/api/rescue-account/credentials"), ("GET", "/api/mappings"), ("GET", "/api/mappings/{id}"),
    ("POST", "/api/mappings"), ("PUT", "/api/mappings/{id}"), ("DELETE", "/api/mappings/{id}"), ("POST", "/api/mappings/{id}/resync"),
    ("GET", "/api/links"), ("GET", "/api/links/{name}"), ("PUT", "/api/links/{name}"), ("POST", "/api/links/batch"),
    ("POST", "/api/sync-log"), ("GET", "/api/sync-log"), ("GET", "/api/sync-log?take=abc"), ("GET", "/api/technician-groups/{number}"),
    ("GET", "/api/history"), ("POST", "/api/history/batch"), ("GET", "/api/reader-state/{id}"), ("PUT", "/api/reader-state/{id}"),
    ("DELETE", "/api/reader-state/{id}"), ("GET", "/api/reader-state/{id}/summary"), ("GET", "/api/reader-state/{id}/users"),
    ("GET", "/api/leases/{name}"),
    ("POST", "/api/leases/{name}"), ("DELETE", "/api/leases/{name}"), ("GET", "/api/held-plans"), ("GET", "/api/held-plans/{id}"),
    ("POST", "/api/held-plans"), ("POST", "/api/held-plans/{id}/approve"), ("POST", "/api/held-plans/{id}/reject"),
    ("POST", "/api/held-plans/{id}/applied"), ("GET", "/api/resync-requests/{id}"), ("POST", "/api/resync-requests/{id}/done"),
    ("POST", "/api/provision-requests"), ("GET", "/api/provision-requests/{id}"), ("POST", "/api/provision-requests/{id}/published"),
    ("POST", "/api/provision-requests/{id}/failed"), ("POST", "/api/provision-requests/{id}/result"), ("POST", "/api/previews"),
    ("GET", "/api/previews/{id}"), ("GET", "/api/previews/{id}/csv"), ("GET", "/api/previews/pending"),
    ("POST", "/api/previews/{id}/mappings/{id}"), ("GET", "/api/previews/{id}/input"), ("GET", "/api/previews/technicians/{number}/link"),
    ("POST", "/api/previews/{id}/plan"), ("GET", "/openapi/v1.json"), ("GET", "/metrics"),
]


def chunks(total, size=1 << 20):
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        yield b"x" * n
        sent += n


def send(conn, rnd, keys):
    method, path = rnd.choice(OPERATIONS)
    path = path.replace("{name}", rnd.choice(["default", "x" * rnd.choice([1, 50, 300]), str(uuid.uuid4())]))
    while "{id}" in path:
        path = path.replace("{id}", str(uuid.uuid4()), 1)
    path = path.replace("{number}", str(rnd.randint(1, 10**6)))
    headers = {}
    # Mostly the first key (the admin's: most operations take it), then the others, a wrong one, an empty one, none.
    key = rnd.choice(keys[:1] * 2 + keys + ["wrong-" + str(uuid.uuid4()), "", None])
    if key is not None:
        headers["Authorization"] = "Bearer " + key
    if rnd.random() < 0.1:
        headers["If-Match"] = rnd.choice(['"garbage', 'W/"1"', '*', '"' + "9" * 40 + '"', 'abc'])
    body = None
    if method in ("PUT", "POST"):
        headers["Content-Type"] = rnd.choice(["application/json"] * 5 + ["text/plain", "application/xml"])
        r = rnd.random()
        if r < 0.006:
            body = chunks(50 * 1024 * 1024)
            headers["Transfer-Encoding"] = "chunked"
        elif r < 0.03:
            size = rnd.choice([1_000_000, 5_000_000, 25_000_000, 31_000_000])
            body = json.dumps(dict(VALID_DIRECTORY, bindPassword="x" * size)).encode()
        elif r < 0.08:
            body = json.dumps({"items": [{"directoryUserId": str(uuid.uuid4()), "x": "y" * 100} for _ in range(rnd.choice([100, 5000]))]}).encode()
        elif r < 0.3:
            body = json.dumps(VALID_DIRECTORY).encode()
        else:
            body = rnd.choice(BAD_BODIES).encode()
    conn.putrequest(method, path)
    for name, value in headers.items():
        conn.putheader(name, value)
    if body is not None and not isinstance(body, bytes):
        conn.endheaders()
        try:
            for chunk in body:
                conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            conn.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused the body and closed: its answer is read below
    else:
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body:
            try:
                conn.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("Connection", "").lower() == "close"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the config service, e.g. http://127.0.0.1:5080")
    parser.add_argument("--requests", type=int, default=7200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    keys = [os.environ[name] for name in ("ADMIN_KEY", "READER_KEY", "PROVISIONER_KEY") if os.environ.get(name)]
    if not keys:
        parser.error("set ADMIN_KEY (and READER_KEY, PROVISIONER_KEY) to the service's API keys")
    url = urllib.parse.urlparse(args.url)
    counts, lock = {}, threading.Lock()

    def count(what):
        with lock:
            counts[what] = counts.get(what, 0) + 1

    def worker(n, seed):
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        for _ in range(n):
            try:
                status, closed = send(conn, rnd, keys)
                count(str(status))
            except (OSError, http.client.HTTPException) as error:
                count(type(error).__name__)
                closed = True
            if closed:
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        conn.close()

    threads = [threading.Thread(target=worker, args=(args.requests // args.threads, args.seed * 1000 + i)) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(" ".join(f"{key}:{counts[key]}" for key in sorted(counts)))


if __name__ == "__main__":
    main()
