// Package bench measures Triage's throughput, overheads and search speed
// in one run, as `triage bench` reports them. Each part runs the real code
// (the HTTP API from app.NewAPI served over loopback, the River worker from
// app.NewWorker) on a database of its own, created for the part and
// dropped after it, with in-process fakes of the model APIs:
//
//   - ingest: items per second through POST /v1/items in batches of 1,000
//     from several clients, triage jobs included, against pgx.CopyFrom of
//     the same rows into the same table;
//   - pipeline: items per second from ingestion to triaged with a model
//     that answers at once, and the process's CPU time per item;
//   - rate limit: the share of a provider's requests-per-minute limit the
//     worker uses, and the share of its requests answered 429, with a model
//     that takes 300 ms and allows 600 requests a minute;
//   - retrieval: hybrid top-5 search latency over 100,000 passages (the
//     triage_bench database the knowledge-base benchmark builds and keeps)
//     and the recall@10 of the HNSW index against exact search;
//   - surge: classification calls per item on a stream where 30% of the
//     items are near-duplicate reports of an ongoing incident.
//
// Config.Quick runs a small version of every part, in under a minute.
// Nothing touches the configured database: the parts' databases are named
// triage_bench_<part> (Config.Databases) on the same server.
//
//	rep, err := bench.Run(ctx, bench.Config{DatabaseURL: os.Getenv("DATABASE_URL"), DataDir: "../shared/data", Quick: true})
//	if err != nil {
//		return err
//	}
//	return rep.Write(os.Stdout) // a table: each figure, its target, pass or FAIL
package bench
