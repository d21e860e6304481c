#!/usr/bin/env python3
"""Benchmarks of `localbuild run` (issue 2): the cost per command and the time to the first command.

  bench/commands.py [--runs N] [--commands N] [--image IMAGE] [--plain-java]

Needs a built jar (./mvnw -q -DskipTests package) and, for the docker executor, a running Docker
engine with the image present. Prints a Markdown table; BENCHMARKS.md records a run of it.

Per-command cost: a buildspec whose BUILD phase has N trivial commands (`true`); the phase's
duration from the build record, divided by N, minus the same N commands run in one shell in the
same environment (the limit: `docker run IMAGE sh -c 'true; true; ...'` timed inside the container,
or a local sh for the host executor).

Time to first command: wall time from starting the process to the first command's output, which is
the current time in nanoseconds as the command sees it (`date +%s%N`), so no log parsing is involved.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = [os.path.join(ROOT, "bin", "localbuild")]


def run(cmd, cwd, env=None):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)


def build(workdir, executor, image, buildspec, home):
    with open(os.path.join(workdir, "buildspec.yml"), "w") as f:
        f.write(buildspec)
    env = dict(os.environ, LOCALBUILD_HOME=home)
    start = time.time_ns()
    p = run(LAUNCHER + ["run", "--executor", executor, "-i", image, "--json", "record.json",
             "-a", os.path.join(workdir, "out")], workdir, env)
    if p.returncode != 0:
        sys.exit("build failed:\n" + p.stdout + p.stderr)
    with open(os.path.join(workdir, "record.json")) as f:
        record = json.load(f)
    return start, p.stdout, record


def phase_seconds(record, phase):
    from datetime import datetime
    for p in record["phases"]:
        if p["phaseType"] == phase:
            s = datetime.fromisoformat(p["startTime"]).timestamp()
            e = datetime.fromisoformat(p["endTime"]).timestamp()
            return e - s
    raise KeyError(phase)


def one_shell_seconds(executor, image, n):
    script = "s=$(date +%s%N); " + "true; " * n + "e=$(date +%s%N); echo $((e - s))"
    if executor == "docker":
        out = run(["docker", "run", "--rm", "--entrypoint", "sh", image, "-c", script], ROOT).stdout
    else:
        out = run(["sh", "-c", script], ROOT).stdout
    return int(out.strip()) / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--commands", type=int, default=200)
    ap.add_argument("--image", default="debian:bookworm")
    ap.add_argument("--plain-java", action="store_true",
                    help="start with `java -jar` instead of bin/localbuild (no class-data archive)")
    args = ap.parse_args()
    if args.plain_java:
        jdk = subprocess.run([os.path.join(ROOT, "bin", "jdk")], capture_output=True, text=True,
                             check=True).stdout.strip()
        java = os.path.join(jdk, "bin", "java")
        LAUNCHER[:] = [java, "-jar", os.path.join(ROOT, "agent", "target", "localbuild.jar")]
    many = "version: 0.2\nphases:\n  build:\n    commands:\n" + "".join("      - 'true'\n" for _ in range(args.commands))
    first = "version: 0.2\nphases:\n  install:\n    commands:\n      - date +%s%N\n"
    rows = []
    for executor in ("docker", "host"):
        per_cmd, to_first = [], []
        with tempfile.TemporaryDirectory() as tmp:
            home = os.path.join(tmp, "home")
            work = os.path.join(tmp, "src")
            os.makedirs(work)
            build(work, executor, args.image, first, home)  # warm-up: class-data archive, page cache
            for _ in range(args.runs):
                _, _, record = build(work, executor, args.image, many, home)
                limit = one_shell_seconds(executor, args.image, args.commands)
                per_cmd.append((phase_seconds(record, "BUILD") - limit) / args.commands * 1000)
                start, out, _ = build(work, executor, args.image, first, home)
                stamp = next(int(l) for l in out.splitlines() if l.strip().isdigit())
                to_first.append((stamp - start) / 1e6)
        rows.append((executor, statistics.median(per_cmd), min(per_cmd), max(per_cmd),
                     statistics.median(to_first), min(to_first), max(to_first)))
    print(f"| executor | added per command (ms), median [min-max] | run to first command (ms), median [min-max] |")
    print("| --- | --- | --- |")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.1f} [{r[2]:.1f}-{r[3]:.1f}] | {r[4]:.0f} [{r[5]:.0f}-{r[6]:.0f}] |")
    print(f"\n{args.runs} runs each, {args.commands} commands per build, image {args.image}, {os.cpu_count()} CPUs.")


if __name__ == "__main__":
    main()
