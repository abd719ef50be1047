#!/usr/bin/env bash
# Installs what Tsunagu needs to build, test and benchmark on Debian 12.
# Idempotent and quiet when everything is already there: it only calls apt-get
# for packages that are missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libssl-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libcli11-dev libre2-dev libhowardhinnant-date-dev
  libmosquitto-dev
  # oneID: Argon2id password hashes (libsodium), mail through SMTP (libcurl)
  libsodium-dev libcurl4-openssl-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev curl wrk nginx-light
  # MQTT notifications: a real broker and its command-line clients for the tests
  mosquitto mosquitto-clients
  # oneID's SMTP outbox: a real SMTP server for the tests
  python3-aiosmtpd
  # oneID's pages: a real browser for the tests (driven by playwright-core from tests/e2e)
  chromium
  # PostgreSQL backend: the server and PostGIS for the tests, libpq to build
  postgresql-15 postgresql-15-postgis-3 libpq-dev
)

# `--fuzz` adds clang 16 and its sanitizer runtimes for `make fuzz`.
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang-16 libclang-rt-16-dev)
fi

# Node.js 20 or later runs the tests that use real OpenID Connect client libraries; Debian 12's
# own nodejs is 18, so one already on the machine is kept, and Debian's is the fallback.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

# The npm packages of the test suites, exactly as their lock files pin them.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for suite in tests/oidc tests/e2e; do
  if [[ ! -d "$root/$suite/node_modules" || "$root/$suite/package-lock.json" -nt "$root/$suite/node_modules" ]]; then
    echo "install-deps: npm ci in $suite"
    npm ci --prefix "$root/$suite" --no-audit --no-fund --loglevel=error >/dev/null
    touch "$root/$suite/node_modules"
  fi
done
