#!/usr/bin/env python3
"""List and search latency of the item bank over a 5,000-item bank, against a running release server.

Usage: bench/authoring/search.py BASE_URL ADMIN_PASSWORD PACKAGE.zip [REQUESTS]

Imports PACKAGE (a QTI content package, e.g. 4,600 generated listening items written by
`target/release/examples/bulk_import write /tmp/bulk.zip 4600`) through POST /api/v1/qti/import, then times
REQUESTS (default 200) sequential calls of each kind on the otherwise idle server and prints p50/p95/p99 in ms
as JSON: a plain page, a filtered page, and Kazakh searches in Cyrillic, Latin and with look-alike letters.
"""
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request


def call(method, url, token=None, body=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read() or b"null")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    base, password, package = sys.argv[1], sys.argv[2], sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    token = call("POST", f"{base}/api/v1/auth/token",
                 body={"grant_type": "password", "username": "admin", "password": password})["access_token"]
    started = time.perf_counter()
    report = call("POST", f"{base}/api/v1/qti/import", token, open(package, "rb").read(), "application/zip")
    imported = len(report["imported"])
    import_s = time.perf_counter() - started
    queries = {
        "page of 50": "limit=50",
        "section and status filter": "section=reading&status=operational&limit=50",
        "search, Cyrillic": "q=" + urllib.parse.quote("дәріханаға"),
        "search, Latin 2021": "q=" + urllib.parse.quote("därıhanağa"),
        "search, look-alike letters": "q=" + urllib.parse.quote("дәрixaнaғa"),
        "search, no match": "q=" + urllib.parse.quote("жоқсөз"),
    }
    out = {"imported": imported, "import_seconds": round(import_s, 2), "requests_each": n, "calls": {}}
    for name, q in queries.items():
        times = []
        found = 0
        for _ in range(n):
            t = time.perf_counter()
            page = call("GET", f"{base}/api/v1/items?{q}", token)
            times.append((time.perf_counter() - t) * 1000)
            found = len(page["items"])
        out["calls"][name] = {"found": found, "p50_ms": round(statistics.median(times), 1),
                              "p95_ms": round(percentile(times, 95), 1), "p99_ms": round(percentile(times, 99), 1)}
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
