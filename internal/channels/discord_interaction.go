package channels

import (
	"encoding/json"
	"strconv"
	"time"
)

// Discord interaction types.
const (
	discordInteractionPing         = 1
	discordInteractionCommand      = 2
	discordInteractionComponent    = 3
	discordInteractionAutocomplete = 4
)

// discordCommandMessage is the type of a message context-menu command.
const discordCommandMessage = 3

// Interaction responses. Flags 64 makes a message ephemeral: only the
// member who used the command sees it.
var (
	discordPong        = []byte(`{"type":1}`)
	discordSent        = []byte(`{"type":4,"data":{"content":"Sent to the community team.","flags":64}}`)
	discordNothing     = []byte(`{"type":4,"data":{"content":"Nothing to send: use this command on a message with text or attachments.","flags":64}}`)
	discordDeferUpdate = []byte(`{"type":6}`)
	discordNoChoices   = []byte(`{"type":8,"data":{"choices":[]}}`)
)

// discordInteraction is the part of an interaction Triage reads.
type discordInteraction struct {
	ID      string          `json:"id"`
	Type    int             `json:"type"`
	GuildID string          `json:"guild_id"`
	Channel *discordChannel `json:"channel"`
	Member  *struct {
		User discordUser `json:"user"`
	} `json:"member"`
	User *discordUser `json:"user"` // in direct messages
	Data *struct {
		Name     string `json:"name"`
		Type     int    `json:"type"`
		TargetID string `json:"target_id"`
		Resolved struct {
			Messages map[string]discordMessage `json:"messages"`
		} `json:"resolved"`
	} `json:"data"`
}

// discordDecodeInteraction answers an interaction; a message command
// becomes an item of its target message.
func discordDecodeInteraction(body []byte, now time.Time) (Delivery, error) {
	var in discordInteraction
	if err := json.Unmarshal(body, &in); err != nil {
		return Delivery{}, malformed("discord interaction: %v", err)
	}
	where := "discord interaction " + discordShort(in.ID)
	switch in.Type {
	case discordInteractionPing:
		return Delivery{Response: discordPong}, nil
	case discordInteractionCommand:
		return discordReport(&in, where, now)
	case discordInteractionComponent:
		return Delivery{Response: discordDeferUpdate, Skipped: []string{where + ": a component interaction"}}, nil
	case discordInteractionAutocomplete:
		return Delivery{Response: discordNoChoices, Skipped: []string{where + ": an autocomplete interaction"}}, nil
	}
	return Delivery{Response: discordNothing, Skipped: []string{where + ": interaction type " + strconv.Itoa(in.Type)}}, nil
}

// discordReport turns a message command ("Report to Triage") into an item
// of the target message. A member chose the message, so a bot's message is
// kept; a system or empty message is not.
func discordReport(in *discordInteraction, where string, now time.Time) (Delivery, error) {
	m, ok := discordTarget(in)
	if !ok {
		return Delivery{Response: discordNothing, Skipped: []string{where + ": not a message command with a resolved target message"}}, nil
	}
	src := discordSource{
		where:    where + " message",
		guildID:  in.GuildID,
		inThread: in.Channel != nil && discordThreadChannel(in.Channel.Type) && in.Channel.ID == m.ChannelID,
		fromBots: true,
		extra:    discordReporter(in),
	}
	it, skip, err := discordItem(&m, src, now)
	switch {
	case err != nil:
		return Delivery{}, err
	case skip != "":
		return Delivery{Response: discordNothing, Skipped: []string{skip}}, nil
	}
	return Delivery{Events: []Event{{Kind: KindMessage, Item: it}}, Response: discordSent}, nil
}

// discordTarget is the command's target message: data.target_id in
// data.resolved.messages, or the only resolved message.
func discordTarget(in *discordInteraction) (discordMessage, bool) {
	if in.Data == nil || in.Data.Type != discordCommandMessage {
		return discordMessage{}, false
	}
	msgs := in.Data.Resolved.Messages
	if m, ok := msgs[in.Data.TargetID]; ok {
		if m.ID == "" {
			m.ID = in.Data.TargetID
		}
		return m, true
	}
	if len(msgs) == 1 && in.Data.TargetID == "" {
		for id, m := range msgs {
			if m.ID == "" {
				m.ID = id
			}
			return m, true
		}
	}
	return discordMessage{}, false
}

// discordThreadChannel reports whether a channel type is a thread
// (announcement, public or private).
func discordThreadChannel(t int) bool { return t == 10 || t == 11 || t == 12 }

// discordReporter is what the metadata of a reported message says about
// the report: who made it and with which command.
func discordReporter(in *discordInteraction) map[string]string {
	who := in.User
	if in.Member != nil {
		who = &in.Member.User
	}
	extra := map[string]string{"interaction_id": in.ID, "command": in.Data.Name}
	if who != nil {
		extra["reported_by"] = who.ID
		extra["reported_by_username"] = who.Username
	}
	return extra
}
