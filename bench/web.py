#!/usr/bin/env python3
"""Benchmarks of the server's face (issue 10): live logs, the build list, webhook deliveries.

  bench/web.py [--rate 1000] [--seconds 20] [--history 10000] [--loads 50] [--deliveries 50]
               [--image localbuild/standard:latest] [--database postgresql://...]

Needs a built jar (./mvnw -q -DskipTests package), a running Docker engine with the image present
(it must have python3), botocore (the AWS CLI's), and for the history a PostgreSQL database the
server may use (default postgresql://localbuild:localbuild@127.0.0.1/localbuild_bench, created by
.ci/run's role; the script drops and recreates its tables through the server's migrations).
Prints a Markdown report; BENCHMARKS.md records a run of it. Everything runs against servers on
loopback with fresh data directories, stopped at the end.

- Log line -> browser: two builds at once, each printing --rate lines a second for --seconds; each
  line carries the time it was printed, as the build container's clock says (`time.time_ns()`,
  the host's clock: containers share it). Two clients follow the builds' live logs as the web page
  does (sign-in, session cookie, server-sent events); a line's latency is from its print to its
  arrival at the client. Percentiles over every line.
- Build list with --history builds: the rows are written straight into the server's PostgreSQL
  (realistic records, 2 projects), then a signed-in client loads the build list as the browser
  does: the page, its script and stylesheet, who is signed in, the first page of builds. --loads
  loads, one after another, after 5 to warm up; and the 100th page (keyset paging: as fast). And
  a build with a --log-lines log (100,000): the build page's first read of it (its last 1,000
  lines) and a page from its middle.
- Webhook delivery -> QUEUED: GitHub-signed push deliveries to a project's webhook, one after
  another; the delivery's answer comes once the build is stored QUEUED, so its round trip is the
  figure. The builds then fail in DOWNLOAD_SOURCE (the repository is not reachable), unmeasured.
"""
import argparse
import hashlib
import hmac
import http.client
import http.cookiejar
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import LAUNCHER, Server  # noqa: E402

PRINTER = """version: 0.2
phases:
  build:
    commands:
      - |
        python3 - <<'EOF'
        import sys, time
        rate, seconds = %d, %d
        t0 = time.monotonic()
        for i in range(rate * seconds):
            due = t0 + i / rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            sys.stdout.write("%%d line %%d\\n" %% (time.time_ns(), i))
            sys.stdout.flush()
        EOF
"""


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Browser:
    """What the web page does over HTTP: a session cookie, a CSRF token, JSON and events."""

    def __init__(self, port, key):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        body = json.dumps({"accessKeyId": key["accessKeyId"],
                           "secretAccessKey": key["secretAccessKey"]}).encode()
        req = urllib.request.Request(self.base + "/ui/api/signin", data=body,
                                     headers={"Content-Type": "application/json"})
        with self.opener.open(req) as r:
            self.csrf = json.load(r)["csrfToken"]

    def get(self, path):
        with self.opener.open(self.base + path) as r:
            return r.read()

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def follow(self, build_id, latencies, done):
        """Reads a build's live log until it ends; each line's latency in ms into the list."""
        conn = http.client.HTTPConnection("127.0.0.1", int(self.base.rsplit(":", 1)[1]), timeout=300)
        conn.request("GET", "/ui/api/builds/" + urllib.request.quote(build_id, safe="") + "/events",
                     headers={"Cookie": self.cookie(), "Accept": "text/event-stream"})
        res = conn.getresponse()
        event = None
        for raw in res:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "lines":
                now = time.time_ns()
                for ln in json.loads(line[6:]):
                    first = ln["html"].split(" ", 1)[0]
                    if first.isdigit() and len(first) > 15:
                        latencies.append((now - int(first)) / 1e6)
            elif line.startswith("data: ") and event == "end":
                break
        conn.close()
        done.set()


def live_log(server, codebuild, key, image, rate, seconds):
    codebuild.create_project(
        name="printer", source={"type": "NO_SOURCE", "buildspec": PRINTER % (rate, seconds)},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": image,
                     "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole="arn:aws:iam::000000000000:role/localbuild-build")
    browser = Browser(server.port, key)
    ids = [codebuild.start_build(projectName="printer")["build"]["id"] for _ in range(2)]
    per_build = []
    threads = []
    for build_id in ids:
        lat, done = [], threading.Event()
        per_build.append(lat)
        t = threading.Thread(target=browser.follow, args=(build_id, lat, done), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join(seconds + 600)
    statuses = [b["buildStatus"] for b in codebuild.batch_get_builds(ids=ids)["builds"]]
    return per_build, statuses


def write_history(database, n):
    """n builds of two projects straight into the server's tables (psql), as if they had run."""
    rows = []
    for i in range(1, n + 1):
        project = "web" if i % 2 else "api"
        number = (i + 1) // 2
        bid = f"{project}:{uuid.UUID(int=i)}"
        start = 1_700_000_000_000 + i * 60_000
        record = {
            "id": bid, "arn": "arn:aws:codebuild:us-east-1:000000000000:build/" + bid,
            "buildNumber": number, "projectName": project, "currentPhase": "COMPLETED",
            "buildStatus": "SUCCEEDED" if i % 7 else "FAILED", "buildComplete": True,
            "initiator": "bench", "sourceVersion": "main",
            "resolvedSourceVersion": hashlib.sha1(str(i).encode()).hexdigest(),
            "startTime": time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime(start / 1000)),
            "endTime": time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime(start / 1000 + 42)),
            "phases": [{"phaseType": p, "phaseStatus": "SUCCEEDED", "durationInSeconds": 4}
                       for p in ("SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL",
                                 "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS",
                                 "FINALIZING", "COMPLETED")],
            "environment": {"type": "LINUX_CONTAINER", "image": "debian:bookworm",
                            "computeType": "BUILD_GENERAL1_SMALL", "environmentVariables": []},
            "logs": {"groupName": "/aws/codebuild/" + project, "streamName": bid.split(":")[1]},
        }
        rows.append("\t".join([bid, project, str(number), record["buildStatus"],
                               json.dumps(record).replace("\\", "\\\\"), "{}", str(start)]))
    copy = ("COPY builds (id, project, number, status, record, request, submitted) FROM STDIN;\n"
            + "\n".join(rows) + "\n\\.\n")
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", database], input=copy, text=True,
                   check=True, capture_output=True)


def write_log(database, build_id, n):
    """n log lines of one build straight into the server's table (psql)."""
    rows = "\n".join(f"{build_id}\t{i}\t{1_700_000_000_000 + i}\t[Container] line {i} of a long log"
                     for i in range(1, n + 1))
    copy = "COPY build_log (build_id, seq, at_millis, line) FROM STDIN;\n" + rows + "\n\\.\n"
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", database], input=copy, text=True,
                   check=True, capture_output=True)


def long_log(server, key, build_id, loads):
    """The build page's log requests on a long log: its last page, and a page from its middle."""
    browser = Browser(server.port, key)
    path = "/ui/api/builds/" + urllib.request.quote(build_id, safe="") + "/log"
    for _ in range(5):
        browser.get(path)
    tail, middle = [], []
    for _ in range(loads):
        t0 = time.perf_counter()
        page = json.loads(browser.get(path))
        tail.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        json.loads(browser.get(path + "?before=50000"))
        middle.append((time.perf_counter() - t0) * 1000)
    return tail, middle, len(page["lines"])


def build_list(server, key, loads):
    browser = Browser(server.port, key)
    first = None

    def load():
        t0 = time.perf_counter()
        for path in ("/ui/", "/ui/app.js", "/ui/app.css", "/ui/api/me"):
            browser.get(path)
        page = json.loads(browser.get("/ui/api/builds"))
        return (time.perf_counter() - t0) * 1000, page

    for _ in range(5):
        load()
    times = []
    for _ in range(loads):
        ms, first = load()
        times.append(ms)
    cursor = first.get("next")
    page = 2
    while page < 100:
        following = json.loads(browser.get("/ui/api/builds?next=" + urllib.request.quote(cursor)))
        if "next" not in following:
            break
        cursor = following["next"]
        page += 1
    deep = []
    for _ in range(loads):
        t0 = time.perf_counter()
        json.loads(browser.get("/ui/api/builds?next=" + urllib.request.quote(cursor)))
        deep.append((time.perf_counter() - t0) * 1000)
    return times, deep, len(first["builds"]), page


def deliveries(server, codebuild, n):
    codebuild.create_project(
        name="hooked", source={"type": "GITHUB", "location": "https://github.com/team/app.git",
                               "buildspec": "version: 0.2\nphases:\n  build:\n    commands: [true]\n"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "busybox:latest",
                     "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole="arn:aws:iam::000000000000:role/localbuild-build")
    hook = codebuild.create_webhook(projectName="hooked")["webhook"]
    url, secret = hook["payloadUrl"], hook["secret"]
    path = "/" + url.split("/", 3)[3]
    times = []
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    for i in range(n + 5):
        sha = hashlib.sha1(f"commit {i}".encode()).hexdigest()
        body = json.dumps({
            "ref": "refs/heads/main", "before": "0" * 40, "after": sha, "deleted": False,
            "head_commit": {"id": sha, "message": "change"},
            "commits": [{"added": [], "removed": [], "modified": ["a.txt"]}],
            "sender": {"login": "octocat", "id": 583231}}).encode()
        sig = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        t0 = time.perf_counter()
        conn.request("POST", path, body=body, headers={
            "Content-Type": "application/json", "X-GitHub-Event": "push",
            "X-GitHub-Delivery": str(uuid.uuid4()), "X-Hub-Signature-256": sig,
            "User-Agent": "GitHub-Hookshot/bench"})
        res = conn.getresponse()
        answer = json.loads(res.read())
        ms = (time.perf_counter() - t0) * 1000
        if answer.get("result") != "ACCEPTED":
            sys.exit(f"delivery {i} was not accepted: {answer}")
        if i >= 5:
            times.append(ms)
    conn.close()
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--history", type=int, default=10000)
    ap.add_argument("--loads", type=int, default=50)
    ap.add_argument("--log-lines", type=int, default=100000)
    ap.add_argument("--deliveries", type=int, default=50)
    ap.add_argument("--image", default="localbuild/standard:latest")
    ap.add_argument("--database", default="postgresql://localbuild:localbuild@127.0.0.1/localbuild_bench")
    a = ap.parse_args()
    print(f"# bench/web.py (cores: {os.cpu_count()})\n")

    with tempfile.TemporaryDirectory(prefix="localbuild-bench-web-") as data:
        server = Server(data)
        server.start()
        try:
            key = server.key()
            codebuild, _ = server.clients(key)
            per_build, statuses = live_log(server, codebuild, key, a.image, a.rate, a.seconds)
            every = [x for lat in per_build for x in lat]
            print(f"## Log line -> browser: 2 builds x {a.rate} lines/s x {a.seconds} s ({statuses})\n")
            print("| build | lines received | p50 ms | p95 ms | p99 ms | max ms |")
            print("|---|---|---|---|---|---|")
            for i, lat in enumerate(per_build + [every]):
                name = f"build {i + 1}" if i < len(per_build) else "both"
                if lat:
                    print(f"| {name} | {len(lat)} | {pct(lat, 50):.0f} | {pct(lat, 95):.0f} |"
                          f" {pct(lat, 99):.0f} | {max(lat):.0f} |")
            print()
            times = deliveries(server, codebuild, a.deliveries)
            print(f"## Webhook delivery -> build QUEUED ({len(times)} GitHub push deliveries)\n")
            print(f"p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, max {max(times):.1f} ms\n")
        finally:
            server.stop()

    db = a.database
    name = db.rsplit("/", 1)[1]
    subprocess.run(["su", "postgres", "-c", f"psql -qc 'DROP DATABASE IF EXISTS {name}'"], check=True)
    subprocess.run(["su", "postgres", "-c", f"psql -qc 'CREATE DATABASE {name} OWNER localbuild'"],
                   check=True)
    with tempfile.TemporaryDirectory(prefix="localbuild-bench-web-") as data:
        server = Server(data, extra=["--database", db])
        server.start()
        try:
            key = json.loads(subprocess.run(
                [LAUNCHER, "serve", "keys", "create", "--data-dir", data, "--database", db],
                capture_output=True, text=True, check=True).stdout)
            t0 = time.perf_counter()
            write_history(db, a.history)
            wrote = time.perf_counter() - t0
            times, deep, rows, page = build_list(server, key, a.loads)
            print(f"## Build list with {a.history} builds in history (PostgreSQL; written in {wrote:.1f} s)\n")
            print("| what | p50 ms | p95 ms | max ms |")
            print("|---|---|---|---|")
            print(f"| page load: page, script, stylesheet, me, first {rows} builds |"
                  f" {pct(times, 50):.1f} | {pct(times, 95):.1f} | {max(times):.1f} |")
            long_id = "web:" + str(uuid.UUID(int=1))
            write_log(db, long_id, a.log_lines)
            tail, middle, shown = long_log(server, key, long_id, a.loads)
            print(f"| a {a.log_lines}-line log: its last {shown} lines (the build page's first read) |"
                  f" {pct(tail, 50):.1f} | {pct(tail, 95):.1f} | {max(tail):.1f} |")
            print(f"| the same log: {shown} lines from its middle (\"Show earlier lines\") |"
                  f" {pct(middle, 50):.1f} | {pct(middle, 95):.1f} | {max(middle):.1f} |")
            print(f"| page {page} of the builds alone | {pct(deep, 50):.1f} | {pct(deep, 95):.1f} |"
                  f" {max(deep):.1f} |")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
