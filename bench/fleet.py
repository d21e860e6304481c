#!/usr/bin/env python3
"""Benchmarks of a fleet: several `localbuild serve` agents sharing one PostgreSQL (issue 12).

  bench/fleet.py [--database postgresql://localbuild:localbuild@127.0.0.1:5432/localbuild_test]
                 [--claims 20] [--builds 24] [--sleep 4] [--stops 5] [--image busybox:latest]

Needs a built jar (./mvnw -q -DskipTests package), a running Docker engine with the image present,
PostgreSQL with the role and database `.ci/run` makes, psql, and botocore (the AWS CLI's). Each run
uses a schema of its own in that database, dropped at the end; the agents run on loopback, each
with its own data directory and port, with the same master key, and are stopped at the end.
Prints a Markdown report; BENCHMARKS.md records a run of it.

- Claim latency: with 1 agent, then with 3, builds started one at a time, 1 s apart, on idle
  agents: from the StartBuild's row (its `submitted` time, written by the agent that took the
  request) to the "claimed by agent" line of the agent that took it (its `--log-format json`
  time). Same host, same clock.
- Builds per minute with 1, 2 and 3 agents at concurrency 2 each: --builds builds of a project
  whose build is `sleep --sleep`, started at once on the first agent; from the first StartBuild
  to the last build complete. Sleep-bound: the figure measures how well the agents share the
  queue, not this machine's cores.
- PostgreSQL per build: transactions committed in the database (pg_stat_database.xact_commit)
  during the 3-agent throughput run, less the bench's own looks, divided by its builds. It
  includes everything the agents did: StartBuild, claims, records, log lines, lease renewals,
  stop-request looks. The run waits by asking the database once a second, not the agents' API,
  so a client's polling is in neither the time nor the count.
- Stop across agents: StopBuild sent to an agent that does not run the build, until
  BatchGetBuilds says STOPPED (polled every 50 ms).
"""
import argparse
import base64
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import LAUNCHER, Server, pct, project, wait_all  # noqa: E402


class Agent(Server):
    """A serve agent on the fleet's database."""

    def __init__(self, data, database, name, extra=()):
        super().__init__(data, concurrency=2,
                         extra=["--database", database, "--agent-name", name, "--lease", "10s",
                                "--log-format", "json"] + list(extra))
        self.database = database

    def key(self):
        out = subprocess.run([LAUNCHER, "serve", "keys", "create", "--data-dir", self.data,
                              "--database", self.database],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)

    def claims(self):
        """Build id -> epoch seconds of its claim, from this agent's log."""
        out = {}
        with open(os.path.join(self.data, "serve.err")) as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                m = e.get("message", "")
                if ": claimed by agent " in m:
                    out[m.split(": claimed by agent ")[0]] = iso_seconds(e["time"])
        return out


def iso_seconds(t):
    """Epoch seconds of an Instant as Java prints it (up to 9 fractional digits)."""
    from datetime import datetime, timezone
    whole, _, frac = t.rstrip("Z").partition(".")
    return (datetime.fromisoformat(whole).replace(tzinfo=timezone.utc).timestamp()
            + (float("0." + frac) if frac else 0.0))


def psql(url, sql):
    rest = url.split("://", 1)[1]
    cred, where = rest.rsplit("@", 1)
    user, password = cred.split(":", 1)
    host_port, db = where.split("/", 1)
    host, port = host_port.split(":")
    env = dict(os.environ, PGPASSWORD=password)
    return subprocess.run(["psql", "-qtAX", "-h", host, "-p", port, "-U", user, "-d", db.split("?")[0],
                           "-c", sql], capture_output=True, text=True, check=True, env=env).stdout


class Fleet:
    """Agents 1..n on one schema, with one master key, started in order."""

    def __init__(self, work, database):
        self.work = work
        self.database = database
        self.master = base64.b64encode(secrets.token_bytes(32)).decode()
        self.agents = []

    def add(self, extra=()):
        n = len(self.agents) + 1
        data = os.path.join(self.work, f"agent-{n}")
        os.makedirs(data, exist_ok=True)
        with open(os.path.join(data, "master.key"), "w") as f:
            f.write(self.master + "\n")
        os.chmod(os.path.join(data, "master.key"), 0o600)
        a = Agent(data, self.database, f"agent-{n}", extra)
        a.start()
        self.agents.append(a)
        return a

    def stop(self):
        for a in self.agents:
            a.stop()
        self.agents = []


def claim_latency(fleet, codebuild, n, schema, url):
    ids = []
    for _ in range(n):
        ids.append(codebuild.start_build(projectName="trivial")["build"]["id"])
        time.sleep(1)
    wait_all(codebuild, ids)
    claimed = {}
    for a in fleet.agents:
        claimed.update(a.claims())
    rows = psql(url, f"SELECT id, submitted FROM {schema}.builds WHERE id IN ("
                + ",".join("'" + i + "'" for i in ids) + ")")
    submitted = dict((r.split("|")[0], int(r.split("|")[1]) / 1000) for r in rows.split())
    return [claimed[i] - submitted[i] for i in ids]


def per_minute(codebuild, n, url, schema):
    """Builds per minute and seconds, and the transactions the bench's own polling made.

    It waits by asking the database once a second (one transaction a look), not the agents' API,
    so that neither the agents' CPU nor the transaction count carries a client's polling."""
    t0 = time.monotonic()
    ids = [codebuild.start_build(projectName="sleepy")["build"]["id"] for _ in range(n)]
    looks = 0
    while True:
        looks += 1
        left = int(psql(url, f"SELECT COUNT(*) FROM {schema}.builds WHERE project = 'sleepy'"
                        " AND status IN ('QUEUED', 'IN_PROGRESS')"))
        if left == 0:
            break
        time.sleep(0.2 if looks < 5 else 1)
    elapsed = time.monotonic() - t0
    statuses = wait_all(codebuild, ids)
    bad = [s for s in statuses.values() if s != "SUCCEEDED"]
    if bad:
        sys.exit(f"builds failed: {bad}")
    return n / elapsed * 60, elapsed, looks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--database", default="postgresql://localbuild:localbuild@127.0.0.1:5432/localbuild_test")
    ap.add_argument("--claims", type=int, default=20)
    ap.add_argument("--builds", type=int, default=24)
    ap.add_argument("--sleep", type=int, default=4)
    ap.add_argument("--stops", type=int, default=5)
    ap.add_argument("--image", default="busybox:latest")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="localbuild-bench-fleet-")
    report = ["| Measure | 1 agent | 2 agents | 3 agents |", "|---|---|---|---|"]
    latency = {}
    rates = {}
    per_build = None
    stops = []
    try:
        for agents in (1, 2, 3):
            schema = f"bench_fleet_{os.getpid()}_{agents}"
            psql(args.database, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
            url = f"{args.database}?currentSchema={schema}"
            fleet = Fleet(os.path.join(work, f"fleet-{agents}"), url)
            try:
                first = fleet.add()
                for _ in range(agents - 1):
                    fleet.add()
                codebuild, _ = first.clients(first.key())
                project(codebuild, "trivial", "version: 0.2\nphases:\n  build:\n    commands:\n"
                        "      - echo hi\n", args.image)
                project(codebuild, "sleepy", "version: 0.2\nphases:\n  build:\n    commands:\n"
                        f"      - sleep {args.sleep}\n", args.image)
                if agents != 2:
                    latency[agents] = claim_latency(fleet, codebuild, args.claims, schema, args.database)
                before = int(psql(args.database, "SELECT xact_commit FROM pg_stat_database"
                                  " WHERE datname = current_database()"))
                rates[agents] = per_minute(codebuild, args.builds, args.database, schema)
                time.sleep(2)  # the statistics are flushed on their own time
                after = int(psql(args.database, "SELECT xact_commit FROM pg_stat_database"
                                 " WHERE datname = current_database()"))
                if agents == 3:
                    # less the bench's own: its looks, StartBuilds' answers are the agents'
                    per_build = (after - before - rates[agents][2] - 2) / args.builds
                    # StopBuild through agent 1 of builds another agent runs
                    long_spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 300\n"
                    project(codebuild, "long", long_spec, args.image)
                    others = [a.clients(a.key())[0] for a in fleet.agents]
                    while len(stops) < args.stops:
                        bid = codebuild.start_build(projectName="long")["build"]["id"]
                        while codebuild.batch_get_builds(ids=[bid])["builds"][0].get("currentPhase") != "BUILD":
                            time.sleep(0.05)
                        holder = psql(args.database, f"SELECT agent FROM {schema}.builds WHERE id = '{bid}'").strip()
                        n = int(holder.split("/")[0].split("-")[1])
                        via = others[0 if n != 1 else 1]
                        t0 = time.monotonic()
                        via.stop_build(id=bid)
                        while codebuild.batch_get_builds(ids=[bid])["builds"][0]["buildStatus"] != "STOPPED":
                            time.sleep(0.05)
                        stops.append(time.monotonic() - t0)
            finally:
                fleet.stop()
                psql(args.database, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def ms(xs, p):
        return f"{pct(xs, p) * 1000:.0f} ms"

    report.append(f"| Claim latency p50 (QUEUED → claimed, idle agents) | {ms(latency[1], 50)} | – |"
                  f" {ms(latency[3], 50)} |")
    report.append(f"| Claim latency p95 | {ms(latency[1], 95)} | – | {ms(latency[3], 95)} |")
    report.append("| Builds per minute (`sleep %d`, concurrency 2 each, %d builds) | %s |"
                  % (args.sleep, args.builds,
                     " | ".join(f"{rates[a][0]:.1f} ({rates[a][1]:.0f} s)" for a in (1, 2, 3))))
    report.append(f"| PostgreSQL transactions per build (3 agents, all included) | | | {per_build:.1f} |")
    report.append(f"| StopBuild through another agent → STOPPED, p50 / max ({len(stops)} builds) | | |"
                  f" {ms(stops, 50)} / {max(stops) * 1000:.0f} ms |")
    print("\n".join(report))


if __name__ == "__main__":
    main()
