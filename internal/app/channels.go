package app

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"

	"github.com/triage-oss/triage/internal/channels"
	"github.com/triage-oss/triage/internal/config"
)

// ChannelAdapters returns every channel adapter with the secrets of cfg; a
// channel without its secret refuses its webhook (and still decodes files
// for `triage ingest --format`).
func ChannelAdapters(cfg config.Config) (*channels.Registry, error) {
	c := cfg.Channels
	if k, err := hex.DecodeString(c.DiscordPublicKey); c.DiscordPublicKey != "" && (err != nil || len(k) != ed25519.PublicKeySize) {
		return nil, fmt.Errorf("TRIAGE_DISCORD_PUBLIC_KEY: want the application's public key, %d hex characters", 2*ed25519.PublicKeySize)
	}
	return channels.NewRegistry(
		channels.NewDiscord(channels.DiscordConfig{PublicKey: c.DiscordPublicKey, RelaySecret: c.DiscordRelaySecret}),
		channels.NewSlack(channels.SlackConfig{SigningSecret: c.SlackSigningSecret}),
		channels.NewTelegram(channels.TelegramConfig{SecretToken: c.TelegramSecret}),
		channels.NewX(channels.XConfig{ConsumerSecret: c.XConsumerSecret, RelaySecret: c.XRelaySecret, OwnUserID: c.XOwnUserID}),
		channels.NewReddit(channels.RedditConfig{RelaySecret: c.RedditRelaySecret}),
		channels.NewEmail(channels.EmailConfig{RelaySecret: c.EmailRelaySecret, OwnAddresses: c.EmailOwnAddresses}),
		channels.NewWebhook(channels.WebhookConfig{Secret: c.WebhookSecret}),
	), nil
}
