#!/usr/bin/env bash
# pgvector.sh: make the pgvector extension ("vector") available to the
# PostgreSQL server installed on this Debian host, idempotently.
#
# Usage: pgvector.sh [MAJOR]      e.g. pgvector.sh 15
#        pgvector.sh --list-mirrors
#
# MAJOR is the running server's major version (SHOW server_version_num / 10000).
# Without it the script asks the server with psql (PG* environment variables
# apply) or, failing that, uses the only /usr/lib/postgresql/<N> on the host.
# --list-mirrors prints the Debian archive URIs found in the apt sources, best
# first, and exits; it exists for debugging and tests.
#
# The recipe, in order (internal/setup/doc.go explains it):
#   1. pg_config is /usr/lib/postgresql/<N>/bin/pg_config.
#   2. vector.control already in the server's extension directory, at
#      PGVECTOR_MIN (default 0.8.0) or later: do nothing.
#   3. apt has a candidate for postgresql-<N>-pgvector at PGVECTOR_MIN or
#      later: apt-get install it.
#   4. Otherwise build the pgvector source package of Debian trixie with PGXS,
#      fetched through a private apt configuration that leaves the system's
#      sources, lists and cache untouched.
#
# Progress lines ("pgvector: ...") go to stdout; the output of apt and make
# goes to stderr. Privileged steps use sudo when not root.
set -euo pipefail

readonly SOURCE_SUITE=trixie
readonly HOST_SUITE=bookworm
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# PGVECTOR_APT_ETC lets tests point the mirror lookup at fixture files.
readonly APT_ETC=${PGVECTOR_APT_ETC:-/etc/apt}
readonly LOCK_FILE=/tmp/triage-pgvector.lock
# PGVECTOR_MIN is the oldest pgvector that will do (halfvec HNSW indexes
# came with 0.7, iterative index scans with 0.8).
readonly MIN_VERSION=${PGVECTOR_MIN:-0.8.0}

export DEBIAN_FRONTEND=noninteractive

say() { printf 'pgvector: %s\n' "$*"; }
die() {
	printf 'pgvector: error: %s\n' "$*" >&2
	exit 1
}

# as_root runs a command as root: directly when root, with sudo otherwise.
as_root() {
	if ((EUID == 0)); then
		"$@"
	else
		sudo -- "$@"
	fi
}

# require_root fails early, with one message, when privileged steps are needed
# but can't be run.
require_root() {
	if ((EUID != 0)) && ! command -v sudo >/dev/null 2>&1; then
		die "installing pgvector needs root: run as root, or install and configure sudo"
	fi
}

apt_install() {
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends -o DPkg::Lock::Timeout=120 "$@" >&2
}

updated_system_lists=
apt_update_once() {
	[[ -n $updated_system_lists ]] && return 0
	say "refreshing apt package lists"
	as_root apt-get update -q -o DPkg::Lock::Timeout=120 >&2
	updated_system_lists=1
}

# apt_candidate prints the candidate version of a package, or nothing.
apt_candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

# detect_major prints the running server's major version.
detect_major() {
	local num
	if command -v psql >/dev/null 2>&1 &&
		num=$(psql -XAtqc 'SHOW server_version_num' 2>/dev/null) && [[ $num =~ ^[0-9]+$ ]]; then
		echo $((num / 10000))
		return 0
	fi
	local configs=(/usr/lib/postgresql/*/bin/pg_config)
	if ((${#configs[@]} == 1)) && [[ -x ${configs[0]} ]]; then
		basename "$(dirname "$(dirname "${configs[0]}")")"
		return 0
	fi
	die "cannot tell the server's major version: pass it as the first argument (SHOW server_version_num / 10000)"
}

# list_mirrors prints, one per line, the URIs of apt sources that serve suite
# $HOST_SUITE, component main: one-line *.list entries first, then deb822
# *.sources stanzas, in apt's own reading order. Comments, disabled stanzas
# and options in [brackets] are skipped.
list_mirrors() {
	local files=() f
	[[ -f $APT_ETC/sources.list ]] && files+=("$APT_ETC/sources.list")
	for f in "$APT_ETC"/sources.list.d/*.list; do [[ -f $f ]] && files+=("$f"); done
	if ((${#files[@]})); then
		awk -v suite="$HOST_SUITE" '
			{ sub(/#.*/, ""); gsub(/\[[^]]*\]/, "") }
			($1 == "deb" || $1 == "deb-src") && $3 == suite {
				for (i = 4; i <= NF; i++) if ($i == "main") { print $2; break }
			}' "${files[@]}"
	fi
	files=()
	for f in "$APT_ETC"/sources.list.d/*.sources; do [[ -f $f ]] && files+=("$f"); done
	if ((${#files[@]})); then
		awk -v suite="$HOST_SUITE" '
			function has(list, word,   n, a, i) {
				n = split(list, a, /[ \t]+/)
				for (i = 1; i <= n; i++) if (a[i] == word) return 1
				return 0
			}
			function flush(   n, u, i) {
				if ((has(f["types"], "deb") || has(f["types"], "deb-src")) &&
				    has(f["suites"], suite) && has(f["components"], "main") &&
				    tolower(f["enabled"]) != "no") {
					n = split(f["uris"], u, /[ \t]+/)
					for (i = 1; i <= n; i++) if (u[i] != "") print u[i]
				}
				delete f; key = ""
			}
			FNR == 1 && NR > 1 { flush() }
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ { if (key != "") f[key] = f[key] " " $0; next }
			{
				key = tolower(substr($0, 1, index($0, ":") - 1))
				value = substr($0, index($0, ":") + 1)
				gsub(/^[ \t]+|[ \t]+$/, "", value)
				f[key] = value
			}
			END { flush() }' "${files[@]}"
	fi
}

# debian_mirror prints the URI of the Debian archive this host installs
# $HOST_SUITE from. Third-party repositories also call their suite bookworm
# with a main component, so a candidate that apt's own index metadata shows
# to be Origin: Debian is preferred; without downloaded lists the first
# candidate is taken.
debian_mirror() {
	local candidates confirmed uri
	candidates=$(list_mirrors | sed 's:/*$::' | awk '!seen[$0]++')
	[[ -n $candidates ]] || die "no apt source for Debian $HOST_SUITE main in $APT_ETC; cannot tell which mirror to fetch the $SOURCE_SUITE source package from"
	# shellcheck disable=SC2016 # $(REPO_URI) is apt's placeholder, not a shell expansion.
	confirmed=$(apt-get indextargets --format '$(REPO_URI)' "Origin: Debian" "Codename: $HOST_SUITE" 2>/dev/null |
		sed 's:/*$::' | sort -u) || true
	while read -r uri; do
		if grep -qxF -- "$uri" <<<"$confirmed"; then
			echo "$uri"
			return 0
		fi
	done <<<"$candidates"
	head -n1 <<<"$candidates"
}

# install_build_deps installs, with apt, whatever the build lacks.
install_build_deps() {
	local major=$1 pg_config=$2 missing=()
	# Debian ships pgxs.mk with postgresql-client-N; the server headers that
	# an extension compiles against come with postgresql-server-dev-N.
	[[ -f $("$pg_config" --pgxs) && -f $("$pg_config" --includedir-server)/postgres.h ]] ||
		missing+=("postgresql-server-dev-$major")
	command -v gcc >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || missing+=(build-essential)
	command -v dpkg-source >/dev/null 2>&1 || missing+=(dpkg-dev)
	((${#missing[@]})) || return 0
	apt_update_once
	say "installing build dependencies: ${missing[*]}"
	apt_install "${missing[@]}"
}

# build_from_source fetches the $SOURCE_SUITE source package into a temporary
# directory through a private apt configuration, then builds and installs it.
build_from_source() {
	local major=$1 pg_config=$2 mirror work
	install_build_deps "$major" "$pg_config"
	mirror=$(debian_mirror)
	[[ -r $KEYRING ]] || die "$KEYRING is missing: install debian-archive-keyring"

	work=$(mktemp -d "${TMPDIR:-/tmp}/pgvector.XXXXXX")
	# shellcheck disable=SC2064 # expand $work now: it is local.
	trap "rm -rf '$work'" EXIT
	# As root, apt downloads as the unprivileged _apt user: it must be able to
	# reach the private lists and the download directory.
	chmod 755 "$work"
	mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
	if ((EUID == 0)) && id _apt >/dev/null 2>&1; then chown _apt "$work/src"; fi

	# Signature verification stays on: the private source is signed-by the
	# host's Debian archive keyring, never [trusted=yes]. Current bookworm
	# debian-archive-keyring (2023.3+deb12u2) ships the trixie archive and
	# release keys (debian-archive-trixie-*.gpg in /usr/share/keyrings). An
	# older keyring without them still works: trixie's InRelease is also signed
	# with the bookworm automatic signing key, and apt needs one good signature
	# from a trusted key. If none verifies, apt-get update fails and so does
	# this script. apt-get source then checks every file against the SHA256
	# sums of that signed Sources index, so the uploader's own .dsc signature
	# (which would need the debian-keyring package) adds nothing here.
	local trixie_keys=(/usr/share/keyrings/debian-archive-"$SOURCE_SUITE"-*.gpg)
	[[ -e ${trixie_keys[0]} ]] ||
		say "no $SOURCE_SUITE keys in /usr/share/keyrings; relying on the $HOST_SUITE key's signature of $SOURCE_SUITE"
	printf 'deb-src [signed-by=%s] %s %s main\n' "$KEYRING" "$mirror" "$SOURCE_SUITE" >"$work/sources.list"
	local apt_opts=(
		-o "Dir::Etc::SourceList=$work/sources.list"
		-o "Dir::Etc::SourceParts=$work/sources.list.d"
		-o "Dir::State::Lists=$work/lists"
		-o "Dir::Cache=$work/cache"
	)
	say "fetching the Debian $SOURCE_SUITE source index from $mirror"
	apt-get -q "${apt_opts[@]}" update >&2

	local version
	version=$(apt-cache "${apt_opts[@]}" showsrc --only-source pgvector 2>/dev/null |
		awk '$1 == "Version:" { print $2; exit }')
	[[ -n $version ]] || die "Debian $SOURCE_SUITE has no pgvector source package"
	say "building from Debian $SOURCE_SUITE source package $version for PostgreSQL $major"
	(cd "$work/src" && apt-get -q "${apt_opts[@]}" source --only-source "pgvector=$version" >&2)

	local dir
	dir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
	[[ -n $dir ]] || die "apt-get source pgvector left no source tree in $work/src"
	make -C "$dir" PG_CONFIG="$pg_config" >&2
	say "installing into $("$pg_config" --pkglibdir)"
	as_root make -C "$dir" install PG_CONFIG="$pg_config" >&2
}

main() {
	if [[ ${1:-} == --list-mirrors ]]; then
		list_mirrors
		return 0
	fi
	local major=${1:-}
	[[ -n $major ]] || major=$(detect_major)
	[[ $major =~ ^[0-9]+$ ]] || die "major version must be a number like 15, got '$major'"

	local pg_config=/usr/lib/postgresql/$major/bin/pg_config
	[[ -x $pg_config ]] || die "$pg_config not found: is PostgreSQL $major installed from Debian packages on this host?"
	local control
	control="$("$pg_config" --sharedir)/extension/vector.control"

	# One run at a time; a second one waits, then finds the work done.
	[[ -e $LOCK_FILE ]] || : 2>/dev/null >"$LOCK_FILE" || true
	exec 9<"$LOCK_FILE"
	flock 9

	if [[ -f $control ]]; then
		local have
		have=$(control_version "$control")
		if recent "$have"; then
			say "already available for PostgreSQL $major ($have)"
			return 0
		fi
		say "PostgreSQL $major has pgvector $have, older than $MIN_VERSION"
	fi
	require_root

	local package=postgresql-$major-pgvector candidate
	candidate=$(apt_candidate "$package")
	if [[ -z $candidate ]]; then
		apt_update_once
		candidate=$(apt_candidate "$package")
	fi
	if [[ -n $candidate ]] && recent "$candidate"; then
		say "installing $package $candidate with apt"
		apt_install "$package"
	elif [[ -n $candidate ]]; then
		say "apt has $package $candidate, older than $MIN_VERSION; building from source"
		build_from_source "$major" "$pg_config"
	else
		say "apt has no $package; building from source"
		build_from_source "$major" "$pg_config"
	fi

	[[ -f $control ]] || die "installation finished but $control is missing"
	recent "$(control_version "$control")" || die "installed pgvector $(control_version "$control") is older than $MIN_VERSION"
	say "installed for PostgreSQL $major ($(control_version "$control"))"
}

# control_version prints the default_version of a vector.control file.
control_version() {
	awk -F"'" '/^default_version/ { print $2 }' "$1"
}

# recent reports whether a version (0.8.0, or a Debian version such as
# 0.8.0-1 or 1:0.8.0-1.pgdg120+1) is MIN_VERSION or later.
recent() {
	local v=${1#*:}
	v=${v%%-*}
	dpkg --compare-versions "$v" ge "$MIN_VERSION"
}

main "$@"
