// Package postgres holds what every PostgreSQL-backed part of Triage shares:
// opening a pool, creating the database, applying migrations (Triage's own
// from the migrations directory and River's through rivermigrate), telling
// whether a database is current, and loading named SQL queries from the
// .sql files each store embeds.
//
// Stores live with their concept (items.Store, calllog.Store...); this
// package holds no domain logic.
package postgres
