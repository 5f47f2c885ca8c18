# File 1 of the shared scenario: three tests, each with a fresh database of its own (the same
# primary key inserted in each), one with a fresh redis database.
. "$(dirname "$0")/lib.sh"

insert_once() {
  local lease id url
  lease=$(acquire db)
  id=$(field "$lease" id)
  url=$(field "$lease" details.url)
  psql -qAt "$url" -c "INSERT INTO items VALUES (1, 'user')"
  local rows
  rows=$(psql -qAt "$url" -c 'SELECT count(*) FROM items')
  release db "$id"
  # Under BERTH_EXAMPLE_NEGATIVE the test claims to see the other tests' rows: with real isolation
  # it cannot, and fails.
  local want=1
  [ "${BERTH_EXAMPLE_NEGATIVE:-}" = 1 ] && want=3
  if [ "$rows" != "$want" ]; then
    echo "    isolation: expected $want rows, found $rows" >&2
    return 1
  fi
}

fresh_redis() {
  local lease id host port db
  lease=$(acquire cache)
  id=$(field "$lease" id)
  host=$(field "$lease" details.host)
  port=$(field "$lease" details.port)
  db=$(field "$lease" details.db)
  [ "$(redis_cmd "$host" "$port" "$db" DBSIZE)" = ':0' ] || { echo '    the fresh redis database was not empty' >&2; return 1; }
  [ "$(redis_cmd "$host" "$port" "$db" SET who users)" = '+OK' ]
  release cache "$id"
}

run_test 'users: a fresh database takes id 1' insert_once
run_test 'users: another fresh database takes id 1 again' insert_once
run_test 'users: a fresh redis database is empty' fresh_redis
summary users
