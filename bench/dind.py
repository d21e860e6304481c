#!/usr/bin/env python3
"""Benchmarks of privileged builds (issue 3): docker build inside a build, cold and warm.

  bench/dind.py [--runs 3]

Needs a built jar, a running Docker engine, and the images busybox:latest, registry:2 and
localbuild/standard:latest (bin/localbuild image build). Prints a Markdown table.

One sample (bench/dind-app: a Dockerfile whose dependency layer takes a few seconds to build and whose
last layer copies the application) is built:
  - cold: a privileged build on a fresh daemon (no layer cache);
  - warm, local layer cache: the application file changed, --local-cache docker (second build);
  - warm, cache-from: the application file changed, a fresh daemon, --cache-from the image pushed
    by an earlier build to a registry:2 (standing in for ECR);
  - host engine: the same docker build run directly on this machine's engine, cold (--no-cache) and
    warm (application file changed): the limit.
The figure is the BUILD phase's duration (the docker build command) from the build record; the host
engine's is the wall time of `docker build`. Daemon start: PROVISIONING of a privileged build minus
PROVISIONING of the same build unprivileged.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "bin", "localbuild")
APP = os.path.join(ROOT, "bench", "dind-app")


def sh(*cmd, cwd=None, check=True):
    p = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stdout}\n{p.stderr}")
    return p.stdout


def phase(record, name):
    for p in record["phases"]:
        if p["phaseType"] == name:
            return datetime.fromisoformat(p["endTime"]).timestamp() - datetime.fromisoformat(p["startTime"]).timestamp()
    raise KeyError(name)


def build(src, home, project, *args):
    env = dict(os.environ, LOCALBUILD_HOME=home)
    p = subprocess.run([LAUNCHER, "run", "--project-name", project, "--json", "record.json", *args],
                       cwd=src, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("build failed:\n" + p.stdout[-3000:] + p.stderr)
    with open(os.path.join(src, "record.json")) as f:
        return json.load(f)


def touch_app(src, n):
    with open(os.path.join(src, "app.txt"), "w") as f:
        f.write(f"version {n} {time.time_ns()}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    reg = sh("docker", "run", "-d", "-p", "127.0.0.1::5000", "registry:2").strip()
    try:
        port = sh("docker", "port", reg, "5000").strip().split(":")[-1]
        ip = sh("docker", "inspect", "-f", "{{.NetworkSettings.IPAddress}}", reg).strip()
        time.sleep(1)
        sh("docker", "tag", "busybox:latest", f"localhost:{port}/library/busybox:latest")
        sh("docker", "push", f"localhost:{port}/library/busybox:latest")
        mirror = f"http://{ip}:5000"
        repo = f"{ip}:5000/bench-app"
        rows = {k: [] for k in ("cold", "warm_local", "warm_cache_from", "host_cold", "host_warm", "daemon")}
        for run in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                src = os.path.join(tmp, "src")
                shutil.copytree(APP, src)
                home = os.path.join(tmp, "home")
                common = ["-d", "--registry-mirror", mirror, "--env", "REPO=" + repo]
                touch_app(src, 1)
                r = build(src, home, f"bench-cold-{run}", *common)
                rows["cold"].append(phase(r, "BUILD"))
                privileged_prov = phase(r, "PROVISIONING")
                plain = build(src, home, f"bench-plain-{run}", "-i", "localbuild/standard:latest", "-b", "buildspec-noop.yml")
                rows["daemon"].append(privileged_prov - phase(plain, "PROVISIONING"))
                # local layer cache: a first build fills the volume, the second (app changed) is measured
                build(src, home, f"bench-local-{run}", *common, "--local-cache", "docker")
                touch_app(src, 2)
                r = build(src, home, f"bench-local-{run}", *common, "--local-cache", "docker")
                rows["warm_local"].append(phase(r, "BUILD"))
                # cache-from: the cold build pushed $REPO:latest; a fresh daemon pulls it first
                touch_app(src, 3)
                r = build(src, home, f"bench-from-{run}", *common, "--cache-from", repo + ":latest")
                rows["warm_cache_from"].append(phase(r, "BUILD"))
                # the host engine itself
                t = time.time()
                sh("docker", "build", "-q", "--no-cache", "-t", f"bench-host-{run}", ".", cwd=src)
                rows["host_cold"].append(time.time() - t)
                touch_app(src, 4)
                t = time.time()
                sh("docker", "build", "-q", "-t", f"bench-host-{run}", ".", cwd=src)
                rows["host_warm"].append(time.time() - t)
                sh("docker", "rmi", "-f", f"bench-host-{run}", check=False)
                for v in sh("docker", "volume", "ls", "-q", "--filter", "label=dev.localbuild.project").split():
                    if v.startswith("localbuild-dlc-bench"):
                        sh("docker", "volume", "rm", v, check=False)
    finally:
        sh("docker", "rm", "-f", "-v", reg, check=False)

    def cell(k):
        v = rows[k]
        return f"{statistics.median(v):.2f} [{min(v):.2f}-{max(v):.2f}]"

    print("| build | seconds, median [min-max] |")
    print("| --- | --- |")
    print(f"| cold, in a privileged build (fresh daemon) | {cell('cold')} |")
    print(f"| warm, local layer cache (app changed) | {cell('warm_local')} |")
    print(f"| warm, cache-from on an empty daemon (app changed) | {cell('warm_cache_from')} |")
    print(f"| host engine, cold (--no-cache) | {cell('host_cold')} |")
    print(f"| host engine, warm (app changed) | {cell('host_warm')} |")
    print(f"| inner daemon start (privileged minus plain PROVISIONING) | {cell('daemon')} |")
    warm = statistics.median(rows["warm_local"]) / statistics.median(rows["host_warm"])
    print(f"\nwarm rebuild / host engine warm rebuild: {warm:.2f}x; {args.runs} runs, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
