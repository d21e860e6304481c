#!/usr/bin/env python3
"""Start-up of `localbuild run` against a bare `docker run` (issue 8).

  bench/startup.py [--runs 10] [--image debian:bookworm] [--no-aot]

Needs a built jar (./mvnw -q -DskipTests package), a running Docker engine and the image. Prints a
Markdown report; BENCHMARKS.md records a run of it.

Both are timed as a user sees them, from starting the process to its exit, alternating so that both
see the same machine: `docker run --rm IMAGE sh -c true`, and `localbuild run -i IMAGE` of a
one-command buildspec (`echo hi`) in a plain directory (no git, no AWS), with its own
LOCALBUILD_HOME. One run of each first, not counted (the engine's and the JVM's caches are warm on
any machine that has run either once; on JDK 25+ that run has bin/localbuild make its
ahead-of-time cache, which is waited for). The ratio is of the medians.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "bin", "localbuild")


def timed(cmd, cwd, env):
    start = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.monotonic() - start
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--image", default="debian:bookworm")
    ap.add_argument("--no-aot", action="store_true",
                    help="start with the class-data sharing archive only (LOCALBUILD_NO_AOT=1)")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="localbuild-bench-startup-")
    src = os.path.join(work, "src")
    os.makedirs(src)
    with open(os.path.join(src, "buildspec.yml"), "w") as f:
        f.write("version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n")
    env = dict(os.environ, LOCALBUILD_HOME=os.path.join(work, "home"))
    if args.no_aot:
        env["LOCALBUILD_NO_AOT"] = "1"
    docker = ["docker", "run", "--rm", args.image, "sh", "-c", "true"]
    run = [LAUNCHER, "run", "-i", args.image]
    timed(docker, src, env)
    timed(run, src, env)
    # on JDK 25+ the first run has the launcher make its ahead-of-time cache in the background:
    # measured once it is there, as on any machine that has run localbuild before
    aot = os.path.join(ROOT, "agent", "target", "localbuild.aot")
    lock = aot + ".lock"
    deadline = time.monotonic() + 180
    while os.path.exists(lock) and time.monotonic() < deadline:
        time.sleep(0.5)
    cache = ("ahead-of-time cache" if os.path.exists(aot) and not args.no_aot
             else "class-data sharing archive")
    d, r = [], []
    for _ in range(args.runs):
        d.append(timed(docker, src, env))
        r.append(timed(run, src, env))
    md, mr = statistics.median(d), statistics.median(r)
    print(f"- `docker run --rm {args.image} sh -c true`: median {md:.2f} s"
          f" [min {min(d):.2f}, max {max(d):.2f}], {args.runs} runs")
    print(f"- `localbuild run -i {args.image}` (one `echo hi`, with its {cache}): median {mr:.2f} s"
          f" [min {min(r):.2f}, max {max(r):.2f}]")
    print(f"- ratio of the medians: {mr / md:.2f}x (target: within 2x)")


if __name__ == "__main__":
    main()
