// Package httpapi is Triage's HTTP interface: ingestion (POST /v1/items),
// item lookup with classification and history (GET /v1/items/{id}), and the
// health endpoints (/healthz for the process, /readyz for the database and
// its migrations).
//
// Errors are RFC 9457 problem documents (application/problem+json) with a
// machine code and, for invalid input, the fields at fault; internal errors
// are logged in full and shown only as "internal error". The mapping from
// application error codes to HTTP statuses lives in one table, problem.go.
package httpapi
