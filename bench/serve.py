#!/usr/bin/env python3
"""Benchmarks of `localbuild serve` (issue 9).

  bench/serve.py [--starts 20] [--warmup 3] [--rate 200] [--seconds 20] [--builds 20] [--history 200]
                 [--image debian:bookworm]

Needs a built jar (./mvnw -q -DskipTests package), a running Docker engine with the image present,
and botocore (the AWS CLI's; `pip install awscli` or Debian's python3-botocore). Every request is
signed with SigV4 by botocore, as the AWS CLI signs it. Prints a Markdown report; BENCHMARKS.md
records a run of it. Everything runs against a server on loopback with a fresh data directory, and
the server is stopped at the end.

- StartBuild -> first command: a project whose buildspec's first command prints the time as the
  build container sees it (`date +%s%N`); from just before the StartBuild request to that time,
  read back from the build's log. The first --warmup builds of each server are reported apart (a
  server just started: its JIT has not compiled the build path yet), then --starts builds. Warm: builds 2 s apart on the default server, so the container
  the last build left ready is there; cold: builds one after another on a second server started
  with --no-warm-containers. The image is present.
- BatchGetBuilds at a fixed rate: an open loop (request i is due at t0 + i/rate, whether or not
  the earlier ones have answered), latency from when it was due to its answer, so a slow server
  cannot hide its queueing. Each asks for 1 build of the history.
- Builds per minute: N trivial builds (`echo hi`) started at once at concurrency 2, from the first
  StartBuild until the last one is complete; against N `localbuild run` of the same buildspec, one
  after another, as a shell loop would run them.
- RSS: the server process's resident memory (VmRSS) idle, and with --history builds in history
  after they have all run.
- Restart to serving: from starting the process on the same data directory (with the history) to
  the first answer of /health and of a signed ListBuilds.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "bin", "localbuild")
REGION = "us-east-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `localbuild serve` process on loopback, with its own data directory."""

    def __init__(self, data, concurrency=2, extra=()):
        self.data = data
        self.concurrency = concurrency
        self.extra = list(extra)
        self.port = free_port()
        self.proc = None
        self.err = None

    def start(self):
        """Starts it; the seconds until /health answered."""
        self.err = open(os.path.join(self.data, "serve.err"), "a")
        env = dict(os.environ, LOCALBUILD_HOME=os.path.join(self.data, "home"))
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [LAUNCHER, "serve", "--data-dir", self.data, "--port", str(self.port),
             "--concurrency", str(self.concurrency), "--region", REGION] + self.extra,
            stdout=subprocess.DEVNULL, stderr=self.err, env=env, start_new_session=True)
        while True:
            if self.proc.poll() is not None:
                sys.exit("the server exited: see " + self.err.name)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as r:
                    if r.status == 200:
                        return time.monotonic() - t0
            except OSError:
                time.sleep(0.01)

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.err:
            self.err.close()
        # the builds' local AWS keeps its registry's volume for the next start of this data
        # directory, which a benchmark's server never has: its volume goes (by its own label)
        instance = hashlib.sha256(os.path.abspath(os.path.join(self.data, "aws")).encode()).hexdigest()[:10]
        volumes = subprocess.run(
            ["docker", "volume", "ls", "-q", "--filter", "label=dev.localbuild.aws-instance=" + instance],
            capture_output=True, text=True).stdout.split()
        if volumes:
            subprocess.run(["docker", "volume", "rm"] + volumes, capture_output=True)

    def key(self):
        out = subprocess.run([LAUNCHER, "serve", "keys", "create", "--data-dir", self.data],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)

    def clients(self, key):
        import botocore.config
        import botocore.session
        session = botocore.session.get_session()
        cfg = botocore.config.Config(retries={"max_attempts": 1}, max_pool_connections=32)
        kw = dict(region_name=REGION, endpoint_url=f"http://127.0.0.1:{self.port}",
                  aws_access_key_id=key["accessKeyId"],
                  aws_secret_access_key=key["secretAccessKey"], config=cfg)
        return session.create_client("codebuild", **kw), session.create_client("logs", **kw)


def project(codebuild, name, buildspec, image):
    codebuild.create_project(
        name=name, source={"type": "NO_SOURCE", "buildspec": buildspec},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": image,
                     "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole="arn:aws:iam::000000000000:role/localbuild-build")


def wait_all(codebuild, ids, timeout=1800):
    deadline = time.monotonic() + timeout
    pending = set(ids)
    statuses = {}
    while pending:
        if time.monotonic() > deadline:
            sys.exit(f"builds did not finish: {sorted(pending)[:5]}")
        batch = sorted(pending)[:100]
        for b in codebuild.batch_get_builds(ids=batch)["builds"]:
            if b["buildComplete"]:
                pending.discard(b["id"])
                statuses[b["id"]] = b["buildStatus"]
        if pending:
            time.sleep(0.05)
    return statuses


def first_command(codebuild, logs, starts, pause=0.0):
    """StartBuild -> first command, in seconds, for each of `starts` builds, `pause` s apart."""
    out = []
    for _ in range(starts):
        time.sleep(pause)
        t0 = time.time_ns()
        b = codebuild.start_build(projectName="first")["build"]
        status = wait_all(codebuild, [b["id"]])[b["id"]]
        if status != "SUCCEEDED":
            sys.exit(f"build {b['id']}: {status}")
        events = logs.get_log_events(logGroupName="/aws/codebuild/first",
                                     logStreamName=b["id"].split(":", 1)[1],
                                     startFromHead=True)["events"]
        line = next(e["message"] for e in events if e["message"].startswith("FIRST="))
        out.append((int(line.split("=", 1)[1]) - t0) / 1e9)
    return out


def batch_get_at_rate(codebuild, ids, rate, seconds):
    """Latencies (s) of BatchGetBuilds sent at a fixed rate, each from when it was due."""
    n = int(rate * seconds)
    latencies = [None] * n
    errors = []
    t0 = time.monotonic() + 0.5

    def one(i):
        due = t0 + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            codebuild.batch_get_builds(ids=[ids[i % len(ids)]])
            latencies[i] = time.monotonic() - due
        except Exception as e:  # noqa: BLE001 -- counted, not hidden
            errors.append(repr(e))

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(one, range(n)))
    return [x for x in latencies if x is not None], errors


def builds_per_minute_serve(codebuild, image, n):
    project(codebuild, "trivial", "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n",
            image)
    t0 = time.monotonic()
    ids = [codebuild.start_build(projectName="trivial")["build"]["id"] for _ in range(n)]
    statuses = wait_all(codebuild, ids)
    elapsed = time.monotonic() - t0
    bad = [s for s in statuses.values() if s != "SUCCEEDED"]
    if bad:
        sys.exit(f"trivial builds failed: {bad}")
    return n / elapsed * 60


def builds_per_minute_run(image, n, work):
    src = os.path.join(work, "src")
    os.makedirs(src, exist_ok=True)
    with open(os.path.join(src, "buildspec.yml"), "w") as f:
        f.write("version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n")
    env = dict(os.environ, LOCALBUILD_HOME=os.path.join(work, "run-home"))
    t0 = time.monotonic()
    for _ in range(n):
        p = subprocess.run([LAUNCHER, "run", "-s", src, "-i", image], cwd=work, env=env,
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("localbuild run failed:\n" + p.stdout + p.stderr)
    return n / (time.monotonic() - t0) * 60


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--builds", type=int, default=20)
    ap.add_argument("--history", type=int, default=200)
    ap.add_argument("--image", default="debian:bookworm")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="localbuild-bench-serve-")
    data = os.path.join(work, "data")
    os.makedirs(data)
    server = Server(data)
    report = []
    try:
        cold_start = server.start()
        key = server.key()
        codebuild, logs = server.clients(key)
        time.sleep(2)  # let start-up work (JIT, reaping) settle before the idle figure
        rss_idle = server.rss_mb()

        first_spec = ("version: 0.2\nphases:\n  install:\n    commands:\n"
                      "      - echo FIRST=$(date +%s%N)\n")
        project(codebuild, "first", first_spec, args.image)
        # one build first, so the image's facts are cached as on any used server; then builds
        # 2 s apart, so the warm container the last one left is ready
        warm_first = first_command(codebuild, logs, args.warmup, pause=2.0)
        warm = first_command(codebuild, logs, args.starts, pause=2.0)

        # cold: a server that keeps no container ready
        cold_data = os.path.join(work, "cold")
        os.makedirs(cold_data)
        cold_server = Server(cold_data, extra=["--no-warm-containers"])
        try:
            cold_server.start()
            cold_cb, cold_logs = cold_server.clients(cold_server.key())
            project(cold_cb, "first", first_spec, args.image)
            cold_first = first_command(cold_cb, cold_logs, args.warmup)
            cold = first_command(cold_cb, cold_logs, args.starts)
        finally:
            cold_server.stop()

        per_min_serve = builds_per_minute_serve(codebuild, args.image, args.builds)
        per_min_run = builds_per_minute_run(args.image, args.builds, work)

        # the history: builds until there are --history in all, then their memory
        have = len(codebuild.list_builds()["ids"])  # < 100 so far, one page
        project(codebuild, "history", "version: 0.2\nphases:\n  build:\n    commands:\n"
                "      - echo line one\n      - echo line two\n", args.image)
        more = [codebuild.start_build(projectName="history")["build"]["id"]
                for _ in range(max(0, args.history - have))]
        wait_all(codebuild, more, timeout=3600)
        ids = []
        token = None
        while True:
            page = codebuild.list_builds(**({"nextToken": token} if token else {}))
            ids += page["ids"]
            token = page.get("nextToken")
            if not token:
                break
        time.sleep(2)
        rss_history = server.rss_mb()

        latencies, errors = batch_get_at_rate(codebuild, ids, args.rate, args.seconds)

        server.stop()
        server = Server(data)
        restart_health = server.start()
        t_list = time.monotonic()
        codebuild, logs = server.clients(key)  # keys outlive a restart
        codebuild.list_builds()
        restart_signed = restart_health + (time.monotonic() - t_list)

        ms = lambda s: f"{s * 1000:.0f}"  # noqa: E731
        for label, xs in (("cold (--no-warm-containers)", cold), ("warm container", warm)):
            report.append(f"StartBuild -> first command, {label}, {len(xs)} builds, image"
                          f" {args.image}: p50 {ms(pct(xs, 50))} ms, p95 {ms(pct(xs, 95))} ms"
                          f" [min {ms(min(xs))}, max {ms(max(xs))}; in order:"
                          f" {', '.join(ms(x) for x in xs)}]")
        report.append("The first builds of a just-started server (cold, then warm; the first of"
                      " the warm ones has no warm container yet): "
                      + ", ".join(ms(x) for x in cold_first) + " ms; "
                      + ", ".join(ms(x) for x in warm_first) + " ms")
        report.append(f"BatchGetBuilds at {args.rate}/s for {args.seconds} s ({len(latencies)} answered,"
                      f" {len(errors)} errors, {len(ids)} builds in history):"
                      f" p50 {pct(latencies, 50) * 1000:.1f} ms, p99 {pct(latencies, 99) * 1000:.1f} ms,"
                      f" max {max(latencies) * 1000:.1f} ms")
        report.append(f"Trivial builds per minute, {args.builds} builds: serve (concurrency 2)"
                      f" {per_min_serve:.1f}, `localbuild run` in a loop {per_min_run:.1f}"
                      f" ({per_min_serve / per_min_run:.2f}x)")
        report.append(f"Server RSS: idle {rss_idle:.0f} MB, with {len(ids)} builds in history"
                      f" {rss_history:.0f} MB")
        report.append(f"Start to serving: first start {cold_start:.2f} s; restart with"
                      f" {len(ids)} builds in history {restart_health:.2f} s to /health,"
                      f" {restart_signed:.2f} s to a signed ListBuilds answered")
        if errors:
            report.append("errors: " + "; ".join(errors[:3]))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join("- " + r for r in report))


if __name__ == "__main__":
    main()
