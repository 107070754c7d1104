package channels

import (
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

const (
	// emailMaxHeaderText bounds a free-text header value kept in metadata.
	emailMaxHeaderText = 1024
	// emailMaxHeaderBytes bounds a header value read; a longer one is cut.
	emailMaxHeaderBytes = 16 << 10
)

// emailMessage is what an item takes from a message's header.
type emailMessage struct {
	header mail.Header
	dec    *mime.WordDecoder

	messageID     string
	inReplyTo     []string
	references    []string
	from          string // lower-cased address
	fromName      string
	to, cc        []string
	subject       string
	autoSubmitted string
	date          time.Time
	// charsetFallback is set when a header named a charset Triage cannot
	// decode or held bytes that are not UTF-8.
	charsetFallback bool
}

// readHeader fills m from m.header.
func (m *emailMessage) readHeader() {
	m.dec = &mime.WordDecoder{CharsetReader: m.charsetReader}
	if ids := emailIDs(m.get("Message-Id")); len(ids) > 0 {
		m.messageID = ids[0]
	}
	m.inReplyTo = emailIDs(m.get("In-Reply-To"))
	refs, _ := m.getAll("References")
	m.references = emailIDs(refs)
	m.readFrom()
	m.to = m.addresses("To")
	m.cc = m.addresses("Cc")
	m.subject = m.decodeHeader(m.get("Subject"))
	m.autoSubmitted = emailOneLine(m.get("Auto-Submitted"))
	if t, err := mail.ParseDate(m.get("Date")); err == nil {
		m.date = t
	}
}

// get returns a header's first value, cut to emailMaxHeaderBytes.
func (m *emailMessage) get(key string) string {
	return emailClip(m.header.Get(key), emailMaxHeaderBytes)
}

// getAll returns a header's values joined (To, Cc and References may come
// more than once), cut to emailMaxHeaderBytes; it reports whether it cut.
func (m *emailMessage) getAll(key string) (string, bool) {
	v := strings.Join(m.header[key], ", ")
	cut := emailClip(v, emailMaxHeaderBytes)
	return cut, len(cut) < len(v)
}

// charsetReader decodes an RFC 2047 encoded word's charset; one Triage
// does not know passes through (its bytes checked as UTF-8 later).
func (m *emailMessage) charsetReader(charset string, r io.Reader) (io.Reader, error) {
	enc := emailEncoding(charset)
	if enc == nil {
		m.charsetFallback = true
		return r, nil
	}
	return enc.NewDecoder().Reader(r), nil
}

// decodeHeader decodes the encoded words of a header value into one line.
func (m *emailMessage) decodeHeader(s string) string {
	if d, err := m.dec.DecodeHeader(s); err == nil {
		s = d
	}
	if !utf8.ValidString(s) {
		m.charsetFallback = true
	}
	return emailOneLine(s)
}

// readFrom sets the author from From (Sender when there is none). An
// address the parser refuses is still taken from between angle brackets.
func (m *emailMessage) readFrom() {
	raw := m.get("From")
	if raw == "" {
		raw = m.get("Sender")
	}
	addr, name := m.parseFrom(raw)
	if !utf8.ValidString(addr + name) {
		m.charsetFallback = true
	}
	m.from, m.fromName = emailAddr(addr), emailClip(emailOneLine(name), emailMaxHeaderText)
}

// parseFrom splits a From value into an address and a display name.
func (m *emailMessage) parseFrom(raw string) (addr, name string) {
	p := mail.AddressParser{WordDecoder: m.dec}
	if list, err := p.ParseList(raw); err == nil && len(list) > 0 {
		return list[0].Address, list[0].Name
	}
	decoded := m.decodeHeader(raw)
	i, j := strings.LastIndexByte(decoded, '<'), strings.LastIndexByte(decoded, '>')
	switch {
	case i >= 0 && j > i:
		return decoded[i+1 : j], strings.Trim(decoded[:i], ` "`)
	case strings.Contains(decoded, "@") && !strings.Contains(decoded, " "):
		return decoded, ""
	}
	return "", decoded
}

// addresses lists the lower-cased addresses of an address header (To,
// Cc), or its decoded text when it does not parse.
func (m *emailMessage) addresses(key string) []string {
	raw, cut := m.getAll(key)
	if i := strings.LastIndexByte(raw, ','); cut && i >= 0 {
		raw = raw[:i] // the last whole address
	}
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	p := mail.AddressParser{WordDecoder: m.dec}
	list, err := p.ParseList(raw)
	if err != nil {
		return []string{emailClip(m.decodeHeader(raw), emailMaxHeaderText)}
	}
	var out []string
	for _, a := range list {
		if len(out) == emailMaxIDs {
			break
		}
		if addr := emailAddr(a.Address); addr != "" {
			out = append(out, addr)
		}
	}
	return out
}

// createdAt is the Date header; a missing, unreadable, pre-2000 or future
// date gives "" (the time received).
func (m *emailMessage) createdAt(now time.Time) string {
	if m.date.IsZero() || m.date.After(now) || m.date.UTC().Year() < 2000 {
		return ""
	}
	return Timestamp(m.date)
}

// parentID is the message this one replies to.
func (m *emailMessage) parentID() string {
	if len(m.inReplyTo) > 0 {
		return m.inReplyTo[0]
	}
	return ""
}

// threadID is the thread's root: the first References id, else the
// message replied to.
func (m *emailMessage) threadID() string {
	if len(m.references) > 0 {
		return m.references[0]
	}
	return m.parentID()
}

// metadata holds what the item keeps of the header and the attachments.
func (m *emailMessage) metadata(c emailContent) map[string]any {
	meta := map[string]any{}
	for k, v := range map[string]string{
		"message_id":     m.messageID,
		"subject":        emailClip(m.subject, emailMaxHeaderText),
		"from_name":      m.fromName,
		"in_reply_to":    m.parentID(),
		"auto_submitted": emailClip(m.autoSubmitted, emailMaxHeaderText),
	} {
		if v != "" {
			meta[k] = v
		}
	}
	for k, v := range map[string][]string{"to": m.to, "cc": m.cc, "references": m.references} {
		if len(v) > 0 {
			meta[k] = v
		}
	}
	if len(c.atts) > 0 {
		meta["attachments"] = c.atts
	}
	return meta
}

// emailAutomatic says why a message is automatic mail (an auto-reply, a
// bounce, a report, bulk mail), or "" when a person sent it.
func emailAutomatic(m *emailMessage) string {
	h := m.header
	if v := m.autoSubmitted; v != "" && !strings.EqualFold(emailToken(v), "no") {
		return "automatic reply (Auto-Submitted: " + emailClip(v, 100) + ")"
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond"} {
		if v, ok := h[k]; ok && !strings.EqualFold(emailToken(strings.Join(v, "")), "no") {
			return "automatic reply (" + k + ")"
		}
	}
	switch p := strings.ToLower(emailToken(h.Get("Precedence"))); p {
	case "bulk", "auto_reply", "junk":
		return "bulk or automatic mail (Precedence: " + p + ")"
	}
	if mt, params, _ := mime.ParseMediaType(h.Get("Content-Type")); mt == "multipart/report" {
		rt := strings.ToLower(emailClip(emailOneLine(params["report-type"]), 100))
		if rt == "delivery-status" {
			return "bounce (multipart/report; report-type=delivery-status)"
		}
		return "automatic report (multipart/report; report-type=" + rt + ")"
	}
	if strings.HasPrefix(m.from, "mailer-daemon@") {
		return "bounce (from " + m.from + ")"
	}
	return ""
}

// emailToken is a header value up to its first parameter, trimmed.
func emailToken(v string) string {
	v, _, _ = strings.Cut(v, ";")
	return strings.TrimSpace(v)
}

// emailIDs lists the message ids of a Message-ID, In-Reply-To or
// References value without angle brackets; a value without brackets (a
// sender that left them out) gives its words that hold an "@".
func emailIDs(v string) []string {
	var ids []string
	if !strings.Contains(v, "<") {
		for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			if id := emailCleanID(w); strings.Contains(id, "@") && len(ids) < emailMaxIDs {
				ids = append(ids, id)
			}
		}
		return ids
	}
	for len(ids) < emailMaxIDs {
		_, rest, ok := strings.Cut(v, "<")
		if !ok {
			break
		}
		id, after, ok := strings.Cut(rest, ">")
		if !ok {
			break
		}
		if id = emailCleanID(id); id != "" {
			ids = append(ids, id)
		}
		v = after
	}
	return ids
}

// emailCleanID removes spaces and control characters (a folded header)
// from an id or an address and cuts it to items.MaxIDBytes.
func emailCleanID(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return Clip(s)
}

// emailAddr is an address as an author: lower-cased, on one line, clipped.
func emailAddr(s string) string {
	return Clip(strings.ToLower(emailOneLine(s)))
}

// emailOneLine makes a header value one clean line: valid UTF-8, control
// characters and runs of spaces replaced with one space, trimmed.
func emailOneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Join(strings.Fields(s), " ")
}

// emailClip cuts s to at most n bytes at a rune boundary.
func emailClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// emailEncoding finds a charset by its WHATWG or IANA name; nil when Triage
// cannot decode it.
func emailEncoding(label string) encoding.Encoding {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if label == "" {
		return nil
	}
	if e, err := htmlindex.Get(label); err == nil && e != encoding.Replacement {
		return e
	}
	if e, err := ianaindex.MIME.Encoding(label); err == nil && e != nil {
		return e
	}
	return nil
}
