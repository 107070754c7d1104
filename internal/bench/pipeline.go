package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/triage-oss/triage/internal/config"
)

// pipelineConcurrency is the worker's TRIAGE_WORKER_CONCURRENCY in the
// pipeline part: with a model that answers at once, a job's time is its
// database round trips, and the default 10 jobs leave the CPUs idle.
const pipelineConcurrency = 32

// PipelineResult is what the pipeline part measured.
type PipelineResult struct {
	// Items were posted to a running worker whose model answers at once;
	// ItemsPerS counts from the first post until none waits for triage.
	Items     int     `json:"e2e_items"`
	ItemsPerS float64 `json:"e2e_items_per_s"`
	// CPUMsPerItem is the process's CPU time (API, worker, fake model and
	// the posting clients; not PostgreSQL's) over the same span, per item;
	// MachineCPUMsPerItem is every CPU's busy time (PostgreSQL's included),
	// when the system tells (Linux).
	CPUMsPerItem        float64 `json:"e2e_cpu_ms_per_item"`
	MachineCPUMsPerItem float64 `json:"e2e_machine_cpu_ms_per_item,omitempty"`
	// ModelCalls counts the classification requests the model answered;
	// NeedsHuman the items handed to a person (none expected).
	ModelCalls int `json:"e2e_model_calls"`
	NeedsHuman int `json:"e2e_needs_human"`
	// WithoutNearDupsPerS is ItemsPerS with the near-duplicate search
	// turned off (TRIAGE_NEAR_DUPLICATE_THRESHOLD above 1), measured in the
	// full run only: what that search costs.
	WithoutNearDupsPerS float64 `json:"e2e_items_per_s_without_near_dups,omitempty"`
}

func (r *runner) pipeline(ctx context.Context) (*PipelineResult, error) {
	n := r.sizes.pipelineItems
	r.progress("pipeline: %d items through the API and a worker (TRIAGE_WORKER_CONCURRENCY=%d), model answering at once", n, pipelineConcurrency)
	res, err := r.pipelineRun(ctx, n, nil)
	if err != nil || r.config.Quick {
		return res, err
	}
	r.progress("pipeline: the same without the near-duplicate search")
	without, err := r.pipelineRun(ctx, n, func(c *config.Config) { c.NearDupThreshold = 2 })
	if err != nil {
		return nil, err
	}
	res.WithoutNearDupsPerS = without.ItemsPerS
	return res, nil
}

// pipelineRun posts n items to a fresh stack and measures their triage.
func (r *runner) pipelineRun(ctx context.Context, n int, configure func(*config.Config)) (*PipelineResult, error) {
	all, err := r.newItems("e2e", n)
	if err != nil {
		return nil, err
	}
	bodies, err := batches(all, ingestBatch)
	if err != nil {
		return nil, err
	}
	s, err := r.startStack(ctx, stackOptions{part: PartPipeline, worker: true, configure: func(c *config.Config) {
		c.WorkerConcurrency = pipelineConcurrency
		if configure != nil {
			configure(c)
		}
	}})
	if err != nil {
		return nil, err
	}
	res, err := measurePipeline(ctx, s, n, bodies)
	return res, joinClose(err, s)
}

func measurePipeline(ctx context.Context, s *stack, n int, bodies []batch) (*PipelineResult, error) {
	cpu0, err := cpuTime()
	if err != nil {
		return nil, err
	}
	busy0, machine := machineBusy()
	start := time.Now()
	if err := s.postAll(ctx, bodies, ingestClients); err != nil {
		return nil, err
	}
	if err := s.waitTriaged(ctx, n, 10*time.Minute); err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	cpu1, err := cpuTime()
	if err != nil {
		return nil, err
	}
	busy1, _ := machineBusy()
	_, _, needsHuman, err := s.triageCounts(ctx)
	if err != nil {
		return nil, err
	}
	res := &PipelineResult{Items: n, ItemsPerS: perSecond(n, elapsed), CPUMsPerItem: perItemMs(cpu1-cpu0, n),
		ModelCalls: int(s.model.classify.Load()), NeedsHuman: needsHuman}
	if machine {
		res.MachineCPUMsPerItem = perItemMs(busy1-busy0, n)
	}
	return res, nil
}

func perItemMs(d time.Duration, n int) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }

// cpuTime returns the CPU time the process has used, user and system.
func cpuTime() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// machineBusy returns the busy time of every CPU since boot from
// /proc/stat (Linux), and whether it could read it.
func machineBusy() (time.Duration, bool) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, false
	}
	// cpu user nice system idle iowait irq softirq steal ...: USER_HZ ticks.
	fields := strings.Fields(sc.Text())
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, false
	}
	var ticks int64
	for i, f := range fields[1:9] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, false
		}
		ticks += v
	}
	const userHZ = 100 // sysconf(_SC_CLK_TCK) on every Linux port Go supports
	return time.Duration(ticks) * time.Second / userHZ, true
}

func (x *PipelineResult) describe() string {
	if x == nil {
		return ""
	}
	s := fmt.Sprintf("pipeline: %s items, TRIAGE_WORKER_CONCURRENCY=%d, prefilter and near-duplicates at their defaults: %s classification calls, %d items handed to a human",
		number(float64(x.Items)), pipelineConcurrency, number(float64(x.ModelCalls)), x.NeedsHuman)
	if x.MachineCPUMsPerItem > 0 {
		s += fmt.Sprintf("; %.1f ms of CPU per item on the whole machine (PostgreSQL included)", x.MachineCPUMsPerItem)
	}
	if x.WithoutNearDupsPerS > 0 {
		s += fmt.Sprintf("; without the near-duplicate search, %s items/s", number(x.WithoutNearDupsPerS))
	}
	return s
}
