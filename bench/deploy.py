#!/usr/bin/env python3
"""Benchmarks of the whole path (issue 4): run -> build -> push to ECR -> deploy to ECS -> answering.

  bench/deploy.py [--runs 3]

Needs a built jar, a running Docker engine, and the images busybox:latest, registry:2 and
localbuild/standard:latest (bin/localbuild image build). Prints a Markdown table.

Each run takes a fresh copy of samples/web-app (a git repository) and a fresh LOCALBUILD_HOME, and
runs the sample's one command against the local AWS, as its README gives it, twice:
  - first deploy: the service does not exist; it is created from ecs/taskdef.json with the image;
  - second deploy: index.html changed and committed; a rolling deploy of the running service, with
    a client polling the service every 20 ms throughout (it also counts failed requests).
"Run to answering" is from starting `bin/localbuild run` to the first HTTP answer of the new version
at the service's URL. The split comes from the build record (--json) and the deploy's summary line:
  - start: PROVISIONING + DOWNLOAD_SOURCE + INSTALL (container, inner daemon, source);
  - build: PRE_BUILD + BUILD (ECR login, docker build, tag);
  - push: POST_BUILD (both pushes, imagedefinitions.json) and UPLOAD_ARTIFACTS;
  - register/update: describe, register the task definition, update the service;
  - wait: until the service is stable on the new task definition (the deploy step's wait);
  - other: the rest (JVM start, starting the local AWS, FINALIZING, creating the service).
The local AWS is stopped between runs (`localbuild aws stop`), so every first deploy starts it.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "bin", "localbuild")
SAMPLE = os.path.join(ROOT, "samples", "web-app")


def sh(*cmd, cwd=None, env=None, check=True):
    p = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stdout[-3000:]}\n{p.stderr}")
    return p


def phases(record, *names):
    total = 0.0
    for p in record["phases"]:
        if p["phaseType"] in names and "endTime" in p:
            total += datetime.fromisoformat(p["endTime"]).timestamp() - datetime.fromisoformat(p["startTime"]).timestamp()
    return total


def seconds(human):
    m = re.fullmatch(r"(?:(\d+)m)?([\d.]+)s", human)
    return int(m.group(1) or 0) * 60 + float(m.group(2))


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except Exception as e:  # a failed request, counted by the poller
        return None, str(e)


class Poller(threading.Thread):
    """Polls the URL every 20 ms; notes when `want` first answers and every failed request."""

    def __init__(self, url, want):
        super().__init__(daemon=True)
        self.url, self.want = url, want
        self.seen_at, self.failures, self.requests = None, 0, 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            status, body = get(self.url)
            self.requests += 1
            if status != 200:
                self.failures += 1
            elif self.want in body and self.seen_at is None:
                self.seen_at = time.time()
            time.sleep(0.02)


def deploy(app, home, mirror):
    env = dict(os.environ, LOCALBUILD_HOME=home)
    t0 = time.time()
    p = sh(LAUNCHER, "run", "-s", app, "-d", "--registry-mirror", mirror, "--json", os.path.join(home, "record.json"),
           "--deploy", "local/web-app", "--deploy-task-definition", os.path.join(app, "ecs", "taskdef.json"),
           env=env)
    ended = time.time()
    m = re.search(r"in (\S+) \(register and update (\S+), wait (\S+)\); the new version answers at (\S+)", p.stderr)
    if not m:
        sys.exit("no deploy summary in:\n" + p.stderr)
    with open(os.path.join(home, "record.json")) as f:
        record = json.load(f)
    return t0, ended, record, seconds(m.group(2)), seconds(m.group(3)), m.group(4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    reg = sh("docker", "run", "-d", "-p", "127.0.0.1::5000", "registry:2").stdout.strip()
    rows = {k: {"total": [], "start": [], "build": [], "push": [], "update": [], "wait": [], "other": []} for k in ("first", "second")}
    failures = requests = 0
    try:
        port = sh("docker", "port", reg, "5000").stdout.strip().split(":")[-1]
        ip = sh("docker", "inspect", "-f", "{{.NetworkSettings.IPAddress}}", reg).stdout.strip()
        time.sleep(1)
        sh("docker", "tag", "busybox:latest", f"localhost:{port}/library/busybox:latest")
        sh("docker", "push", f"localhost:{port}/library/busybox:latest")
        mirror = f"http://{ip}:5000"
        for run in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                app, home = os.path.join(tmp, "app"), os.path.join(tmp, "home")
                shutil.copytree(SAMPLE, app)
                git = ["git", "-c", "user.name=b", "-c", "user.email=b@b"]
                sh("git", "init", "-q", cwd=app)
                sh(*git, "add", "-A", cwd=app)
                sh(*git, "commit", "-q", "-m", "v1", cwd=app)
                try:
                    t0, ended, record, update, wait, url = deploy(app, home, mirror)
                    answered = ended if "version 1" in get(url)[1] else None
                    if answered is None:
                        sys.exit("the first deploy's URL does not answer version 1")
                    note(rows["first"], record, update, wait, answered - t0)

                    with open(os.path.join(app, "index.html")) as f:
                        html = f.read()
                    with open(os.path.join(app, "index.html"), "w") as f:
                        f.write(html.replace("version 1", "version 2"))
                    sh(*git, "commit", "-q", "-am", "v2", cwd=app)
                    poller = Poller(url, "version 2")
                    poller.start()
                    t0, ended, record, update, wait, _ = deploy(app, home, mirror)
                    time.sleep(0.2)
                    poller.stop.set()
                    poller.join()
                    note(rows["second"], record, update, wait, (poller.seen_at or ended) - t0)
                    failures += poller.failures
                    requests += poller.requests
                finally:
                    sh(LAUNCHER, "aws", "stop", "--purge", env=dict(os.environ, LOCALBUILD_HOME=home), check=False)
    finally:
        sh("docker", "rm", "-f", "-v", reg, check=False)

    def cell(k, col):
        v = rows[k][col]
        return f"{statistics.median(v):.1f} [{min(v):.1f}-{max(v):.1f}]"

    cols = ("total", "start", "build", "push", "update", "wait", "other")
    print("| deploy | run to answering | start | build | push | register/update | wait | other |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for k in ("first", "second"):
        print(f"| {k} | " + " | ".join(cell(k, c) for c in cols) + " |")
    print(f"\nseconds, median [min-max] of {args.runs} runs, {os.cpu_count()} CPUs; "
          f"{requests} requests during second deploys, {failures} failed")


def note(row, record, update, wait, total):
    row["total"].append(total)
    row["start"].append(phases(record, "SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL"))
    row["build"].append(phases(record, "PRE_BUILD", "BUILD"))
    row["push"].append(phases(record, "POST_BUILD", "UPLOAD_ARTIFACTS"))
    row["update"].append(update)
    row["wait"].append(wait)
    row["other"].append(total - sum(row[c][-1] for c in ("start", "build", "push", "update", "wait")))


if __name__ == "__main__":
    main()
