package config_test

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/redact"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// env returns a getenv reading from m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefault(t *testing.T) {
	t.Parallel()

	c := config.Default()
	require.Equal(t, postgres.DefaultURL, c.DatabaseURL)
	require.Equal(t, "127.0.0.1:8080", c.Addr)
	require.Equal(t, "local", c.Backend)
	require.Equal(t, "https://api.openai.com/v1", c.OpenAIBaseURL)
	require.Equal(t, "http://127.0.0.1:11434", c.OllamaHost)
	require.Equal(t, 4, c.LLMConcurrency)
	require.Equal(t, time.Minute, c.LLMTimeout)
	require.Equal(t, "classify/v1", c.ClassifyPrompt)
	require.Equal(t, taxonomy.DefaultTopics, c.Topics)
	require.Equal(t, 10, c.WorkerConcurrency)
	require.Equal(t, 6, c.MaxAttempts)
	require.Equal(t, 24*time.Hour, c.DuplicateWindow)
	require.Equal(t, "info", c.LogLevel)
	require.Equal(t, "text", c.LogFormat)
	require.Empty(t, c.OpenAIAPIKey)
	require.NoError(t, c.Validate(config.Need{Server: true, Backend: true}), "the defaults must be valid")
}

func TestLoad(t *testing.T) {
	t.Parallel()

	t.Run("nothing set", func(t *testing.T) {
		t.Parallel()
		c, err := config.Load(env(nil))
		require.NoError(t, err)
		require.Equal(t, config.Default(), c)
	})
	t.Run("empty values keep the defaults", func(t *testing.T) {
		t.Parallel()
		c, err := config.Load(env(map[string]string{"TRIAGE_ADDR": "", "TRIAGE_LLM_CONCURRENCY": "", "TRIAGE_TOPICS": ""}))
		require.NoError(t, err)
		require.Equal(t, config.Default(), c)
	})

	tests := []struct {
		env   string
		value string
		got   func(c config.Config) any
		want  any
	}{
		{"DATABASE_URL", "postgres://triage@db:5432/triage", func(c config.Config) any { return c.DatabaseURL }, "postgres://triage@db:5432/triage"},
		{"TRIAGE_ADDR", ":9090", func(c config.Config) any { return c.Addr }, ":9090"},
		{"TRIAGE_BACKEND", "ollama", func(c config.Config) any { return c.Backend }, "ollama"},
		{"OPENAI_BASE_URL", "http://vllm:8000/v1", func(c config.Config) any { return c.OpenAIBaseURL }, "http://vllm:8000/v1"},
		{"OPENAI_API_KEY", "sk-test", func(c config.Config) any { return c.OpenAIAPIKey }, "sk-test"},
		{"OPENAI_MODEL", "gpt-4o-mini", func(c config.Config) any { return c.OpenAIModel }, "gpt-4o-mini"},
		{"OLLAMA_HOST", "http://gpu:11434", func(c config.Config) any { return c.OllamaHost }, "http://gpu:11434"},
		{"OLLAMA_MODEL", "llama3.1:8b", func(c config.Config) any { return c.OllamaModel }, "llama3.1:8b"},
		{"TRIAGE_LLM_CONCURRENCY", "16", func(c config.Config) any { return c.LLMConcurrency }, 16},
		{"TRIAGE_LLM_TIMEOUT", "90s", func(c config.Config) any { return c.LLMTimeout }, 90 * time.Second},
		{"TRIAGE_REDACT_PII", "email, Card", func(c config.Config) any { return c.RedactPII }, redact.Email | redact.Card},
		{"TRIAGE_PROMPT_CLASSIFY", "classify/v2", func(c config.Config) any { return c.ClassifyPrompt }, "classify/v2"},
		{"TRIAGE_TOPICS", " sync, billing ,,pricing ", func(c config.Config) any { return c.Topics }, []string{"sync", "billing", "pricing"}},
		{"TRIAGE_WORKER_CONCURRENCY", "32", func(c config.Config) any { return c.WorkerConcurrency }, 32},
		{"TRIAGE_MAX_ATTEMPTS", "3", func(c config.Config) any { return c.MaxAttempts }, 3},
		{"TRIAGE_DUPLICATE_WINDOW", "2h30m", func(c config.Config) any { return c.DuplicateWindow }, 150 * time.Minute},
		{"TRIAGE_LOG_LEVEL", "debug", func(c config.Config) any { return c.LogLevel }, "debug"},
		{"TRIAGE_LOG_FORMAT", "json", func(c config.Config) any { return c.LogFormat }, "json"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			c, err := config.Load(env(map[string]string{tt.env: tt.value}))
			require.NoError(t, err)
			require.Equal(t, tt.want, tt.got(c))
		})
	}
	t.Run("every variable at once", func(t *testing.T) {
		t.Parallel()
		m := map[string]string{}
		for _, tt := range tests {
			m[tt.env] = tt.value
		}
		c, err := config.Load(env(m))
		require.NoError(t, err)
		for _, tt := range tests {
			require.Equal(t, tt.want, tt.got(c), tt.env)
		}
	})
	t.Run("does not change the default topics", func(t *testing.T) {
		t.Parallel()
		_, err := config.Load(env(map[string]string{"TRIAGE_TOPICS": "sync"}))
		require.NoError(t, err)
		require.Contains(t, taxonomy.DefaultTopics, "billing")
		require.Equal(t, taxonomy.DefaultTopics, config.Default().Topics)
	})
}

func TestLoadUnparsable(t *testing.T) {
	t.Parallel()

	tests := []struct {
		env, value string
	}{
		{"TRIAGE_LLM_CONCURRENCY", "four"},
		{"TRIAGE_LLM_CONCURRENCY", "4.5"},
		{"TRIAGE_WORKER_CONCURRENCY", "10 "},
		{"TRIAGE_MAX_ATTEMPTS", "0x"},
		{"TRIAGE_LLM_TIMEOUT", "60"},
		{"TRIAGE_LLM_TIMEOUT", "a minute"},
		{"TRIAGE_DUPLICATE_WINDOW", "1d"},
		{"TRIAGE_REDACT_PII", "email,ssn"},
	}
	for _, tt := range tests {
		t.Run(tt.env+"="+tt.value, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(env(map[string]string{tt.env: tt.value}))
			require.Error(t, err)
			requireOneLine(t, err, tt.env)
			require.Contains(t, err.Error(), tt.value)
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		stderr *bytes.Buffer
	}
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return &testBundle{stderr: &bytes.Buffer{}}
	}

	t.Run("flags override the environment", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		getenv := env(map[string]string{
			"TRIAGE_ADDR":            "127.0.0.1:9000",
			"TRIAGE_LLM_CONCURRENCY": "2",
			"TRIAGE_LOG_LEVEL":       "warn",
			"TRIAGE_TOPICS":          "sync",
		})
		args := []string{"-addr", "0.0.0.0:8081", "-llm-concurrency=12", "--topics", "billing,pricing", "-duplicate-window", "1h"}
		c, err := config.Parse("api", args, getenv, b.stderr, config.Need{Server: true})
		require.NoError(t, err)
		require.Equal(t, "0.0.0.0:8081", c.Addr)
		require.Equal(t, 12, c.LLMConcurrency)
		require.Equal(t, []string{"billing", "pricing"}, c.Topics)
		require.Equal(t, time.Hour, c.DuplicateWindow)
		require.Equal(t, "warn", c.LogLevel, "a setting without a flag keeps its environment value")
		require.Empty(t, b.stderr.String())
	})
	t.Run("no flags", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c, err := config.Parse("worker", nil, env(nil), b.stderr, config.Need{Backend: true})
		require.NoError(t, err)
		require.Equal(t, config.Default(), c)
	})
	t.Run("help", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := config.Parse("api", []string{"-h"}, env(nil), b.stderr, config.Need{})
		require.ErrorIs(t, err, flag.ErrHelp)
		help := b.stderr.String()
		for _, s := range []string{"Usage of api", "-database-url", "DATABASE_URL", "-llm-timeout", "TRIAGE_LLM_TIMEOUT", "-topics", "TRIAGE_TOPICS"} {
			require.Contains(t, help, s)
		}
	})
	t.Run("stray argument", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := config.Parse("api", []string{"-addr", ":8081", "serve"}, env(nil), b.stderr, config.Need{})
		require.Error(t, err)
		requireOneLine(t, err, `"serve"`)
	})
	t.Run("unknown flag", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := config.Parse("api", []string{"-port", "8081"}, env(nil), b.stderr, config.Need{})
		require.Error(t, err)
		require.Contains(t, err.Error(), "port")
		require.Contains(t, b.stderr.String(), "Usage of api")
	})
	t.Run("unparsable flag", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := config.Parse("api", []string{"-max-attempts", "many"}, env(nil), b.stderr, config.Need{})
		require.Error(t, err)
		require.Contains(t, err.Error(), "max-attempts")
	})
	t.Run("unparsable environment", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := config.Parse("api", nil, env(map[string]string{"TRIAGE_LLM_TIMEOUT": "soon"}), b.stderr, config.Need{})
		require.Error(t, err)
		requireOneLine(t, err, "TRIAGE_LLM_TIMEOUT")
	})
	t.Run("validates what is needed", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		getenv := env(map[string]string{"TRIAGE_BACKEND": "openai"})
		_, err := config.Parse("worker", nil, getenv, b.stderr, config.Need{Backend: true})
		requireOneLine(t, err, "OPENAI_MODEL")
		_, err = config.Parse("migrate", nil, getenv, b.stderr, config.Need{})
		require.NoError(t, err, "a process without a backend does not check it")
	})
	t.Run("a flag fixes an invalid environment value", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		getenv := env(map[string]string{"TRIAGE_LOG_LEVEL": "verbose"})
		_, err := config.Parse("api", nil, getenv, b.stderr, config.Need{})
		requireOneLine(t, err, "TRIAGE_LOG_LEVEL")
		c, err := config.Parse("api", []string{"-log-level", "debug"}, getenv, b.stderr, config.Need{})
		require.NoError(t, err)
		require.Equal(t, "debug", c.LogLevel)
	})
}

func TestValidate(t *testing.T) {
	t.Parallel()

	all := config.Need{Server: true, Backend: true}
	tests := []struct {
		name   string
		change func(c *config.Config)
		need   config.Need
		errVar string // the variable the error must name; "" when valid
	}{
		{name: "defaults", change: func(*config.Config) {}, need: all},
		{name: "postgresql scheme", change: func(c *config.Config) { c.DatabaseURL = "postgresql://u@h/db" }, need: all},
		{name: "listen on every interface", change: func(c *config.Config) { c.Addr = ":8080" }, need: all},
		{name: "bad address without server", change: func(c *config.Config) { c.Addr = "nowhere" }, need: config.Need{Backend: true}},
		{name: "unknown backend not needed", change: func(c *config.Config) { c.Backend = "magic" }, need: config.Need{Server: true}},
		{name: "zero duplicate window", change: func(c *config.Config) { c.DuplicateWindow = 0 }, need: all},
		{name: "custom topics", change: func(c *config.Config) { c.Topics = []string{"sync", "billing"} }, need: all},
		{name: "concurrency at the maximum", change: func(c *config.Config) { c.LLMConcurrency = 10000 }, need: all},
		{
			name: "openai",
			change: func(c *config.Config) {
				c.Backend, c.OpenAIModel, c.OpenAIAPIKey = "openai", "gpt-4o-mini", "sk-test"
			},
			need: all,
		},
		{
			name: "openai-compatible server without key",
			change: func(c *config.Config) {
				c.Backend, c.OpenAIModel, c.OpenAIBaseURL = "openai", "qwen2.5", "http://vllm:8000/v1"
			},
			need: all,
		},
		{
			name:   "ollama",
			change: func(c *config.Config) { c.Backend, c.OllamaModel = "ollama", "llama3.1:8b" },
			need:   all,
		},

		{name: "empty DATABASE_URL", change: func(c *config.Config) { c.DatabaseURL = "" }, errVar: "DATABASE_URL"},
		{name: "DATABASE_URL without scheme", change: func(c *config.Config) { c.DatabaseURL = "db:5432/triage" }, errVar: "DATABASE_URL"},
		{name: "DATABASE_URL of another database", change: func(c *config.Config) { c.DatabaseURL = "mysql://u@h/db" }, errVar: "DATABASE_URL"},
		{name: "DATABASE_URL unparsable", change: func(c *config.Config) { c.DatabaseURL = "postgres://u@h:port/db" }, errVar: "DATABASE_URL"},
		{name: "TRIAGE_ADDR without port", change: func(c *config.Config) { c.Addr = "127.0.0.1" }, need: config.Need{Server: true}, errVar: "TRIAGE_ADDR"},
		{name: "TRIAGE_ADDR with empty port", change: func(c *config.Config) { c.Addr = "127.0.0.1:" }, need: config.Need{Server: true}, errVar: "TRIAGE_ADDR"},
		{name: "TRIAGE_ADDR empty", change: func(c *config.Config) { c.Addr = "" }, need: config.Need{Server: true}, errVar: "TRIAGE_ADDR"},
		{name: "bad log level", change: func(c *config.Config) { c.LogLevel = "verbose" }, errVar: "TRIAGE_LOG_LEVEL"},
		{name: "upper-case log level", change: func(c *config.Config) { c.LogLevel = "INFO" }, errVar: "TRIAGE_LOG_LEVEL"},
		{name: "bad log format", change: func(c *config.Config) { c.LogFormat = "logfmt" }, errVar: "TRIAGE_LOG_FORMAT"},
		{name: "malformed topic", change: func(c *config.Config) { c.Topics = []string{"Feature Request"} }, errVar: "TRIAGE_TOPICS"},
		{name: "repeated topic", change: func(c *config.Config) { c.Topics = []string{"sync", "sync"} }, errVar: "TRIAGE_TOPICS"},
		{name: "LLM concurrency 0", change: func(c *config.Config) { c.LLMConcurrency = 0 }, errVar: "TRIAGE_LLM_CONCURRENCY"},
		{name: "worker concurrency 0", change: func(c *config.Config) { c.WorkerConcurrency = 0 }, errVar: "TRIAGE_WORKER_CONCURRENCY"},
		{name: "negative max attempts", change: func(c *config.Config) { c.MaxAttempts = -1 }, errVar: "TRIAGE_MAX_ATTEMPTS"},
		{name: "concurrency above the maximum", change: func(c *config.Config) { c.WorkerConcurrency = 10001 }, errVar: "TRIAGE_WORKER_CONCURRENCY"},
		{name: "zero LLM timeout", change: func(c *config.Config) { c.LLMTimeout = 0 }, errVar: "TRIAGE_LLM_TIMEOUT"},
		{name: "negative duplicate window", change: func(c *config.Config) { c.DuplicateWindow = -time.Hour }, errVar: "TRIAGE_DUPLICATE_WINDOW"},
		{
			name:   "openai without model",
			change: func(c *config.Config) { c.Backend, c.OpenAIAPIKey = "openai", "sk-test" },
			need:   config.Need{Backend: true},
			errVar: "OPENAI_MODEL",
		},
		{
			name:   "openai with the default base URL and no key",
			change: func(c *config.Config) { c.Backend, c.OpenAIModel = "openai", "gpt-4o-mini" },
			need:   config.Need{Backend: true},
			errVar: "OPENAI_API_KEY",
		},
		{
			name:   "openai with a bad base URL",
			change: func(c *config.Config) { c.Backend, c.OpenAIModel, c.OpenAIBaseURL = "openai", "m", "vllm:8000" },
			need:   config.Need{Backend: true},
			errVar: "OPENAI_BASE_URL",
		},
		{
			name:   "ollama without model",
			change: func(c *config.Config) { c.Backend = "ollama" },
			need:   config.Need{Backend: true},
			errVar: "OLLAMA_MODEL",
		},
		{
			name:   "ollama with a bad host",
			change: func(c *config.Config) { c.Backend, c.OllamaModel, c.OllamaHost = "ollama", "m", "127.0.0.1:11434" },
			need:   config.Need{Backend: true},
			errVar: "OLLAMA_HOST",
		},
		{name: "unknown backend", change: func(c *config.Config) { c.Backend = "anthropic" }, need: config.Need{Backend: true}, errVar: "TRIAGE_BACKEND"},
		{name: "empty backend", change: func(c *config.Config) { c.Backend = "" }, need: config.Need{Backend: true}, errVar: "TRIAGE_BACKEND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := config.Default()
			tt.change(&c)
			err := c.Validate(tt.need)
			if tt.errVar == "" {
				require.NoError(t, err)
				return
			}
			requireOneLine(t, err, tt.errVar)
		})
	}
}

func TestRegisterFlags(t *testing.T) {
	t.Parallel()

	c := config.Default()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.RegisterFlags(fs)
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		names = append(names, f.Name)
		require.Contains(t, f.Usage, "(env ", "flag -%s must name its variable", f.Name)
	})
	require.Len(t, names, 51, "one flag per setting")

	tests := []struct {
		flag string
		want string // the flag's default as shown by -h
	}{
		{"addr", "127.0.0.1:8080"},
		{"llm-concurrency", "4"},
		{"llm-timeout", "1m0s"},
		{"topics", strings.Join(taxonomy.DefaultTopics, ",")},
		{"duplicate-window", "24h0m0s"},
		{"redact-pii", ""},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			t.Parallel()
			f := fs.Lookup(tt.flag)
			require.NotNil(t, f)
			require.Equal(t, tt.want, f.DefValue)
		})
	}
}

// requireOneLine checks that err is one line naming name.
func requireOneLine(t *testing.T, err error, name string) {
	t.Helper()
	require.Error(t, err)
	require.Contains(t, err.Error(), name)
	require.NotContains(t, err.Error(), "\n")
}

func TestHelpHidesSecrets(t *testing.T) {
	t.Parallel()
	env := map[string]string{"OPENAI_API_KEY": "sk-very-secret", "DATABASE_URL": "postgres://triage:hunter2@db:5432/triage"}
	var help strings.Builder
	_, err := config.Parse("triage-api", []string{"-h"}, func(k string) string { return env[k] }, &help, config.Need{})
	require.ErrorIs(t, err, flag.ErrHelp)
	require.NotContains(t, help.String(), "sk-very-secret")
	require.NotContains(t, help.String(), "hunter2")
	require.Contains(t, help.String(), "postgres://triage:xxxxx@db:5432/triage")
}
