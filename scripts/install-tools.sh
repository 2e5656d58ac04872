#!/usr/bin/env bash
# Install the real Prometheus tools (promtool, prometheus, alertmanager, amtool)
# and VictoriaMetrics (vmalert, victoria-metrics: the single-node database)
# into the project-local folder .tools/bin/, for the test suite.
#
# Method: download the Debian packages `prometheus`, `promtool`,
# `prometheus-alertmanager` and `victoria-metrics` from Debian's sid suite
# with `apt-get download`,
# against a PRIVATE apt setup
# (own sources list, lists, cache and an empty dpkg status) kept under
# .tools/apt/, so the machine's own apt state is never touched. The mirror is
# the one this machine's apt sources already use. The .debs are unpacked with
# `dpkg-deb -x` (nothing is installed system-wide) and the binaries copied.
#
# Usage: bash scripts/install-tools.sh [--force]
#   --force / MONAC_TOOLS_FORCE=1   reinstall even if the tools already run
#   MONAC_DEBIAN_MIRROR=URI          override the mirror found in apt sources
#   MONAC_DEBIAN_SUITE=NAME          override the suite (default: sid)
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
tools_dir="$repo_root/.tools"
bin_dir="$tools_dir/bin"
apt_dir="$tools_dir/apt"

suite="${MONAC_DEBIAN_SUITE:-sid}"
# In sid, promtool is its own package (the `prometheus` package depends on it),
# and the Alertmanager binary is shipped as /usr/bin/prometheus-alertmanager.
# VictoriaMetrics' `victoria-metrics` package ships the single-node server and
# its companions (vmalert among them) in /usr/bin.
packages=(prometheus promtool prometheus-alertmanager victoria-metrics)
binaries=(promtool prometheus alertmanager amtool vmalert victoria-metrics)
# Path inside the packages of each binary, by installed name.
declare -A binary_src=(
  [promtool]=usr/bin/promtool
  [prometheus]=usr/bin/prometheus
  [alertmanager]=usr/bin/prometheus-alertmanager
  [amtool]=usr/bin/amtool
  [vmalert]=usr/bin/vmalert
  [victoria-metrics]=usr/bin/victoria-metrics
)

force="${MONAC_TOOLS_FORCE:-0}"
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "install-tools: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "install-tools: $*" >&2; }

print_versions() {
  local v
  v="$("$bin_dir/promtool" --version 2>&1 | head -n1)"; echo "promtool:     $v"
  v="$("$bin_dir/prometheus" --version 2>&1 | head -n1)"; echo "prometheus:   $v"
  v="$("$bin_dir/amtool" --version 2>&1 | head -n1)"; echo "amtool:       $v"
  v="$("$bin_dir/alertmanager" --version 2>&1 | head -n1)"; echo "alertmanager: $v"
  # VictoriaMetrics' binaries take single-dash flags, and Debian's build
  # prints an empty -version line: fall back to the recorded package version.
  local pkg
  pkg="$(awk '$1 == "victoria-metrics" { print "victoria-metrics " $2 " (Debian package)" }' "$tools_dir/VERSIONS" 2>/dev/null || true)"
  v="$("$bin_dir/vmalert" -version 2>&1 | head -n1)"; echo "vmalert:      ${v:-$pkg}"
  v="$("$bin_dir/victoria-metrics" -version 2>&1 | head -n1)"; echo "victoria-metrics: ${v:-$pkg}"
}

tools_ok() {
  local b
  for b in "${binaries[@]}"; do
    [[ -x "$bin_dir/$b" ]] || return 1
  done
  "$bin_dir/promtool" --version >/dev/null 2>&1 || return 1
  "$bin_dir/amtool" --version >/dev/null 2>&1 || return 1
  "$bin_dir/alertmanager" --version >/dev/null 2>&1 || return 1
  "$bin_dir/vmalert" -version >/dev/null 2>&1 || return 1
  "$bin_dir/victoria-metrics" -version >/dev/null 2>&1 || return 1
}

# --- fast path: already installed and working ------------------------------
if [[ "$force" != 1 ]] && tools_ok; then
  log "tools already present in $bin_dir"
  print_versions
  exit 0
fi

for cmd in apt-get dpkg-deb dpkg; do
  command -v "$cmd" >/dev/null 2>&1 || { log "required command not found: $cmd (needs a Debian-based machine)"; exit 1; }
done

# --- find the Debian mirror (and its keyring) this machine uses ------------
# Prints "URI<TAB>SIGNED-BY" for each deb entry in the apt sources, one-line
# format (*.list, sources.list) and deb822 format (*.sources) alike.
list_apt_sources() {
  local f
  shopt -s nullglob
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    awk '
      /^[[:space:]]*#/ { next }
      $1 == "deb" {
        signed = ""; i = 2
        if ($2 ~ /^\[/) {
          opts = ""
          for (; i <= NF; i++) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } }
          if (match(opts, /signed-by=[^] ]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
        }
        if (i <= NF) printf "%s\t%s\n", $i, signed
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk '
      function flush() {
        if (types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && enabled !~ /^[[:space:]]*no/) {
          n = split(uris, u, /[[:space:]]+/)
          for (k = 1; k <= n; k++) if (u[k] != "") printf "%s\t%s\n", u[k], signed
        }
        types = ""; uris = ""; signed = ""; enabled = ""
      }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      {
        key = tolower($1); sub(/:$/, "", key)
        val = $0; sub(/^[^:]*:[[:space:]]*/, "", val)
        if (key == "types") types = val
        else if (key == "uris") uris = val
        else if (key == "signed-by") signed = val
        else if (key == "enabled") enabled = tolower(val)
      }
      END { flush() }' "$f"
  done
}

mirror="${MONAC_DEBIAN_MIRROR:-}"
keyring=""
if [[ -z "$mirror" ]]; then
  # The main archive: a URI whose path ends in /debian (not debian-security,
  # not a third-party repository).
  while IFS=$'\t' read -r uri signed; do
    uri="${uri%/}"
    if [[ "$uri" =~ ^https?://[^/]+(/.*)?/debian$ ]]; then
      mirror="$uri"
      [[ "$signed" == /* && -r "$signed" ]] && keyring="$signed"
      break
    fi
  done < <(list_apt_sources)
fi
if [[ -z "$mirror" ]]; then
  log "could not find a Debian mirror in /etc/apt/sources.list{,.d/*.list,.d/*.sources};"
  log "set MONAC_DEBIAN_MIRROR (e.g. http://deb.debian.org/debian) and retry"
  exit 1
fi
# sid is signed with the newest archive keys: the full keyring is the safe choice.
if [[ -r /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
fi
if [[ -z "$keyring" ]]; then
  log "no Debian archive keyring found (install debian-archive-keyring)"
  exit 1
fi

arch="$(dpkg --print-architecture)"
sources_line="deb [arch=$arch signed-by=$keyring] $mirror $suite main"
log "mirror: $sources_line"

# --- private apt setup ------------------------------------------------------
mkdir -p "$apt_dir/etc/sources.list.d" "$apt_dir/etc/preferences.d" \
         "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
echo "$sources_line" > "$apt_dir/etc/sources.list"
: > "$apt_dir/status"

apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
  -o "Dir::Etc::Preferences=$apt_dir/etc/preferences"
  -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::State::status=$apt_dir/status"
  -o "Dir::State::extended_states=$apt_dir/extended_states"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
  -o "APT::Get::List-Cleanup=0"
  -o "APT::Architecture=$arch"
  -o "APT::Architectures=$arch"
  -o "Acquire::Languages=none"
  -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
  -o "APT::Sandbox::User=root"
  -o "Debug::NoLocking=1"
  -o "Acquire::Retries=3"
  -q
)

start=$SECONDS
log "apt-get update (private lists only, suite $suite)"
apt-get "${apt_opts[@]}" update >&2

# --- download the .debs -----------------------------------------------------
rm -f "$apt_dir/debs"/*.deb
log "apt-get download ${packages[*]}"
( cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download "${packages[@]}" >&2 )

# --- unpack and copy the binaries ------------------------------------------
staging="$tools_dir/staging"
rm -rf "$staging"
mkdir -p "$staging"
shopt -s nullglob
debs=("$apt_dir/debs"/*.deb)
if (( ${#debs[@]} != ${#packages[@]} )); then
  log "expected ${#packages[@]} .deb files, got ${#debs[@]}"
  exit 1
fi
for deb in "${debs[@]}"; do
  log "unpack $(basename "$deb")"
  dpkg-deb -x "$deb" "$staging"
done

mkdir -p "$bin_dir"
for b in "${binaries[@]}"; do
  src="$staging/${binary_src[$b]}"
  if [[ ! -f "$src" ]]; then
    log "binary $b not found in the packages (looked at ${binary_src[$b]})"
    exit 1
  fi
  install -m 0755 "$src" "$bin_dir/$b.new"
  mv -f "$bin_dir/$b.new" "$bin_dir/$b"
done

# Debian's alertmanager reads /usr/share/prometheus/alertmanager/default.tmpl
# at every config load and will not start without it. monac's tests only need
# amtool (check-config, routes test), so the server binary is installed as
# shipped; a test that runs the server must provide that file itself. The
# templates are kept in .tools/share/alertmanager for `amtool template render`.
rm -rf "$tools_dir/share"
if compgen -G "$staging/usr/share/prometheus/alertmanager/*.tmpl" >/dev/null; then
  mkdir -p "$tools_dir/share/alertmanager"
  cp "$staging"/usr/share/prometheus/alertmanager/*.tmpl "$tools_dir/share/alertmanager/"
fi

# Record what was installed.
{
  echo "# written by scripts/install-tools.sh"
  echo "source: $sources_line"
  for deb in "${debs[@]}"; do
    dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb"
  done
} > "$tools_dir/VERSIONS"

# --- check they run -----------------------------------------------------------
if command -v ldd >/dev/null 2>&1; then
  for b in "${binaries[@]}"; do
    if ldd "$bin_dir/$b" 2>/dev/null | grep -q 'not found'; then
      log "WARNING: $b has missing shared libraries:"
      ldd "$bin_dir/$b" | grep 'not found' >&2 || true
    fi
  done
fi
if ! tools_ok; then
  log "installed binaries do not run:"
  "$bin_dir/promtool" --version >&2 || true
  "$bin_dir/amtool" --version >&2 || true
  "$bin_dir/vmalert" -version >&2 || true
  "$bin_dir/victoria-metrics" -version >&2 || true
  exit 1
fi

rm -rf "$staging" "$apt_dir/debs"
log "installed into $bin_dir in $((SECONDS - start))s"
print_versions
