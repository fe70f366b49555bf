#!/usr/bin/env bash
# Installs the system packages the hub and its tests use, from Debian's/Ubuntu's archive:
# influxdb (influxd 1.6, the embedded default and the tests' real database), mosquitto (reference
# broker for interop and benchmarks), chromium (operator-page tests), redis-server (cluster tests).
# Idempotent: does nothing when everything is there. Needs root or sudo.
set -euo pipefail
need=()
command -v influxd >/dev/null || need+=(influxdb)
command -v mosquitto >/dev/null || need+=(mosquitto)
command -v chromium >/dev/null || need+=(chromium)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The packages start system services; the hub and the tests run their own instances on free ports.
for svc in influxdb mosquitto redis-server; do
  $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
