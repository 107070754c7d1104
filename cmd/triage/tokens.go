package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/audit"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/tokens"
)

func init() {
	register("tokens add", "issue an API token (--scopes ingest,reviewer,ops,manager,admin --rate N) NAME; it is shown once", runTokensAdd)
	register("tokens list", "list API tokens (never their secrets)", runTokensList)
	register("tokens revoke", "revoke the API token NAME at once", runTokensRevoke)
	register("audit", "show the audit log of privileged actions (--actor, --limit)", runAudit)
}

// cliActor names the operator in the audit log.
func cliActor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

// withDB parses the settings and opens the database for an admin command.
func withDB(ctx context.Context, e *env, fs *flag.FlagSet, args []string, fn func(pool *pgxpool.Pool, pos []string) error) error {
	fs.SetOutput(e.stderr)
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	cfg.RegisterFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if err := cfg.Validate(config.Need{}); err != nil {
		return err
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	return fn(pool, pos)
}

func runTokensAdd(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage tokens add [--scopes S] [--rate N] NAME", flag.ContinueOnError)
	scopes := fs.String("scopes", "ingest", "comma-separated: ingest, reviewer, ops, manager, admin")
	rate := fs.Int("rate", tokens.DefaultRatePerMin, "requests a minute the token may make")
	return withDB(ctx, e, fs, args, func(pool *pgxpool.Pool, pos []string) error {
		if len(pos) != 1 {
			return errors.New("usage: triage tokens add [--scopes ingest,...] [--rate N] NAME")
		}
		ss, err := tokens.ParseScopes(*scopes)
		if err != nil {
			return err
		}
		actor := cliActor()
		secret, t, err := tokens.NewStore(pool).Create(ctx, pos[0], ss, *rate, actor)
		if err != nil {
			return err
		}
		if err := audit.New(pool).Record(ctx, audit.Entry{Actor: actor, Action: "tokens add", Target: t.Name,
			Detail: map[string]any{"scopes": t.Scopes, "rate_per_minute": t.RatePerMin}}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "token %s (scopes %s, %d requests/min) — store it now, it is not shown again:\n%s\n",
			t.Name, *scopes, t.RatePerMin, secret)
		return nil
	})
}

func runTokensList(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage tokens list", flag.ContinueOnError)
	return withDB(ctx, e, fs, args, func(pool *pgxpool.Pool, _ []string) error {
		ts, err := tokens.NewStore(pool).List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tSCOPES\tRATE/MIN\tCREATED BY\tCREATED\tLAST USED\tSTATUS")
		for _, t := range ts {
			status, used := "live", "never"
			if t.RevokedAt != nil {
				status = "revoked " + t.RevokedAt.UTC().Format(time.DateTime)
			}
			if t.LastUsedAt != nil {
				used = t.LastUsedAt.UTC().Format(time.DateTime)
			}
			scopes := make([]string, len(t.Scopes))
			for i, s := range t.Scopes {
				scopes[i] = string(s)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", t.Name, strings.Join(scopes, ","), t.RatePerMin, t.CreatedBy,
				t.CreatedAt.UTC().Format(time.DateTime), used, status)
		}
		return tw.Flush()
	})
}

func runTokensRevoke(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage tokens revoke NAME", flag.ContinueOnError)
	return withDB(ctx, e, fs, args, func(pool *pgxpool.Pool, pos []string) error {
		if len(pos) != 1 {
			return errors.New("usage: triage tokens revoke NAME")
		}
		if err := tokens.NewStore(pool).Revoke(ctx, pos[0]); err != nil {
			return err
		}
		if err := audit.New(pool).Record(ctx, audit.Entry{Actor: cliActor(), Action: "tokens revoke", Target: pos[0]}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "token %s revoked\n", pos[0])
		return nil
	})
}

func runAudit(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage audit", flag.ContinueOnError)
	actor := fs.String("actor", "", "only this actor (token:NAME, user:NAME, cli:USER)")
	limit := fs.Int("limit", 50, "entries to show, newest first")
	return withDB(ctx, e, fs, args, func(pool *pgxpool.Pool, _ []string) error {
		entries, err := audit.New(pool).List(ctx, *actor, *limit)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "AT\tACTOR\tACTION\tTARGET\tSTATUS\tFROM")
		for _, a := range entries {
			status := ""
			if a.Status != 0 {
				status = fmt.Sprint(a.Status)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.At.UTC().Format(time.DateTime), a.Actor, a.Action, a.Target, status, a.Remote)
		}
		return tw.Flush()
	})
}
