package metrics

import (
	_ "embed"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/eval"
	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Service computes metrics from Triage's database.
type Service struct {
	pool   *pgxpool.Pool
	prices map[string]eval.Price
}

// NewService returns a service reading pool. prices, keyed by model name
// (as recorded in model_calls.model), turn tokens into cost in reports; a
// call to a model without a price costs 0 and is counted as unpriced. A nil
// map prices nothing.
func NewService(pool *pgxpool.Pool, prices map[string]eval.Price) *Service {
	return &Service{pool: pool, prices: prices}
}
