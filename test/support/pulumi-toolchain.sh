#!/usr/bin/env bash
# Builds the Pulumi engine this repository's end-to-end tests run: the Pulumi CLI, the Node.js
# language host and the resource providers the render-only stacks use (kubernetes, random), pinned
# to the npm SDK versions in package-lock.json (@pulumi/pulumi => CLI and language host,
# @pulumi/<name> => pulumi-resource-<name>). No prebuilt Pulumi binary is downloaded. Binaries land
# in a cache outside the repository and are reused when present.
#
# Where each piece comes from (the Go module proxy here refuses some of them):
#   pulumi                      proxy module github.com/pulumi/pulumi/pkg/v3 (cmd/pulumi)
#   pulumi-language-nodejs      $LOGCLAW_PULUMI_SRC/pulumi-language-nodejs-v<version>.tar.gz (upstream
#                               source), else the proxy module
#   pulumi-resource-kubernetes  proxy module github.com/pulumi/pulumi-kubernetes/provider/v4 at the
#                               version KUBERNETES_MODULE_VERSIONS maps the release to
#   pulumi-resource-random      $LOGCLAW_PULUMI_SRC/pulumi-random-provider-v<version>.tar.gz, else proxy
# LOGCLAW_PULUMI_SRC defaults to ../shared/pulumi-src next to the repository; the dependencies of
# every piece come from the module proxy.
#
# Usage: test/support/pulumi-toolchain.sh [--check] [--partial] [--print-bin-dir]
#   --check          only resolve the pinned modules through the Go module proxy; build nothing
#   --partial        build every binary whose module resolves even if another one does not
#   --print-bin-dir  print the bin directory (whether or not it is complete) and exit
# Exit status: 0 = toolchain complete; 69 = a pinned module cannot be obtained (stderr names the
# step); anything else = a build step failed. Also writes pulumi-analyzer-policy-nodejs, the policy
# pack launcher the engine falls back to.
set -euo pipefail

readonly EX_UNAVAILABLE=69
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src_dir="${LOGCLAW_PULUMI_SRC:-$repo_root/../shared/pulumi-src}"

lock_version() {
  node -e 'const l = require(process.argv[1]); const p = l.packages["node_modules/" + process.argv[2]];
           if (!p) { console.error(`package-lock.json has no ${process.argv[2]}`); process.exit(1); }
           console.log(p.version);' "$repo_root/package-lock.json" "$1"
}

pulumi_version="$(lock_version @pulumi/pulumi)"
kubernetes_version="$(lock_version @pulumi/kubernetes)"
random_version="$(lock_version @pulumi/random)"

# The proxy serves some provider releases only as a pseudo-version of the tagged commit:
# v4.0.0-20260115033456-f47bc2d6f199 is pulumi-kubernetes tag v4.25.0 (commit f47bc2d6f199).
kubernetes_module_version() {
  case "$1" in
    4.25.0) echo "v4.0.0-20260115033456-f47bc2d6f199" ;;
    *) echo "v$1" ;;
  esac
}

if ! command -v go >/dev/null 2>&1; then
  echo "pulumi-toolchain: no Go toolchain on PATH (Go >= 1.25 builds Pulumi ${pulumi_version})" >&2
  exit 69
fi
go_version="$(go env GOVERSION)"

cache_root="${LOGCLAW_TOOLCHAIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/logclaw/toolchain}"
toolchain_dir="$cache_root/pulumi-${pulumi_version}_kubernetes-${kubernetes_version}_random-${random_version}_${go_version}"
bin_dir="$toolchain_dir/bin"

cli_module="github.com/pulumi/pulumi/pkg/v3"
sdk_module="github.com/pulumi/pulumi/sdk/v3"
nodejs_module="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
kubernetes_module="github.com/pulumi/pulumi-kubernetes/provider/v4"
kubernetes_sdk_module="github.com/pulumi/pulumi-kubernetes/sdk/v4"
random_module="github.com/pulumi/pulumi-random/provider/v4"

check_only=false
partial=false
for arg in "$@"; do
  case "$arg" in
    --check) check_only=true ;;
    --partial) partial=true ;;
    --print-bin-dir) echo "$bin_dir"; exit 0 ;;
    *) echo "pulumi-toolchain: unknown argument '$arg' (expected --check, --partial or --print-bin-dir)" >&2; exit 2 ;;
  esac
done

# Module-aware builds only; the toolchain on the machine builds (no toolchain download); the
# checksum database is not reachable here for every Pulumi module, the module proxy's content is
# still pinned by version and recorded in each build module's go.sum.
export GOFLAGS="-mod=mod" GOTOOLCHAIN="local" GONOSUMDB="github.com/pulumi/*"

log() { echo "pulumi-toolchain: $*" >&2; }

all_present() {
  [[ -x "$bin_dir/pulumi" && -x "$bin_dir/pulumi-language-nodejs" && -x "$bin_dir/pulumi-resource-kubernetes" \
    && -x "$bin_dir/pulumi-resource-random" && -x "$bin_dir/pulumi-analyzer-policy-nodejs" ]]
}

if all_present && ! $check_only; then
  log "reusing $bin_dir"
  echo "$bin_dir"
  exit 0
fi

work_dir="$(mktemp -d)"
trap 'chmod -R u+w "$work_dir" 2>/dev/null; rm -rf "$work_dir"' EXIT

# Resolves MODULE@VERSION through the module proxy into the module cache and sets $resolved_dir to
# its directory. On failure records the exact step and the proxy's answer in $unavailable.
unavailable=""
resolved_dir=""
resolve() {
  local module="$1" version="$2" out
  resolved_dir=""
  if out="$(cd "$work_dir" && go mod download -json "$module@$version" 2>&1)" \
    && ! grep -q '"Error"' <<<"$out"; then
    resolved_dir="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).Dir)' <<<"$out")"
    return 0
  fi
  unavailable+="  step: go mod download -json $module@$version"$'\n'
  unavailable+="  answer: $(grep -o '"Error": *"[^"]*"' <<<"$out" || tail -n 2 <<<"$out")"$'\n'
  return 1
}

# Sets $resolved_dir to the upstream source of MODULE (the directory SUBDIR of TARBALL in
# $src_dir, unpacked into the work directory) when the tarball is there, else resolves the module
# through the proxy.
source_or_resolve() {
  local tarball="$1" subdir="$2" module="$3" version="$4" target
  if [[ -f "$src_dir/$tarball" ]]; then
    target="$work_dir/src-${tarball%.tar.gz}"
    mkdir -p "$target"
    tar -xzf "$src_dir/$tarball" -C "$target"
    resolved_dir="$target/$subdir"
    [[ -f "$resolved_dir/go.mod" ]] && return 0
    unavailable+="  step: tar -xzf $src_dir/$tarball"$'\n'"  answer: no $subdir/go.mod in it"$'\n'
    resolved_dir=""
    return 1
  fi
  resolve "$module" "$version"
}

resolve "$cli_module" "v$pulumi_version" || true
cli_dir="$resolved_dir"
source_or_resolve "pulumi-language-nodejs-v$pulumi_version.tar.gz" sdk/nodejs/cmd/pulumi-language-nodejs \
  "$nodejs_module" "v$pulumi_version" || true
nodejs_dir="$resolved_dir"
resolve "$kubernetes_module" "$(kubernetes_module_version "$kubernetes_version")" || true
kubernetes_dir="$resolved_dir"
source_or_resolve "pulumi-random-provider-v$random_version.tar.gz" provider "$random_module" "v$random_version" || true
random_dir="$resolved_dir"

if [[ -n "$unavailable" ]]; then
  log "pinned sources that cannot be obtained (pulumi $pulumi_version, kubernetes $kubernetes_version, random $random_version):"
  printf '%s' "$unavailable" >&2
fi
if $check_only; then
  [[ -z "$unavailable" ]] || exit "$EX_UNAVAILABLE"
  log "all pinned sources resolve"
  exit 0
fi
if [[ -n "$unavailable" ]] && ! $partial; then
  log "not building an incomplete toolchain (pass --partial to build what resolves)"
  exit "$EX_UNAVAILABLE"
fi

mkdir -p "$bin_dir"
started=$SECONDS

# A private copy of a source directory (the module cache is read-only), so generated files and
# go.mod edits never touch the cache.
writable_copy() {
  local source="$1" name="$2"
  cp -R "$source" "$work_dir/$name"
  chmod -R u+w "$work_dir/$name"
  echo "$work_dir/$name"
}

# Builds PACKAGE of the module in the current directory into $bin_dir/BINARY, atomically (an
# interrupted build leaves no binary that looks complete).
go_build() {
  local binary="$1" ldflags="$2" package="$3"
  nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$bin_dir/.$binary.partial" "$package"
  mv -f "$bin_dir/.$binary.partial" "$bin_dir/$binary"
}

readonly sdk_version_flag="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version"

build_cli() {
  # pkg/v3's go.mod replaces the SDK with a sibling directory that is not in the module zip: build it
  # from a small module that pins the SDK at the same version and keeps pkg's other replace line.
  local module="$work_dir/cli"
  mkdir -p "$module"
  (
    cd "$module"
    go mod init logclaw.local/pulumi-cli >/dev/null 2>&1
    go mod edit -require="$cli_module@v$pulumi_version" -require="$sdk_module@v$pulumi_version"
    go mod edit -replace="github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e"
    go_build pulumi "$sdk_version_flag" "$cli_module/cmd/pulumi"
  )
}

build_nodejs() {
  # The language host's go.mod replaces pkg and sdk with monorepo paths: pin them to the release.
  local copy
  copy="$(writable_copy "$nodejs_dir" nodejs)"
  (
    cd "$copy"
    go mod edit -dropreplace="$cli_module" -dropreplace="$sdk_module" \
      -require="$cli_module@v$pulumi_version" -require="$sdk_module@v$pulumi_version"
    go mod tidy
    go_build pulumi-language-nodejs "$sdk_version_flag" .
  )
}

# Providers embed schema-embed.json (go:embed), which `go generate` writes from the module's
# schema.json with VERSION set; the sources hold only schema.json. Builds inside a copy of the
# provider module, so its own remaining replace directives apply; DROP_REPLACE names replaces of
# sibling directories that are not part of the source.
build_provider() {
  local name="$1" source="$2" version="$3" version_var="$4" drop_replace="${5:-}" copy
  copy="$(writable_copy "$source" "$name")"
  (
    cd "$copy"
    if [[ -n "$drop_replace" ]]; then
      go mod edit -dropreplace="$drop_replace"
    fi
    cd "cmd/pulumi-resource-$name"
    if [[ ! -f schema-embed.json ]]; then
      VERSION="$version" nice -n 10 go generate ./...
    fi
    cd "$copy"
    go_build "pulumi-resource-$name" "-X $version_var=$version" "./cmd/pulumi-resource-$name"
  )
}

build_kubernetes() {
  # Its go.mod replaces the kubernetes sdk with ../sdk (not in the module zip); the sdk version it
  # requires comes from the proxy instead.
  build_provider kubernetes "$kubernetes_dir" "$kubernetes_version" "$kubernetes_module/pkg/version.Version" \
    "$kubernetes_sdk_module"
}

build_random() {
  build_provider random "$random_dir" "$random_version" "$random_module/pkg/version.Version"
}

write_analyzer_policy() {
  # The engine runs a Node.js policy pack through the language host when there is one; otherwise it
  # starts `pulumi-analyzer-policy-nodejs` in the pack's directory with the engine address, "." and
  # the runtime options, as the launcher script of Pulumi's release does: run the SDK's policy-pack
  # entry point that the pack itself resolves.
  cat >"$bin_dir/pulumi-analyzer-policy-nodejs" <<'LAUNCHER'
#!/bin/sh
run_policy_pack="$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))")" || exit 1
exec node "$run_policy_pack" "$@"
LAUNCHER
  chmod +x "$bin_dir/pulumi-analyzer-policy-nodejs"
}

step() {
  local binary="$1" fn="$2" from=$SECONDS
  if [[ -x "$bin_dir/$binary" ]]; then
    log "$binary present"
    return 0
  fi
  log "building $binary"
  "$fn"
  log "built $binary in $((SECONDS - from)) s"
}

[[ -n "$cli_dir" ]] && step pulumi build_cli
[[ -n "$nodejs_dir" ]] && step pulumi-language-nodejs build_nodejs
[[ -n "$kubernetes_dir" ]] && step pulumi-resource-kubernetes build_kubernetes
[[ -n "$random_dir" ]] && step pulumi-resource-random build_random
write_analyzer_policy
log "toolchain in $bin_dir ($((SECONDS - started)) s)"

if ! all_present; then
  log "toolchain incomplete"
  exit "$EX_UNAVAILABLE"
fi
echo "$bin_dir"
