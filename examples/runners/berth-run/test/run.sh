# The suite: both files at once (two processes taking fresh slices side by side), then one verdict.
# `berth run` has set DATABASE_URL (the config's env), BERTH_SERVICES and the broker's address.
set -uo pipefail
here=$(dirname "$0")
[ -n "${DATABASE_URL:-}" ] || { echo 'DATABASE_URL is not set: run this under berth run' >&2; exit 2; }
echo "services: $BERTH_SERVICES" | cut -c1-120
bash "$here/users.sh" & users=$!
bash "$here/orders.sh" & orders=$!
status=0
wait "$users" || status=1
wait "$orders" || status=1
exit "$status"
