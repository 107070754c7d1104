package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/audit"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/users"
)

func init() {
	register("users add", "add a web UI account; this is how the first admin is created (--role admin NAME)", runUsersAdd)
	register("users list", "list web UI accounts", runUsersList)
}

// passwordEnv names the variable `triage users add` reads the password
// from; without it, the password is the first line of stdin. It is never a
// flag, which would leave it in the shell history and the process list.
const passwordEnv = "TRIAGE_USER_PASSWORD"

func runUsersAdd(ctx context.Context, e *env, args []string) error {
	return usersAdd(ctx, e, os.Stdin, args)
}

// usersAdd is `triage users add` reading the password, if it must, from in.
func usersAdd(ctx context.Context, e *env, in io.Reader, args []string) error {
	fs := flag.NewFlagSet("triage users add [--role ROLE] NAME", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	roleName := fs.String("role", string(users.RoleReviewer), "the user's role: reviewer, ops, manager or admin")
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	cfg.RegisterFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: triage users add [--role ROLE] NAME (password from " + passwordEnv + " or the first line of stdin)")
	}
	role, err := users.ParseRole(*roleName)
	if err != nil {
		return err
	}
	if err := cfg.Validate(config.Need{}); err != nil {
		return err
	}
	password, err := readPassword(e, in)
	if err != nil {
		return err
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	u, err := users.NewStore(pool).Create(ctx, pos[0], password, role)
	if err != nil {
		return err
	}
	if err := audit.New(pool).Record(ctx, audit.Entry{Actor: cliActor(), Action: "users add", Target: u.Name,
		Detail: map[string]any{"role": u.Role}}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s added (role %s)\n", u.Name, u.Role)
	return nil
}

// readPassword returns $TRIAGE_USER_PASSWORD, or else the first line of in.
func readPassword(e *env, in io.Reader) (string, error) {
	if p := e.getenv(passwordEnv); p != "" {
		return p, nil
	}
	if f, ok := in.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(e.stderr, "password (it shows as you type; set "+passwordEnv+" or pipe it to avoid that): ")
	}
	// One byte more than allowed, and its line end, is enough to refuse a
	// password that is too long.
	line, err := bufio.NewReader(io.LimitReader(in, users.MaxPasswordLen+3)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("no password: set " + passwordEnv + " or give it on the first line of stdin")
	}
	return line, nil
}

func runUsersList(ctx context.Context, e *env, args []string) error {
	cfg, err := config.Parse("triage users list", args, e.getenv, e.stderr, config.Need{})
	if err != nil {
		return err
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	us, err := users.NewStore(pool).List(ctx)
	if err != nil {
		return err
	}
	if len(us) == 0 {
		fmt.Fprintln(e.stdout, "no users yet: add the first admin with `triage users add --role admin NAME`")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tSTATUS")
	for _, u := range us {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.CreatedAt.UTC().Format(time.DateTime), status)
	}
	return tw.Flush()
}
