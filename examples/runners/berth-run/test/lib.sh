# Helpers for the shell tests: a fresh slice over the broker's HTTP API (curl), a JSON field (node),
# a redis command over bash's /dev/tcp, and a tiny test harness that counts passes and failures.
set -euo pipefail

# POST /v1/<service>/acquire -> {"id":…,"details":{…}}
acquire() {
  curl -fsS -X POST -H "Authorization: Bearer $BERTH_BROKER_TOKEN" "$BERTH_BROKER_URL/v1/$1/acquire"
}
# POST /v1/<service>/release {"id":…} -> 204
release() {
  curl -fsS -X POST -H "Authorization: Bearer $BERTH_BROKER_TOKEN" -H 'content-type: application/json' \
    -d "{\"id\":\"$2\"}" "$BERTH_BROKER_URL/v1/$1/release"
}
# field '<json>' 'details.url'
field() {
  node -e 'let v = JSON.parse(process.argv[1]); for (const k of process.argv[2].split(".")) v = v[k]; console.log(v)' "$1" "$2"
}
# redis_cmd <host> <port> <db> <command…>: one inline command on logical database <db>; prints the reply line.
redis_cmd() {
  local host=$1 port=$2 db=$3
  shift 3
  exec 3<>"/dev/tcp/$host/$port"
  printf 'SELECT %s\r\n%s\r\nQUIT\r\n' "$db" "$*" >&3
  local select reply
  IFS= read -r select <&3
  IFS= read -r reply <&3
  exec 3<&-
  printf '%s\n' "${reply%$'\r'}"
}

passed=0
failed=0
# run_test "<name>" <function>
run_test() {
  if ( "$2" ); then
    passed=$((passed + 1))
    echo "  ok   $1"
  else
    failed=$((failed + 1))
    echo "  FAIL $1"
  fi
}
summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
