DROP TABLE eval_outcomes;
DROP TABLE eval_runs;
