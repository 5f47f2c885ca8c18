# Helpers for the engines that come from Debian trixie (Docker 26.1, Podman 5.4), sourced after
# lib.sh. The machine runs bookworm, whose libraries these daemons do not fit, so each runs inside a
# trixie root filesystem of its own:
#
#   rootfs   made from the berth-test/debian:trixie image (node scripts/provision-images.mjs builds
#            it with debootstrap when missing), the engine's packages apt-get installed into it with
#            chroot from the mirror the image names. Cached under
#            ${BERTH_ENGINES_CACHE:-${XDG_CACHE_HOME:-~/.cache}/berth/engines}/<name>, so only the
#            first run downloads anything. Only mount points are added to it once made: state lives elsewhere.
#   network  a namespace of its own joined to the host by a veth pair (host .1, namespace .2 of a
#            /30), so its firewall rules and bridges never meet the machine's engine; its API and
#            published ports are reached at the namespace's address, as with the TLS dockerd.
#   mounts   a mount namespace of its own: /proc, /dev, /sys and the engine's state directories are
#            bound into the rootfs there, so everything the daemon mounts goes away with it.

engines_cache() { echo "${BERTH_ENGINES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/berth/engines}"; }

# trixie_rootfs WHAT NAME PACKAGE...: prints the path of a cached trixie rootfs holding PACKAGE...
# (with their dependencies, no recommends), making it first when missing or made for another list.
trixie_rootfs() {
  local what=$1 name=$2; shift 2
  local dir stamp want
  dir="$(engines_cache)/$name"
  stamp="$dir/packages"
  want="$*"
  mkdir -p "$dir"
  exec 8>"$dir/.lock"
  flock 8
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$dir/rootfs" ]; then
    flock -u 8
    echo "$dir/rootfs"
    return 0
  fi
  command -v unshare >/dev/null && command -v chroot >/dev/null || die "$what" "needs unshare and chroot (util-linux, coreutils)"
  local t log=$dir/make.log base=berth-test/debian:trixie
  t=$(now)
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    say "$what" "making $base (debootstrap)" >&2
    node scripts/provision-images.mjs "$base" >"$log" 2>&1 || die "$what" "could not make $base (log: $log)"
  fi
  rm -rf "$dir/rootfs.tmp" "$dir/rootfs" "$stamp"
  mkdir -p "$dir/rootfs.tmp"
  local cid
  cid=$(docker create "$base" true) || die "$what" "docker create $base failed"
  docker export "$cid" | tar -x -C "$dir/rootfs.tmp" || { docker rm "$cid" >/dev/null; die "$what" "could not export $base"; }
  docker rm "$cid" >/dev/null
  # apt inside the chroot: the host's resolver, and no service started by a package's scripts.
  cp /etc/resolv.conf "$dir/rootfs.tmp/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$dir/rootfs.tmp/usr/sbin/policy-rc.d"
  chmod 755 "$dir/rootfs.tmp/usr/sbin/policy-rc.d"
  unshare -m --propagation private sh -c '
      set -e
      mount -t proc proc "$1/proc"; mount --rbind /dev "$1/dev"; mount --rbind /sys "$1/sys"
      shift
      exec chroot "$0" env DEBIAN_FRONTEND=noninteractive sh -c "apt-get update -q && apt-get install -y -q --no-install-recommends $* && apt-get clean"
    ' "$dir/rootfs.tmp" "$dir/rootfs.tmp" "$@" >"$log" 2>&1 \
    || { tail -n 20 "$log" >&2; die "$what" "apt-get install $* in the trixie rootfs failed (log: $log)"; }
  rm -rf "$dir/rootfs.tmp/var/lib/apt/lists"/*_*
  # The image leaves /etc/hosts to its engine: without localhost there, the daemons ask a resolver
  # for it. And no resolver for the daemon or its containers: the namespace has no way out.
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$dir/rootfs.tmp/etc/hosts"
  echo '# none: this engine runs in a network namespace without a way out' >"$dir/rootfs.tmp/etc/resolv.conf"
  mv "$dir/rootfs.tmp" "$dir/rootfs"
  echo "$want" >"$stamp"
  say "$what" "made a trixie rootfs with $* in $dir/rootfs [$(ms_since "$t") ms]" >&2
  flock -u 8
  echo "$dir/rootfs"
}

# netns_up NS HOST_IF NS_IF HOST_IP NS_IP: a network namespace linked to the host by a veth pair
# (a /30: HOST_IP on the host side, NS_IP inside). No default route: the engine and its containers
# reach this machine (HOST_IP) and nothing beyond it.
netns_up() {
  local ns=$1 host_if=$2 ns_if=$3 host_ip=$4 ns_ip=$5
  ip netns list | grep -qw "$ns" || ip netns add "$ns"
  if ! ip link show "$host_if" >/dev/null 2>&1; then
    ip link add "$host_if" type veth peer name "$ns_if"
    ip link set "$ns_if" netns "$ns"
    ip addr add "$host_ip/30" dev "$host_if"
    ip link set "$host_if" up
    ip netns exec "$ns" ip addr add "$ns_ip/30" dev "$ns_if"
    ip netns exec "$ns" ip link set "$ns_if" up
    ip netns exec "$ns" ip link set lo up
  fi
}

# netns_down NS HOST_IF: removes the pair and the namespace (safe when either is gone).
netns_down() {
  ip link show "$2" >/dev/null 2>&1 && ip link delete "$2" || true
  if ip netns list | grep -qw "$1"; then ip netns delete "$1"; fi
}

# in_trixie NS ROOTFS LOG [BIND:TARGET ...] -- COMMAND...: starts COMMAND in the background with
# ROOTFS as its root, in network namespace NS and a mount namespace of its own, with each host
# directory BIND mounted at TARGET inside, and the host's /tmp at /tmp (where a test's bind-mount
# sources live: the engine must see them as a local engine does). Prints the pid (it execs COMMAND).
# The root is pivoted, not just chrooted: runc pivots into each container's root, which fails (or
# lands on the host's root) when the daemon's own root is only a chroot.
in_trixie() {
  local ns=$1 rootfs=$2 log=$3; shift 3
  local binds=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do binds+=("$1"); shift; done
  shift
  # nsenter joins only the network namespace: `ip netns exec` would also remount /sys, and a
  # sysfs of the namespace hides the cgroup mounts the daemons need.
  nsenter --net="/var/run/netns/$ns" setsid unshare -m --propagation private sh -c '
      set -e
      root=$1; shift
      mount --bind "$root" "$root"
      mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"; mount --rbind /sys "$root/sys"
      mount -t tmpfs tmpfs "$root/run"; mount --rbind /tmp "$root/tmp"
      while [ "$1" != -- ]; do
        mkdir -p "$root${1#*:}"; mount --bind "${1%%:*}" "$root${1#*:}"; shift
      done
      shift
      cd "$root"; mkdir -p .host; pivot_root . .host
      exec chroot . sh -c "umount -l /.host && cd / && exec \"\$@\"" sh "$@"
    ' sh "$rootfs" "${binds[@]}" -- "$@" >"$log" 2>&1 </dev/null &
  echo $!
}
