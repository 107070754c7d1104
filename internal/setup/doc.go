// Package setup prepares the host Triage runs on. Today it owns one thing:
// making the pgvector extension available to the PostgreSQL server, with
// [EnsurePgvector].
//
// EnsurePgvector asks the server first (pg_available_extensions) and does
// nothing more when vector is listed, so calling it on every start costs one
// query. Otherwise it runs the embedded pgvector.sh for the server's major
// version N (SHOW server_version_num / 10000), which follows the project's
// recipe for Debian hosts:
//
//  1. pg_config is /usr/lib/postgresql/N/bin/pg_config; if vector.control is
//     already in its extension directory, stop.
//  2. If apt has a candidate for postgresql-N-pgvector (after apt-get update
//     if needed), apt-get install it.
//  3. Otherwise apt-get install what the build lacks
//     (postgresql-server-dev-N, build-essential, dpkg-dev), fetch the pgvector
//     source package of Debian trixie with apt-get source, and build and
//     install it with make PG_CONFIG=... and make install PG_CONFIG=....
//     The source is fetched through a private apt configuration in a
//     temporary directory: its own sources list, with one deb-src line for
//     trixie main whose URI is the Debian mirror the host already uses for
//     bookworm (read from /etc/apt/sources.list, sources.list.d/*.list and
//     *.sources), and its own lists and cache directories. The system's apt
//     configuration is never modified, and signatures are verified with the
//     host's debian-archive-keyring.
//
// Privileged steps (apt-get install, make install) run directly as root or
// through sudo; without either the script fails with one message. Runs are
// serialized with a lock file, so concurrent callers wait and then find the
// work done.
//
// The installer works on the host it runs on: a server on another host must
// get pgvector there, and EnsurePgvector then reports ErrPgvectorUnavailable.
// DEVELOPERS.md at the repository root describes the same recipe for developers.
package setup
