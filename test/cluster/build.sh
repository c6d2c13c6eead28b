#!/usr/bin/env bash
# Builds the local control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok) from the Go module proxy into caches keyed by version, outside
# the repository. A warm cache makes this a no-op. The tools only some tests need are built on
# their first use, so `make demo` builds no more than the control plane: `build.sh helm` builds
# (when missing) and prints helm's directory (the chart's tests); `build.sh argo` the same for
# Argo Rollouts' controller and kubectl plugin (the compatibility tests and the bench); `build.sh influxdb`
# the same for influxd, the InfluxDB server with Flux (the InfluxDB provider's integration test).
set -euo pipefail

K8S_VERSION="${RAMP_K8S_VERSION:-v1.35.4}"
ETCD_VERSION="${RAMP_ETCD_VERSION:-v3.5.35}"
KWOK_VERSION="${RAMP_KWOK_VERSION:-v0.8.0}"
HELM_VERSION="${RAMP_HELM_VERSION:-v3.22.0}"
CACHE_ROOT="${RAMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ramp}"
CACHE="$CACHE_ROOT/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION"
BIN="$CACHE/bin"
HELM_BIN="$CACHE_ROOT/helm-$HELM_VERSION/bin"
ARGO_VERSION="${RAMP_ARGO_ROLLOUTS_VERSION:-v1.10.2}"
ARGO_BIN="$CACHE_ROOT/argo-rollouts-$ARGO_VERSION/bin"
INFLUXDB_VERSION="${RAMP_INFLUXDB_VERSION:-v1.8.10}"
INFLUXDB_BIN="$CACHE_ROOT/influxdb-$INFLUXDB_VERSION/bin"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

# The binaries are stripped (-ldflags -s -w), so the compiler need not write the debug information
# the linker would drop: -dwarf=false saves a share of every compile.
go_build() { go build -trimpath -gcflags=all=-dwarf=false "$@"; }

say() { printf '[cluster-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# One build of a target at a time: test files run in parallel and may ask for the same tool at
# once; the second waits for the first and then finds it built.
build_lock() {
  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/.build-$1.lock"
  flock 9
}

case "${1:-}" in
  influxdb | helm | argo) build_lock "$1" ;;
  *) build_lock control-plane ;;
esac

# InfluxDB 1.8's module builds as is (no replace directives); its Flux engine is pure Go.
if [ "${1:-}" = influxdb ]; then
  [ -x "$INFLUXDB_BIN/influxd" ] && { echo "$INFLUXDB_BIN"; exit 0; }
  command -v go >/dev/null || { say "go is not on PATH: install Go 1.26 or newer"; exit 1; }
  say "building influxd $INFLUXDB_VERSION into $INFLUXDB_BIN (about two minutes on 2 cores)"
  mkdir -p "$INFLUXDB_BIN"
  GOBIN="$INFLUXDB_BIN" go install "github.com/influxdata/influxdb/cmd/influxd@$INFLUXDB_VERSION"
  echo "$INFLUXDB_BIN"
  exit 0
fi

only_helm=false
[ "${1:-}" = helm ] && only_helm=true
if [ "${1:-}" = argo ]; then
  if [ -x "$ARGO_BIN/rollouts-controller" ] && [ -x "$ARGO_BIN/kubectl-argo-rollouts" ]; then echo "$ARGO_BIN"; exit 0; fi
  build_argo_only=true
else
  build_argo_only=false
fi
wanted=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
missing=()
if ! $only_helm; then
  for b in "${wanted[@]}"; do [ -x "$BIN/$b" ] || missing+=("$b"); done
  [ -s "$BIN/kwok-stages.yaml" ] || missing+=(kwok-stages.yaml)
fi
if $only_helm; then
  [ -x "$HELM_BIN/helm" ] && { echo "$HELM_BIN"; exit 0; }
  missing=(helm)
fi
$build_argo_only && missing=(argo-rollouts)
if [ ${#missing[@]} -eq 0 ]; then echo "$BIN"; exit 0; fi

command -v go >/dev/null || { say "go is not on PATH: install Go 1.26 or newer"; exit 1; }
if $build_argo_only; then
  say "cold build of Argo Rollouts $ARGO_VERSION into $ARGO_BIN (several minutes on 2 cores)"
else
  mkdir -p "$BIN"
  say "cold build of ${missing[*]} into $($only_helm && echo "$HELM_BIN" || echo "$BIN") (several minutes on 2 cores)"
fi

minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
staging_version="v0.${K8S_VERSION#v1.}"

build_k8s() {
  local mod="$CACHE/k8s-mod"
  mkdir -p "$mod"
  if [ ! -f "$mod/go.mod" ]; then
    ( cd "$mod" && go mod init ramp.local/k8s-build >/dev/null 2>&1 )
  fi
  cd "$mod"
  say "downloading k8s.io/kubernetes@$K8S_VERSION"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$gomod" ] || { say "could not read go.mod of k8s.io/kubernetes@$K8S_VERSION"; exit 1; }
  local staged=()
  while read -r name; do staged+=("$name"); done < <(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$gomod" | sort -u)
  say "pinning ${#staged[@]} staging modules to $staging_version"
  local args=()
  for m in "${staged[@]}"; do args+=("-replace=$m=$m@$staging_version"); done
  go mod edit "${args[@]}"
  say "resolving module graph"
  go get "k8s.io/kubernetes@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" >/dev/null 2>&1 || go get "k8s.io/kubernetes@$K8S_VERSION"
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  local todo=() pkgs=()
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    [ -x "$BIN/$b" ] || { todo+=("$b"); pkgs+=("k8s.io/kubernetes/cmd/$b"); }
  done
  [ ${#todo[@]} -eq 0 ] && return
  # One go command for all of them: the packages they share compile once, and one binary links
  # while the next still compiles, instead of a core idling through each link in turn.
  say "building ${todo[*]}"
  local out="$BIN/.k8s-build.tmp"
  rm -rf "$out"; mkdir -p "$out"
  go_build -ldflags "$ldflags" -o "$out/" "${pkgs[@]}"
  for b in "${todo[@]}"; do mv "$out/$b" "$BIN/$b"; done
  rm -rf "$out"
}

build_etcd() {
  [ -x "$BIN/etcd" ] && return
  local mod="$CACHE/etcd-mod"
  mkdir -p "$mod"; cd "$mod"
  [ -f go.mod ] || go mod init ramp.local/etcd-build >/dev/null 2>&1
  say "building etcd $ETCD_VERSION"
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null
  go_build -ldflags "-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$BIN/etcd.tmp" "$BIN/etcd"
}

build_kwok() {
  [ -x "$BIN/kwok" ] && return
  local mod="$CACHE/kwok-mod"
  mkdir -p "$mod"; cd "$mod"
  [ -f go.mod ] || go mod init ramp.local/kwok-build >/dev/null 2>&1
  say "building kwok $KWOK_VERSION"
  go get "sigs.k8s.io/kwok@$KWOK_VERSION" >/dev/null
  go_build -ldflags "-s -w" -o "$BIN/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok
  mv "$BIN/kwok.tmp" "$BIN/kwok"
}

# kwok needs Stage objects saying how fake nodes and pods move through their lifecycle; its own
# module ships the standard ones: nodes initialise and heartbeat, pods become Ready, Job pods complete.
kwok_stages() {
  [ -s "$BIN/kwok-stages.yaml" ] && return
  local src
  src="$(cd "$CACHE/kwok-mod" 2>/dev/null && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok 2>/dev/null || true)"
  if [ -z "$src" ] || [ ! -d "$src/kustomize/stage" ]; then
    src="$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION"
  fi
  local out="$BIN/kwok-stages.yaml.tmp"
  : > "$out"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    [ -f "$src/kustomize/stage/$f" ] || { say "kwok stage $f not found in $src"; exit 1; }
    printf -- '---\n' >> "$out"
    cat "$src/kustomize/stage/$f" >> "$out"
  done
  mv "$out" "$BIN/kwok-stages.yaml"
}

# helm renders and lints install/helm/ramp in the tests. It is built like the rest: a throwaway
# wrapper module, its own module graph (k8s.io client libraries, mostly already in the module
# cache), and the ldflags of helm's Makefile so `helm version` and the lint's Kubernetes version
# are right.
build_helm() {
  [ -x "$HELM_BIN/helm" ] && return
  local mod="$CACHE_ROOT/helm-$HELM_VERSION/mod"
  mkdir -p "$mod" "$HELM_BIN"; cd "$mod"
  [ -f go.mod ] || go mod init ramp.local/helm-build >/dev/null 2>&1
  say "building helm $HELM_VERSION"
  go get "helm.sh/helm/v3@$HELM_VERSION" >/dev/null
  local client_go k8s_minor
  client_go="$(go list -m -f '{{.Version}}' k8s.io/client-go)"   # v0.<minor>.<patch>
  k8s_minor="${client_go#v0.}"; k8s_minor="${k8s_minor%%.*}"
  local v=helm.sh/helm/v3
  local ldflags="-s -w -X $v/internal/version.version=$HELM_VERSION -X $v/internal/version.gitTreeState=clean"
  ldflags+=" -X $v/pkg/lint/rules.k8sVersionMajor=1 -X $v/pkg/lint/rules.k8sVersionMinor=$k8s_minor"
  ldflags+=" -X $v/pkg/chartutil.k8sVersionMajor=1 -X $v/pkg/chartutil.k8sVersionMinor=$k8s_minor"
  go_build -ldflags "$ldflags" -o "$HELM_BIN/helm.tmp" "$v/cmd/helm"
  mv "$HELM_BIN/helm.tmp" "$HELM_BIN/helm"
}

# Argo Rollouts' controller and kubectl plugin, to prove Ramp against Argo itself. Its module's
# replace block pins the k8s.io modules; a dependency's replaces are ignored, so the wrapper
# module copies that block from Argo's go.mod before resolving. Argo's go.mod may ask for a newer
# Go patch release than the machine has: the go command then fetches that toolchain from the Go
# module proxy (golang.org/toolchain), for this build only.
build_argo() {
  export GOTOOLCHAIN=auto
  local mod="$CACHE_ROOT/argo-rollouts-$ARGO_VERSION/mod"
  mkdir -p "$mod" "$ARGO_BIN"; cd "$mod"
  [ -f go.mod ] || go mod init ramp.local/argo-rollouts-build >/dev/null 2>&1
  say "downloading github.com/argoproj/argo-rollouts@$ARGO_VERSION"
  local gomod
  gomod=$(go mod download -json "github.com/argoproj/argo-rollouts@$ARGO_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$gomod" ] || { say "could not read go.mod of github.com/argoproj/argo-rollouts@$ARGO_VERSION"; exit 1; }
  if ! grep -q '^replace' go.mod; then
    { echo; sed -n '/^replace (/,/^)/p; /^replace [^(]/p' "$gomod"; } >> go.mod
  fi
  say "resolving Argo Rollouts' module graph"
  go get "github.com/argoproj/argo-rollouts@$ARGO_VERSION" >/dev/null
  local pkg=github.com/argoproj/argo-rollouts
  local ldflags="-s -w -X $pkg/utils/version.version=${ARGO_VERSION#v} -X $pkg/utils/version.gitTag=$ARGO_VERSION -X $pkg/utils/version.gitTreeState=clean"
  for b in rollouts-controller kubectl-argo-rollouts; do
    [ -x "$ARGO_BIN/$b" ] && continue
    say "building Argo Rollouts' $b $ARGO_VERSION"
    go_build -ldflags "$ldflags" -o "$ARGO_BIN/$b.tmp" "$pkg/cmd/$b"
    mv "$ARGO_BIN/$b.tmp" "$ARGO_BIN/$b"
  done
}

start=$(date +%s)
if $build_argo_only; then build_argo; say "done in $(( $(date +%s) - start ))s"; echo "$ARGO_BIN"; exit 0; fi
if $only_helm; then build_helm; say "done in $(( $(date +%s) - start ))s"; echo "$HELM_BIN"; exit 0; fi
# etcd, kwok and Kubernetes are independent builds: side by side, one's downloads, module
# resolution and links overlap the others' compiles, where in turn each left a core idle.
pids=()
( build_etcd ) & pids+=($!)
( build_kwok; kwok_stages ) & pids+=($!)
( build_k8s ) & pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || { say "the control plane's build failed (see above)"; exit 1; }
say "done in $(( $(date +%s) - start ))s"
echo "$BIN"
