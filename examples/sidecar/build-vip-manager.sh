#!/usr/bin/env bash
# Builds vip-manager 2.x (https://github.com/cybertec-postgresql/vip-manager) from a source tree
# you have, for SidecarVipManagerTest and for hosts whose distribution ships only vip-manager 1.x
# (Debian 12's 1.0.2 reads etcd's v2 API and cannot see pgha's or Patroni's etcd3 keys).
#
#   examples/sidecar/build-vip-manager.sh SOURCE_DIR [OUTPUT]     (OUTPUT: ./vip-manager)
#
# SOURCE_DIR is a checkout of vip-manager (e.g. `git clone` and `git checkout v2.1.0`); this
# script only reads it. It tries two ways, in this order:
#
#  1. modules: `go build` in a copy of SOURCE_DIR, the dependencies from the Go module proxy.
#  2. debian: where the module proxy cannot be reached, GOPATH mode with Debian 12's Go and Go
#     library packages: the etcd v3 client of golang-etcd-server-dev (3.4, imported as
#     go.etcd.io/etcd/clientv3) stands in for go.etcd.io/etcd/client/v3 (3.5; vip-manager calls
#     only New, Config, KV.Get, which are the same), and a stub stands in for Consul's client,
#     which Debian 12 does not package: such a build reads etcd only (dcs-type: consul fails at
#     start, saying so). Needs Go 1.19 sources, i.e. vip-manager up to v2.1.0, and
#       apt-get install golang-go golang-etcd-server-dev golang-github-spf13-viper-dev \
#         golang-github-spf13-pflag-dev golang-github-mdlayher-arp-dev golang-golang-x-sys-dev
#
# Set VIP_MANAGER_BUILD=modules or =debian to use only one way. The version printed by
# `vip-manager --version` is `git describe --tags` of SOURCE_DIR when it is a git checkout.
# Then: ./mvnw -pl pgha-sidecar -am verify -Dtest=SidecarVipManagerTest \
#         -Dsurefire.failIfNoSpecifiedTests=false -Dpgha.vipManager=$PWD/vip-manager
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
source_dir=$(cd "$1" && pwd)
output=$(realpath -m "${2:-vip-manager}")
[[ -f "$source_dir/main.go" && -f "$source_dir/go.mod" ]] ||
  { echo "$source_dir: not a vip-manager source tree (no main.go, go.mod)" >&2; exit 2; }
grep -q '^module github.com/cybertec-postgresql/vip-manager' "$source_dir/go.mod" ||
  { echo "$source_dir/go.mod: not vip-manager's module" >&2; exit 2; }

version=""
if git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1; then
  version=$(git -C "$source_dir" describe --tags --always 2>/dev/null | sed 's/^v//')
fi
ldflags="-s -w"
[[ -n "$version" ]] && ldflags+=" -X main.version=$version"

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export GOCACHE="$work/cache" CGO_ENABLED=0

build_with_modules() {
  mkdir -p "$work/modules/src"
  cp -r "$source_dir/." "$work/modules/src"
  (cd "$work/modules/src" &&
    GOPATH="$work/modules/gopath" GOFLAGS=-mod=mod go build -ldflags "$ldflags" -o "$output" .)
}

build_with_debian_packages() {
  local gocode=/usr/share/gocode/src
  if [[ ! -d "$gocode/go.etcd.io/etcd/clientv3" || ! -d "$gocode/github.com/spf13/viper" ||
    ! -d "$gocode/github.com/mdlayher/arp" ]]; then
    echo "Debian's Go packages are missing: apt-get install golang-go golang-etcd-server-dev" \
      "golang-github-spf13-viper-dev golang-github-spf13-pflag-dev" \
      "golang-github-mdlayher-arp-dev golang-golang-x-sys-dev" >&2
    return 1
  fi
  local gopath="$work/gopath"
  mkdir -p "$gopath/src/github.com/cybertec-postgresql" "$gopath/src/go.etcd.io/etcd/client" \
    "$gopath/src/github.com/hashicorp/consul/api"
  cp -r "$source_dir" "$gopath/src/github.com/cybertec-postgresql/vip-manager"
  ln -s "$gocode/go.etcd.io/etcd/clientv3" "$gopath/src/go.etcd.io/etcd/client/v3"
  cat >"$gopath/src/github.com/hashicorp/consul/api/api.go" <<'EOF'
// Package api stands in for Consul's client, which Debian 12 does not package: this build
// of vip-manager reads etcd only.
package api

import (
	"errors"
	"time"
)

var errNoConsul = errors.New("this vip-manager was built without Consul support (etcd only)")

type Config struct {
	Address  string
	Scheme   string
	WaitTime time.Duration
	Token    string
}

type QueryOptions struct {
	RequireConsistent bool
	WaitIndex         uint64
}

type KVPair struct {
	Value       []byte
	ModifyIndex uint64
}

type QueryMeta struct{}

type KV struct{}

type Client struct{}

func NewClient(*Config) (*Client, error) { return nil, errNoConsul }

func (*Client) KV() *KV { return &KV{} }

func (*KV) Get(string, *QueryOptions) (*KVPair, *QueryMeta, error) { return nil, nil, errNoConsul }
EOF
  (cd "$gopath/src/github.com/cybertec-postgresql/vip-manager" &&
    GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" go build -ldflags "$ldflags" -o "$output" .)
}

case "${VIP_MANAGER_BUILD:-}" in
  modules) build_with_modules ;;
  debian) build_with_debian_packages ;;
  "")
    if ! build_with_modules 2>"$work/modules.log"; then
      echo "The module build failed (last lines below); building with Debian's Go packages." >&2
      tail -n 3 "$work/modules.log" >&2
      build_with_debian_packages
    fi
    ;;
  *) echo "VIP_MANAGER_BUILD=$VIP_MANAGER_BUILD: modules or debian" >&2; exit 2 ;;
esac
echo "$output: $("$output" --version)"
