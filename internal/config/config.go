// Package config reads Triage's settings from the environment, lets command
// line flags override them, and validates them all at start, so that a
// missing or wrong setting stops a process with one clear line naming it.
// Every setting is listed in the README.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/llm"
	"github.com/triage-oss/triage/internal/postgres"
	"github.com/triage-oss/triage/internal/redact"
	"github.com/triage-oss/triage/internal/taxonomy"
)

// Config holds every setting of the Triage processes.
type Config struct {
	// Storage and serving.
	DatabaseURL string // DATABASE_URL
	Addr        string // TRIAGE_ADDR: where cmd/api listens

	// The model backend and its settings.
	Backend        string        // TRIAGE_BACKEND: openai | ollama | local
	OpenAIBaseURL  string        // OPENAI_BASE_URL
	OpenAIAPIKey   string        // OPENAI_API_KEY
	OpenAIModel    string        // OPENAI_MODEL
	OllamaHost     string        // OLLAMA_HOST
	OllamaModel    string        // OLLAMA_MODEL
	LLMConcurrency int           // TRIAGE_LLM_CONCURRENCY: model calls in flight per process
	LLMTimeout     time.Duration // TRIAGE_LLM_TIMEOUT: per model request
	RedactPII      redact.Kind   // TRIAGE_REDACT_PII: personal data replaced by placeholders in text sent to the model; 0 = off

	// The local model and the prefilter in front of any backend.
	LocalModel         string  // TRIAGE_LOCAL_MODEL: model file; empty = the one built into the binary
	PrefilterThreshold float64 // TRIAGE_PREFILTER_THRESHOLD: close confident noise/spam without a model call; >1 disables

	// Knowledge base and drafts.
	Embedder          string // TRIAGE_EMBEDDER: local | openai | ollama
	OpenAIEmbedModel  string // OPENAI_EMBED_MODEL
	OllamaEmbedModel  string // OLLAMA_EMBED_MODEL
	WordVectors       string // TRIAGE_WORD_VECTORS: word-vector file for the local embedder
	DraftPrompt       string // TRIAGE_PROMPT_DRAFT
	BrandVoice        string // TRIAGE_BRAND_VOICE
	DraftRules        string // TRIAGE_DRAFT_RULES: file of forbidden-promise rules
	SendWebhookURL    string // TRIAGE_SEND_WEBHOOK_URL: where approved replies are posted
	SendWebhookSecret string // TRIAGE_SEND_WEBHOOK_SECRET: HMAC-SHA256 signing key

	// Routing, near-duplicates and incidents.
	RoutingRules     string        // TRIAGE_ROUTING_RULES: rules file; empty = the built-in defaults
	PricesFile       string        // TRIAGE_PRICES: JSON model prices for cost metrics; empty = built-in list prices
	NearDupThreshold float64       // TRIAGE_NEAR_DUPLICATE_THRESHOLD: cosine similarity to inherit a classification; >1 disables
	NearDupWindow    time.Duration // TRIAGE_NEAR_DUPLICATE_WINDOW
	IncidentSize     int           // TRIAGE_INCIDENT_SIZE: members within TRIAGE_INCIDENT_WINDOW that open an incident
	IncidentWindow   time.Duration // TRIAGE_INCIDENT_WINDOW
	SLAScanInterval  time.Duration // TRIAGE_SLA_SCAN_INTERVAL

	// Channel webhooks: the secrets that authenticate each platform's
	// deliveries (a channel without one refuses its webhook), and the bot
	// tokens of platform senders (a channel without one replies through
	// the send webhook).
	Channels ChannelSecrets

	// The pipeline.
	ClassifyPrompt    string        // TRIAGE_PROMPT_CLASSIFY: prompt version, e.g. classify/v1
	Topics            []string      // TRIAGE_TOPICS: comma-separated topic list
	WorkerConcurrency int           // TRIAGE_WORKER_CONCURRENCY: triage jobs in flight per worker
	MaxAttempts       int           // TRIAGE_MAX_ATTEMPTS: per triage job
	DuplicateWindow   time.Duration // TRIAGE_DUPLICATE_WINDOW
	JobTimeout        time.Duration // TRIAGE_JOB_TIMEOUT: bounds one job attempt; a job held by a dead worker is rescued after it

	// Logging.
	LogLevel  string // TRIAGE_LOG_LEVEL: debug | info | warn | error
	LogFormat string // TRIAGE_LOG_FORMAT: text | json
}

// Backends lists the accepted TRIAGE_BACKEND values.
var Backends = []string{llm.BackendOpenAI, llm.BackendOllama, llm.BackendLocal}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		DatabaseURL:        postgres.DefaultURL,
		Addr:               "127.0.0.1:8080",
		Backend:            llm.BackendLocal,
		OpenAIBaseURL:      "https://api.openai.com/v1",
		OllamaHost:         "http://127.0.0.1:11434",
		LLMConcurrency:     4,
		LLMTimeout:         60 * time.Second,
		PrefilterThreshold: 0.9,
		NearDupThreshold:   0.8,
		NearDupWindow:      12 * time.Hour,
		IncidentSize:       10,
		IncidentWindow:     time.Hour,
		SLAScanInterval:    time.Minute,
		Embedder:           "local",
		DraftPrompt:        "draft/v1",
		ClassifyPrompt:     "classify/v1",
		Topics:             taxonomy.DefaultTopics,
		WorkerConcurrency:  10,
		MaxAttempts:        6,
		DuplicateWindow:    24 * time.Hour,
		JobTimeout:         3 * time.Minute,
		LogLevel:           "info",
		LogFormat:          "text",
	}
}

// setting binds one field to its environment variable and flag.
type setting struct {
	env, flag, usage string
	value            flag.Value
}

func (c *Config) settings() []setting {
	return []setting{
		{"DATABASE_URL", "database-url", "PostgreSQL URL", (*urlValue)(&c.DatabaseURL)},
		{"TRIAGE_ADDR", "addr", "HTTP listen address (host:port)", (*stringValue)(&c.Addr)},
		{"TRIAGE_BACKEND", "backend", "model backend: " + strings.Join(Backends, " | "), (*stringValue)(&c.Backend)},
		{"OPENAI_BASE_URL", "openai-base-url", "OpenAI-compatible API base URL", (*stringValue)(&c.OpenAIBaseURL)},
		{"OPENAI_API_KEY", "openai-api-key", "OpenAI API key", (*secretValue)(&c.OpenAIAPIKey)},
		{"OPENAI_MODEL", "openai-model", "OpenAI model name", (*stringValue)(&c.OpenAIModel)},
		{"OLLAMA_HOST", "ollama-host", "Ollama server URL", (*stringValue)(&c.OllamaHost)},
		{"OLLAMA_MODEL", "ollama-model", "Ollama model name", (*stringValue)(&c.OllamaModel)},
		{"TRIAGE_LLM_CONCURRENCY", "llm-concurrency", "model calls in flight per process", (*intValue)(&c.LLMConcurrency)},
		{"TRIAGE_LLM_TIMEOUT", "llm-timeout", "timeout of one model request", (*durationValue)(&c.LLMTimeout)},
		{"TRIAGE_REDACT_PII", "redact-pii", "personal data replaced by placeholders before text reaches the model (openai, ollama): all, or a comma-separated list of email, phone, card, iban (default: none)", (*kindsValue)(&c.RedactPII)},
		{"TRIAGE_LOCAL_MODEL", "local-model", "local model file (default: built in)", (*stringValue)(&c.LocalModel)},
		{"TRIAGE_PREFILTER_THRESHOLD", "prefilter-threshold", "confidence above which the local model closes noise/spam without a model call (>1 disables)", (*floatValue)(&c.PrefilterThreshold)},
		{"TRIAGE_ROUTING_RULES", "routing-rules", "routing rules file (default: built in)", (*stringValue)(&c.RoutingRules)},
		{"TRIAGE_DISCORD_PUBLIC_KEY", "discord-public-key", "hex Ed25519 public key of the Discord application (signed interactions)", (*stringValue)(&c.Channels.DiscordPublicKey)},
		{"TRIAGE_DISCORD_RELAY_SECRET", "discord-relay-secret", "HMAC key of the Discord gateway relay", (*secretValue)(&c.Channels.DiscordRelaySecret)},
		{"TRIAGE_DISCORD_BOT_TOKEN", "discord-bot-token", "Discord bot token: replies are sent as the bot", (*secretValue)(&c.Channels.DiscordBotToken)},
		{"TRIAGE_SLACK_SIGNING_SECRET", "slack-signing-secret", "Slack app signing secret (Events API)", (*secretValue)(&c.Channels.SlackSigningSecret)},
		{"TRIAGE_SLACK_BOT_TOKEN", "slack-bot-token", "Slack bot token: replies are posted in thread", (*secretValue)(&c.Channels.SlackBotToken)},
		{"TRIAGE_TELEGRAM_SECRET_TOKEN", "telegram-secret-token", "secret_token of the Telegram webhook", (*secretValue)(&c.Channels.TelegramSecret)},
		{"TRIAGE_TELEGRAM_BOT_TOKEN", "telegram-bot-token", "Telegram bot token: replies are sent as the bot", (*secretValue)(&c.Channels.TelegramBotToken)},
		{"TRIAGE_X_CONSUMER_SECRET", "x-consumer-secret", "X app consumer secret (Account Activity webhook signatures)", (*secretValue)(&c.Channels.XConsumerSecret)},
		{"TRIAGE_X_RELAY_SECRET", "x-relay-secret", "HMAC key of the X poller relay", (*secretValue)(&c.Channels.XRelaySecret)},
		{"TRIAGE_X_OWN_USER_ID", "x-own-user-id", "the brand's X user id, whose own posts are skipped", (*stringValue)(&c.Channels.XOwnUserID)},
		{"TRIAGE_REDDIT_RELAY_SECRET", "reddit-relay-secret", "HMAC key of the Reddit poller relay", (*secretValue)(&c.Channels.RedditRelaySecret)},
		{"TRIAGE_EMAIL_RELAY_SECRET", "email-relay-secret", "HMAC key of the inbound-mail hook", (*secretValue)(&c.Channels.EmailRelaySecret)},
		{"TRIAGE_EMAIL_OWN_ADDRESSES", "email-own-addresses", "comma-separated addresses of the team, whose mail is skipped", (*listValue)(&c.Channels.EmailOwnAddresses)},
		{"TRIAGE_WEBHOOK_SECRET", "webhook-secret", "HMAC key of the generic channel webhook", (*secretValue)(&c.Channels.WebhookSecret)},
		{"TRIAGE_PRICES", "prices", "JSON file of model prices (USD per million tokens) for cost metrics (default: built-in list prices)", (*stringValue)(&c.PricesFile)},
		{"TRIAGE_NEAR_DUPLICATE_THRESHOLD", "near-duplicate-threshold", "cosine similarity from which an item inherits a recent item's classification (>1 disables)", (*floatValue)(&c.NearDupThreshold)},
		{"TRIAGE_NEAR_DUPLICATE_WINDOW", "near-duplicate-window", "how far back near-duplicates are looked for", (*durationValue)(&c.NearDupWindow)},
		{"TRIAGE_INCIDENT_SIZE", "incident-size", "near-duplicates within the incident window that open an incident", (*intValue)(&c.IncidentSize)},
		{"TRIAGE_INCIDENT_WINDOW", "incident-window", "window of the incident size", (*durationValue)(&c.IncidentWindow)},
		{"TRIAGE_SLA_SCAN_INTERVAL", "sla-scan-interval", "how often SLA breaches are looked for", (*durationValue)(&c.SLAScanInterval)},
		{"TRIAGE_EMBEDDER", "embedder", "embedding backend for the knowledge base: local | openai | ollama", (*stringValue)(&c.Embedder)},
		{"OPENAI_EMBED_MODEL", "openai-embed-model", "OpenAI embedding model", (*stringValue)(&c.OpenAIEmbedModel)},
		{"OLLAMA_EMBED_MODEL", "ollama-embed-model", "Ollama embedding model", (*stringValue)(&c.OllamaEmbedModel)},
		{"TRIAGE_WORD_VECTORS", "word-vectors", "word-vector file for the local embedder (default: the one `triage setup` installs, if any)", (*stringValue)(&c.WordVectors)},
		{"TRIAGE_PROMPT_DRAFT", "prompt-draft", "draft prompt version", (*stringValue)(&c.DraftPrompt)},
		{"TRIAGE_BRAND_VOICE", "brand-voice", "how drafted replies should sound", (*stringValue)(&c.BrandVoice)},
		{"TRIAGE_DRAFT_RULES", "draft-rules", "file of promises drafts are flagged for (name: regexp per line)", (*stringValue)(&c.DraftRules)},
		{"TRIAGE_SEND_WEBHOOK_URL", "send-webhook-url", "URL approved replies are posted to", (*stringValue)(&c.SendWebhookURL)},
		{"TRIAGE_SEND_WEBHOOK_SECRET", "send-webhook-secret", "HMAC-SHA256 key signing posted replies", (*secretValue)(&c.SendWebhookSecret)},
		{"TRIAGE_PROMPT_CLASSIFY", "prompt-classify", "classify prompt version", (*stringValue)(&c.ClassifyPrompt)},
		{"TRIAGE_TOPICS", "topics", "comma-separated topics", (*listValue)(&c.Topics)},
		{"TRIAGE_WORKER_CONCURRENCY", "worker-concurrency", "triage jobs in flight per worker process", (*intValue)(&c.WorkerConcurrency)},
		{"TRIAGE_MAX_ATTEMPTS", "max-attempts", "attempts per triage job before needs_human", (*intValue)(&c.MaxAttempts)},
		{"TRIAGE_DUPLICATE_WINDOW", "duplicate-window", "how far back exact duplicates are looked for", (*durationValue)(&c.DuplicateWindow)},
		{"TRIAGE_JOB_TIMEOUT", "job-timeout", "longest a job attempt may run; jobs held by a worker that died are retried after it (and a third more)", (*durationValue)(&c.JobTimeout)},
		{"TRIAGE_LOG_LEVEL", "log-level", "debug | info | warn | error", (*stringValue)(&c.LogLevel)},
		{"TRIAGE_LOG_FORMAT", "log-format", "text | json", (*stringValue)(&c.LogFormat)},
	}
}

// Load returns the default configuration overridden by the environment
// (read with getenv, normally os.Getenv). It fails on a value that does not
// parse; call Validate once flags are applied.
func Load(getenv func(string) string) (Config, error) {
	c := Default()
	for _, s := range c.settings() {
		v := getenv(s.env)
		if v == "" {
			continue
		}
		if err := s.value.Set(v); err != nil {
			return c, fmt.Errorf("%s=%q: %w", s.env, v, err)
		}
	}
	return c, nil
}

// RegisterFlags adds one flag per setting to fs, defaulting to the current
// (environment) values, so flags override the environment.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	for _, s := range c.settings() {
		fs.Var(s.value, s.flag, s.usage+" (env "+s.env+")")
	}
}

// Need says which settings a process uses, so Validate checks only those.
type Need struct {
	Server  bool // TRIAGE_ADDR
	Backend bool // the model backend settings
}

// Validate checks the settings a process needs and returns the first
// problem as one line naming the variable.
func (c *Config) Validate(need Need) error {
	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	if need.Server {
		if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
			return fmt.Errorf("TRIAGE_ADDR=%q: want host:port, such as 127.0.0.1:8080", c.Addr)
		}
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		return fmt.Errorf("TRIAGE_LOG_LEVEL=%q: must be one of debug, info, warn, error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("TRIAGE_LOG_FORMAT=%q: must be text or json", c.LogFormat)
	}
	if _, err := taxonomy.New(c.Topics); err != nil {
		return fmt.Errorf("TRIAGE_TOPICS: %w", err)
	}
	for _, n := range []struct {
		env string
		v   int
	}{{"TRIAGE_LLM_CONCURRENCY", c.LLMConcurrency}, {"TRIAGE_WORKER_CONCURRENCY", c.WorkerConcurrency}, {"TRIAGE_MAX_ATTEMPTS", c.MaxAttempts}} {
		if n.v < 1 || n.v > 10000 {
			return fmt.Errorf("%s=%d: must be between 1 and 10000", n.env, n.v)
		}
	}
	if c.PrefilterThreshold <= 0 || math.IsNaN(c.PrefilterThreshold) {
		return fmt.Errorf("TRIAGE_PREFILTER_THRESHOLD=%v: must be in (0,1], or above 1 to disable the prefilter", c.PrefilterThreshold)
	}
	if c.LLMTimeout <= 0 {
		return fmt.Errorf("TRIAGE_LLM_TIMEOUT=%s: must be positive", c.LLMTimeout)
	}
	if c.JobTimeout < time.Second || c.JobTimeout <= c.LLMTimeout {
		return fmt.Errorf("TRIAGE_JOB_TIMEOUT=%s: must be at least 1s and longer than TRIAGE_LLM_TIMEOUT (%s)", c.JobTimeout, c.LLMTimeout)
	}
	if c.DuplicateWindow < 0 {
		return fmt.Errorf("TRIAGE_DUPLICATE_WINDOW=%s: must not be negative", c.DuplicateWindow)
	}
	if err := c.validateKB(); err != nil {
		return err
	}
	if err := c.validateOperations(); err != nil {
		return err
	}
	if need.Backend {
		return c.validateBackend()
	}
	return nil
}

func (c *Config) validateKB() error {
	switch c.Embedder {
	case llm.BackendLocal:
	case llm.BackendOpenAI:
		if c.OpenAIEmbedModel == "" {
			return errors.New("OPENAI_EMBED_MODEL is required with TRIAGE_EMBEDDER=openai (for example text-embedding-3-small)")
		}
	case llm.BackendOllama:
		if c.OllamaEmbedModel == "" {
			return errors.New("OLLAMA_EMBED_MODEL is required with TRIAGE_EMBEDDER=ollama (for example nomic-embed-text)")
		}
	default:
		return fmt.Errorf("TRIAGE_EMBEDDER=%q: must be one of local, openai, ollama", c.Embedder)
	}
	if c.SendWebhookURL != "" {
		if err := checkHTTPURL(c.SendWebhookURL); err != nil {
			return fmt.Errorf("TRIAGE_SEND_WEBHOOK_URL=%q: %w", c.SendWebhookURL, err)
		}
	}
	return nil
}

func (c *Config) validateBackend() error {
	switch c.Backend {
	case llm.BackendOpenAI:
		if err := checkHTTPURL(c.OpenAIBaseURL); err != nil {
			return fmt.Errorf("OPENAI_BASE_URL=%q: %w", c.OpenAIBaseURL, err)
		}
		if c.OpenAIModel == "" {
			return errors.New("OPENAI_MODEL is required with TRIAGE_BACKEND=openai (for example gpt-4o-mini)")
		}
		if c.OpenAIAPIKey == "" && strings.Contains(c.OpenAIBaseURL, "api.openai.com") {
			return errors.New("OPENAI_API_KEY is required with TRIAGE_BACKEND=openai and the default OPENAI_BASE_URL")
		}
	case llm.BackendOllama:
		if err := checkHTTPURL(c.OllamaHost); err != nil {
			return fmt.Errorf("OLLAMA_HOST=%q: %w", c.OllamaHost, err)
		}
		if c.OllamaModel == "" {
			return errors.New("OLLAMA_MODEL is required with TRIAGE_BACKEND=ollama (for example llama3.1:8b)")
		}
	case llm.BackendLocal:
	default:
		return fmt.Errorf("TRIAGE_BACKEND=%q: must be one of %s", c.Backend, strings.Join(Backends, ", "))
	}
	return nil
}

func checkDatabaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return errors.New("want a URL such as postgres://user@host:5432/triage?sslmode=disable")
	}
	return nil
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an http(s) URL")
	}
	return nil
}

type stringValue string

func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }
func (v *stringValue) String() string     { return string(*v) }

// secretValue never shows its value (flag help prints defaults).
type secretValue string

func (v *secretValue) Set(s string) error { *v = secretValue(s); return nil }
func (v *secretValue) String() string {
	if v == nil || *v == "" {
		return ""
	}
	return "(set)"
}

// urlValue shows its value with the password redacted.
type urlValue string

func (v *urlValue) Set(s string) error { *v = urlValue(s); return nil }
func (v *urlValue) String() string {
	if v == nil {
		return ""
	}
	u, err := url.Parse(string(*v))
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}

type floatValue float64

func (v *floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("not a number")
	}
	*v = floatValue(f)
	return nil
}
func (v *floatValue) String() string {
	if v == nil {
		return "0"
	}
	return strconv.FormatFloat(float64(*v), 'g', -1, 64)
}

type intValue int

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("not an integer")
	}
	*v = intValue(n)
	return nil
}
func (v *intValue) String() string {
	if v == nil {
		return "0"
	}
	return strconv.Itoa(int(*v))
}

type durationValue time.Duration

func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration such as 30s or 5m")
	}
	*v = durationValue(d)
	return nil
}
func (v *durationValue) String() string {
	if v == nil {
		return "0s"
	}
	return time.Duration(*v).String()
}

// kindsValue is a set of kinds of personal data, as redact.ParseKinds
// reads it.
type kindsValue redact.Kind

func (v *kindsValue) Set(s string) error {
	k, err := redact.ParseKinds(s)
	if err != nil {
		return err
	}
	*v = kindsValue(k)
	return nil
}
func (v *kindsValue) String() string {
	if v == nil {
		return ""
	}
	return redact.Kind(*v).String()
}

type listValue []string

func (v *listValue) Set(s string) error {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	*v = out
	return nil
}
func (v *listValue) String() string {
	if v == nil {
		return ""
	}
	return strings.Join(*v, ",")
}

// Parse is what every command does at start: load the environment with
// getenv, apply the flags in args (help goes to stderr), and validate what
// need asks for. It returns flag.ErrHelp for -h.
func Parse(name string, args []string, getenv func(string) string, stderr io.Writer, need Need) (Config, error) {
	cfg, err := Load(getenv)
	if err != nil {
		return cfg, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (settings are flags or environment variables; see -h)", fs.Arg(0))
	}
	return cfg, cfg.Validate(need)
}

// ChannelSecrets holds the channel adapters' and senders' credentials.
type ChannelSecrets struct {
	DiscordPublicKey   string   // TRIAGE_DISCORD_PUBLIC_KEY: hex Ed25519 key of signed interactions
	DiscordRelaySecret string   // TRIAGE_DISCORD_RELAY_SECRET: HMAC key of the gateway relay
	DiscordBotToken    string   // TRIAGE_DISCORD_BOT_TOKEN: sends replies
	SlackSigningSecret string   // TRIAGE_SLACK_SIGNING_SECRET
	SlackBotToken      string   // TRIAGE_SLACK_BOT_TOKEN: sends replies
	TelegramSecret     string   // TRIAGE_TELEGRAM_SECRET_TOKEN: the webhook's secret_token
	TelegramBotToken   string   // TRIAGE_TELEGRAM_BOT_TOKEN: sends replies
	XConsumerSecret    string   // TRIAGE_X_CONSUMER_SECRET: Account Activity signatures
	XRelaySecret       string   // TRIAGE_X_RELAY_SECRET
	XOwnUserID         string   // TRIAGE_X_OWN_USER_ID: the brand's account, whose posts are skipped
	RedditRelaySecret  string   // TRIAGE_REDDIT_RELAY_SECRET
	EmailRelaySecret   string   // TRIAGE_EMAIL_RELAY_SECRET
	EmailOwnAddresses  []string // TRIAGE_EMAIL_OWN_ADDRESSES: the team's addresses, whose mail is skipped
	WebhookSecret      string   // TRIAGE_WEBHOOK_SECRET: the generic channel webhook
}

// validateOperations checks the near-duplicate, incident and SLA settings.
func (c *Config) validateOperations() error {
	switch {
	case c.NearDupThreshold <= 0 || math.IsNaN(c.NearDupThreshold):
		return fmt.Errorf("TRIAGE_NEAR_DUPLICATE_THRESHOLD=%v: must be in (0,1], or above 1 to disable near-duplicates", c.NearDupThreshold)
	case c.NearDupWindow <= 0:
		return fmt.Errorf("TRIAGE_NEAR_DUPLICATE_WINDOW=%s: must be positive", c.NearDupWindow)
	case c.IncidentSize < 2 || c.IncidentSize > 1_000_000:
		return fmt.Errorf("TRIAGE_INCIDENT_SIZE=%d: must be between 2 and 1000000", c.IncidentSize)
	case c.IncidentWindow <= 0:
		return fmt.Errorf("TRIAGE_INCIDENT_WINDOW=%s: must be positive", c.IncidentWindow)
	case c.SLAScanInterval < time.Second:
		return fmt.Errorf("TRIAGE_SLA_SCAN_INTERVAL=%s: must be at least 1s", c.SLAScanInterval)
	}
	return nil
}
