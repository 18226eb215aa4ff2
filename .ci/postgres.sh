#!/usr/bin/env bash
# Start Debian's PostgreSQL and make the role and database the audit log's PostgreSQL test uses
# (tests/store/test_audit_postgres.py reads EXPLAINER_NLG_TEST_POSTGRES, which .ci/run exports).
# Installs the server when it is missing (CI runs as root). Safe to run twice.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
[ -n "$cluster" ] || { echo "no PostgreSQL cluster after installing postgresql" >&2; exit 1; }
# shellcheck disable=SC2086
pg_ctlcluster $cluster start >/dev/null 2>&1 || true
for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
su postgres -c "psql -q -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='explainer')
  THEN CREATE ROLE explainer LOGIN PASSWORD 'explainer'; END IF; END\\\$\\\$;\""
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='explainer_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O explainer explainer_test"
echo "postgresql+psycopg://explainer:explainer@127.0.0.1:5432/explainer_test"
