#!/usr/bin/env bash
# Starts (or describes) the PostgreSQL and MariaDB servers the database suites use, on loopback,
# with a throwaway "spire" user and database in each.
#   scripts/test-dbs.sh start   start both and create the test databases (idempotent)
#   scripts/test-dbs.sh env     print the connection variables the suites read
set -euo pipefail
PG_URL="postgres://spire:spire@127.0.0.1:5432/spire_test?sslmode=disable"
MY_URL="spire:spire@tcp(127.0.0.1:3306)/spire_test?parseTime=true"

case "${1:-}" in
start)
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
    if ! pg_lsclusters -h | grep -q .; then pg_createcluster "$ver" main >/dev/null; fi
    cluster=$(pg_lsclusters -h | head -1 | awk '{print $1" "$2}')
    pg_ctlcluster $cluster start 2>/dev/null || true
    for _ in $(seq 1 30); do su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break; sleep 1; done
    su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='spire'\"" | grep -q 1 ||
      su postgres -c "psql -qc \"create role spire login superuser password 'spire'\""
    su postgres -c "psql -qtAc \"select 1 from pg_database where datname='spire_test'\"" | grep -q 1 ||
      su postgres -c "psql -qc 'create database spire_test owner spire'"
  fi
  if command -v mariadbd >/dev/null 2>&1 || command -v mysqld >/dev/null 2>&1; then
    if ! mysqladmin ping >/dev/null 2>&1; then
      mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
      (service mariadb start || service mysql start) >/dev/null 2>&1 || true
      for _ in $(seq 1 30); do mysqladmin ping >/dev/null 2>&1 && break; sleep 1; done
    fi
    mysql -e "CREATE DATABASE IF NOT EXISTS spire_test; CREATE USER IF NOT EXISTS 'spire'@'127.0.0.1' IDENTIFIED BY 'spire'; CREATE USER IF NOT EXISTS 'spire'@'localhost' IDENTIFIED BY 'spire'; GRANT ALL ON *.* TO 'spire'@'127.0.0.1'; GRANT ALL ON *.* TO 'spire'@'localhost'; FLUSH PRIVILEGES;"
  fi
  ;;
env)
  echo "export SPIRE_TEST_POSTGRES_URL='$PG_URL'"
  echo "export SPIRE_TEST_MYSQL_URL='$MY_URL'"
  ;;
*)
  echo "usage: $0 start|env" >&2
  exit 2
  ;;
esac
