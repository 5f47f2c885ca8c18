# Shared helpers of the engine scripts (sourced).
now() { date +%s%N; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
say() { echo "$1: $2"; }
die() { echo "$1: ERROR: $2" >&2; exit 1; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# wait_for SECONDS COMMAND...: polls every 100 ms.
wait_for() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

ping_socket() { [ -S "$1" ] && [ "$(curl -s --max-time 2 --unix-socket "$1" http://engine/_ping 2>/dev/null)" = "OK" ]; }

# ensure_debian_packages WHAT PACKAGE...: installs the missing ones (apt-get, root).
ensure_debian_packages() {
  local what=$1; shift
  local missing=() p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "$what" "missing packages ${missing[*]} and no apt-get"
  local t log=${TMPDIR:-/tmp}/berth-engines-apt.log
  t=$(now)
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >"$log" 2>&1 \
    || { apt-get update >>"$log" 2>&1 && apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; } \
    || die "$what" "apt-get install ${missing[*]} failed (log: $log)"
  say "$what" "installed ${missing[*]} [$(ms_since "$t") ms]"
}

# docker_io_name REF: the fully qualified name Docker gives a short reference (busybox:latest ->
# docker.io/library/busybox:latest, berth-test/x:1 -> docker.io/berth-test/x:1).
docker_io_name() {
  local ref=$1 first=${1%%/*}
  case "$ref" in
    */*) case "$first" in *.*|*:*|localhost) echo "$ref" ;; *) echo "docker.io/$ref" ;; esac ;;
    *) echo "docker.io/library/$ref" ;;
  esac
}
