package clusters

// Channel families: near-duplicates are looked for within a family, where
// the same people repeat the same complaint in the same register.
const (
	FamilySocial    = "social"    // public posts: X, Instagram, TikTok...
	FamilyChat      = "chat"      // Discord, Slack, Telegram, WhatsApp
	FamilyCommunity = "community" // Reddit, forums
	FamilyDirect    = "direct"    // email, SMS, app reviews, webhooks
)

var families = map[string]string{
	"x": FamilySocial, "instagram": FamilySocial, "tiktok": FamilySocial, "facebook": FamilySocial,
	"youtube": FamilySocial, "threads": FamilySocial, "bluesky": FamilySocial, "mastodon": FamilySocial,
	"discord": FamilyChat, "slack": FamilyChat, "telegram": FamilyChat, "whatsapp": FamilyChat,
	"reddit": FamilyCommunity, "forum": FamilyCommunity,
	"email": FamilyDirect, "sms": FamilyDirect, "app_review": FamilyDirect, "webhook": FamilyDirect,
}

// Family returns the family of a channel (FamilyDirect for one it does not
// know).
func Family(channel string) string {
	if f, ok := families[channel]; ok {
		return f
	}
	return FamilyDirect
}
