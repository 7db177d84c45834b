#!/usr/bin/env bash
# Starts (or describes) the PostgreSQL and MariaDB servers the database suites use, on loopback,
# with a throwaway "spire" user and database in each.
#   scripts/test-dbs.sh start   start both and create the test databases (idempotent)
#   scripts/test-dbs.sh replica start a PostgreSQL streaming replica of that cluster on 127.0.0.1:5433
#                               (pg_basebackup; idempotent; after `start`) for the read-replica suites
#   scripts/test-dbs.sh env     print the connection variables the suites read (the replica's only
#                               when it answers)
set -euo pipefail
PG_URL="postgres://spire:spire@127.0.0.1:5432/spire_test?sslmode=disable"
MY_URL="spire:spire@tcp(127.0.0.1:3306)/spire_test?parseTime=true"
REPLICA_PORT=5433
REPLICA_DIR=/var/lib/postgresql/spire-test-replica
REPLICA_URL="postgres://spire:spire@127.0.0.1:$REPLICA_PORT/spire_test?sslmode=disable"

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
replica)
  ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
  bin=/usr/lib/postgresql/$ver/bin
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$REPLICA_PORT"; then exit 0; fi
  if [ ! -f "$REPLICA_DIR/standby.signal" ]; then
    rm -rf "$REPLICA_DIR"
    install -d -o postgres -g postgres -m 700 "$REPLICA_DIR"
    # The spire role is a superuser, so it may stream; -R writes standby.signal and primary_conninfo.
    su postgres -c "PGPASSWORD=spire $bin/pg_basebackup -h 127.0.0.1 -p 5432 -U spire -D $REPLICA_DIR -R -X stream -c fast"
    # Debian keeps the cluster's config in /etc, so the copy gets a minimal one of its own.
    cat >"$REPLICA_DIR/postgresql.conf" <<CONF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
hot_standby = on
CONF
    printf 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 md5\n' >"$REPLICA_DIR/pg_hba.conf"
    chown postgres:postgres "$REPLICA_DIR/postgresql.conf" "$REPLICA_DIR/pg_hba.conf"
  fi
  su postgres -c "$bin/pg_ctl -D $REPLICA_DIR -l $REPLICA_DIR/replica.log -w start" >/dev/null
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$REPLICA_PORT"
  ;;
env)
  echo "export SPIRE_TEST_POSTGRES_URL='$PG_URL'"
  ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -n "$ver" ] && /usr/lib/postgresql/"$ver"/bin/pg_isready -q -h 127.0.0.1 -p "$REPLICA_PORT"; then
    echo "export SPIRE_TEST_POSTGRES_REPLICA_URL='$REPLICA_URL'"
  fi
  echo "export SPIRE_TEST_MYSQL_URL='$MY_URL'"
  ;;
*)
  echo "usage: $0 start|replica|env" >&2
  exit 2
  ;;
esac
