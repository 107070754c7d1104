package channels

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/triage-oss/triage/internal/items"
)

// discordDispatch is a gateway dispatch as the relay forwards it: the
// gateway payload itself ({"op":0,"t":...,"s":...,"d":...}), or just "t"
// and "d".
type discordDispatch struct {
	Op int             `json:"op"`
	T  string          `json:"t"`
	D  json.RawMessage `json:"d"`
}

// discordDecodeDispatch appends what one dispatch holds to out; where
// names it in errors ("discord[3]").
func discordDecodeDispatch(out *Delivery, raw []byte, where string, now time.Time) error {
	var ev discordDispatch
	if err := json.Unmarshal(raw, &ev); err != nil {
		return malformed("%s: %v", where, err)
	}
	switch {
	case ev.Op != 0:
		out.Skipped = append(out.Skipped, where+": gateway opcode "+strconv.Itoa(ev.Op)+" is not a dispatch")
		return nil
	case ev.T == "":
		return malformed(`%s: the dispatch has no event name ("t")`, where)
	case len(bytes.TrimSpace(ev.D)) == 0 || string(bytes.TrimSpace(ev.D)) == "null":
		return malformed(`%s: %s has no data ("d")`, where, discordShort(ev.T))
	}
	switch ev.T {
	case "MESSAGE_CREATE", "MESSAGE_UPDATE":
		return discordDecodeGatewayMessage(out, ev, where+" "+ev.T, now)
	case "MESSAGE_DELETE", "MESSAGE_DELETE_BULK":
		return discordDecodeDelete(out, ev, where+" "+ev.T)
	}
	out.Skipped = append(out.Skipped, where+": "+discordShort(ev.T)+" is not a message event")
	return nil
}

// discordDecodeDelete appends the deletes of MESSAGE_DELETE (d.id) or
// MESSAGE_DELETE_BULK (d.ids).
func discordDecodeDelete(out *Delivery, ev discordDispatch, where string) error {
	var del struct {
		ID  string   `json:"id"`
		IDs []string `json:"ids"`
	}
	if err := json.Unmarshal(ev.D, &del); err != nil {
		return malformed("%s: %v", where, err)
	}
	ids := del.IDs
	if ev.T == "MESSAGE_DELETE" {
		ids = []string{del.ID}
	}
	switch {
	case len(ids) == 0:
		return malformed("%s: want d.ids, the deleted messages' ids", where)
	case len(out.Events)+len(ids) > items.MaxBatch:
		return malformed("%s: more than %d events in one delivery", where, items.MaxBatch)
	}
	for _, id := range ids {
		if id == "" {
			return malformed("%s: want the deleted message's id (d.id, d.ids)", where)
		}
		out.Events = append(out.Events, Event{Kind: KindDelete, Item: items.NewItem{Channel: "discord", ExternalID: Clip(id)}})
	}
	return nil
}

func discordDecodeGatewayMessage(out *Delivery, ev discordDispatch, where string, now time.Time) error {
	var m discordMessage
	if err := json.Unmarshal(ev.D, &m); err != nil {
		return malformed("%s: %v", where, err)
	}
	src := discordSource{where: where, edit: ev.T == "MESSAGE_UPDATE"}
	it, skip, err := discordItem(&m, src, now)
	switch {
	case err != nil:
		return err
	case skip != "":
		out.Skipped = append(out.Skipped, skip)
		return nil
	}
	kind := KindMessage
	if src.edit {
		kind = KindEdit
	}
	out.Events = append(out.Events, Event{Kind: kind, Item: it})
	return nil
}
