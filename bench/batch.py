#!/usr/bin/env python3
"""Batch builds (issue 11): a 2x2 build-matrix against the same builds one at a time.

  bench/batch.py [--runs 3] [--image debian:bookworm]

Needs a built jar (./mvnw -q -DskipTests package) and a running engine with the image. The matrix
is two sleep lengths (3 s and 6 s) times two values of another variable: four builds whose
commands take 3, 3, 6 and 6 s. At --batch-concurrency 2 the ideal is the time of its slowest pair
(two 6 s builds side by side after two 3 s ones: 9 s of commands) plus each build's own start and
end; --serial runs the same four one after another (18 s of commands). Wall time of the whole
`localbuild run --batch`, median of --runs. Prints a Markdown table; BENCHMARKS.md records a run.
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "bin", "localbuild")
BUILDSPEC = """version: 0.2
batch:
  build-matrix:
    dynamic:
      env:
        variables:
          SLEEP: ["3", "6"]
          SIDE: [left, right]
phases:
  build:
    commands:
      - sleep $SLEEP
"""


def once(src, home, image, extra):
    t0 = time.monotonic()
    p = subprocess.run([LAUNCHER, "run", "-i", image, "--batch"] + extra, cwd=src,
                       env=dict(os.environ, LOCALBUILD_HOME=home), capture_output=True, text=True)
    took = time.monotonic() - t0
    if p.returncode != 0:
        raise SystemExit("the batch failed:\n" + p.stderr[-2000:])
    return took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--image", default="debian:bookworm")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="localbuild-bench-batch-") as work:
        src = os.path.join(work, "src")
        os.makedirs(src)
        with open(os.path.join(src, "buildspec.yml"), "w") as f:
            f.write(BUILDSPEC)
        home = os.path.join(work, "home")
        once(src, home, a.image, [])  # warm: the image, the JIT cache
        parallel = [once(src, home, a.image, ["--batch-concurrency", "2"]) for _ in range(a.runs)]
        serial = [once(src, home, a.image, ["--serial"]) for _ in range(a.runs)]
    print(f"# bench/batch.py (cores: {os.cpu_count()}, median of {a.runs})\n")
    print("| 2x2 matrix (commands: 3, 3, 6, 6 s) | wall time | commands alone |")
    print("|---|---|---|")
    print(f"| --batch-concurrency 2 | {statistics.median(parallel):.1f} s | 9 s (the slowest pair) |")
    print(f"| --serial | {statistics.median(serial):.1f} s | 18 s |")


if __name__ == "__main__":
    main()
