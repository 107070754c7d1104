// Package app assembles Triage's processes from configuration: the API
// server (cmd/api), the worker (cmd/worker), and both at once for
// `triage demo`. Each is a value with Run(ctx) that returns when ctx is
// cancelled and the process has shut down cleanly; the cmd packages only
// parse flags, build one, and run it.
package app
