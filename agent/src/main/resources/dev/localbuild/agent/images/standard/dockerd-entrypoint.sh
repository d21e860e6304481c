#!/bin/sh
# As CodeBuild's curated images: start dockerd, wait for it, then run the command. localbuild itself
# replaces the entrypoint (CodeBuild ignores it too) and starts the daemon in privileged builds; this
# script is for people who `docker run` the image themselves.
set -e
if [ -w /var/run ] && command -v dockerd >/dev/null 2>&1; then
  dockerd --host=unix:///var/run/docker.sock --host=tcp://127.0.0.1:2375 >/var/log/docker.log 2>&1 &
  tries=0
  until docker info >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 60 ]; then
      cat /var/log/docker.log
      echo "Timed out trying to connect to internal docker host." >&2
      exit 1
    fi
    sleep 1
  done
fi
exec "$@"
