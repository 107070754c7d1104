package channels

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"
	"unicode"
	"unicode/utf8"
)

// emailContent is what the MIME parts of a message hold.
type emailContent struct {
	plain, html []string // decoded text/plain and text/html bodies, LF line endings
	atts        []Attachment
	// charsetFallback is set when a part named a charset Triage cannot
	// decode or held bytes invalid in its charset.
	charsetFallback bool
	// truncated is set when parts were left out: nested deeper than
	// emailMaxDepth or beyond emailMaxParts.
	truncated bool
}

func (c *emailContent) add(o emailContent) {
	c.plain = append(c.plain, o.plain...)
	c.html = append(c.html, o.html...)
	c.atts = append(c.atts, o.atts...)
	c.charsetFallback = c.charsetFallback || o.charsetFallback
	c.truncated = c.truncated || o.truncated
}

// body is the message's text: its plain-text parts, else its HTML parts
// as text, joined by blank lines.
func (c *emailContent) body() string {
	texts := emailNonBlank(c.plain)
	if len(texts) == 0 {
		for _, h := range c.html {
			texts = append(texts, emailHTMLText(h))
		}
		texts = emailNonBlank(texts)
	}
	return strings.TrimSpace(strings.Join(texts, "\n\n"))
}

// emailTrimLines removes the spaces that end each line of s.
func emailTrimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.Join(lines, "\n")
}

func emailNonBlank(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// readBody walks the MIME tree of a message's body.
func (m *emailMessage) readBody(r io.Reader) emailContent {
	w := &emailWalker{msg: m}
	return w.walk(textproto.MIMEHeader(m.header), r, 0)
}

// emailWalker walks a MIME tree, counting parts against emailMaxParts.
type emailWalker struct {
	msg   *emailMessage
	parts int
}

// walk reads one part: a multipart is walked, a text/plain or text/html
// part that is not an attachment is text, anything else an attachment.
// A part without a readable Content-Type is text/plain (RFC 2045).
func (w *emailWalker) walk(h textproto.MIMEHeader, r io.Reader, depth int) emailContent {
	w.parts++
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil && mt == "" {
		mt, params = "text/plain", nil
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := w.fileName(dparams["filename"], params["name"])
	cte := h.Get("Content-Transfer-Encoding")
	switch {
	case strings.HasPrefix(mt, "multipart/") && params["boundary"] != "":
		return w.multipart(mt, params["boundary"], r, depth)
	case strings.HasPrefix(mt, "multipart/"):
		// No boundary to split on: the body is all there is to read.
		return emailTextPart("text/plain", "", "", r)
	case (mt == "text/plain" || mt == "text/html") && disp != "attachment" && name == "":
		return emailTextPart(mt, cte, params["charset"], r)
	case emailSignatureTypes[mt]:
		return emailContent{} // the S/MIME or PGP signature of a multipart/signed
	}
	raw, _ := io.ReadAll(r)
	att := Attachment{Name: name, ContentType: Clip(emailOneLine(mt)), Size: int64(len(emailTransferDecode(cte, raw)))}
	return emailContent{atts: []Attachment{att}}
}

// emailSignatureTypes are the content types of message signatures, which
// are no attachment.
var emailSignatureTypes = map[string]bool{
	"application/pkcs7-signature": true, "application/x-pkcs7-signature": true,
	"application/pgp-signature": true,
}

// fileName is an attachment's name from Content-Disposition or, for older
// senders, Content-Type; RFC 2047 encoded words are decoded.
func (w *emailWalker) fileName(filename, name string) string {
	if filename == "" {
		filename = name
	}
	return Clip(w.msg.decodeHeader(filename))
}

// multipart walks the parts of a multipart: all of them, or for
// multipart/alternative the best one (see emailAlternative). A broken
// part ends the walk with what came before it.
func (w *emailWalker) multipart(mt, boundary string, r io.Reader, depth int) emailContent {
	var c emailContent
	if depth >= emailMaxDepth {
		c.truncated = true
		return c
	}
	mr := multipart.NewReader(r, boundary)
	var kids []emailContent
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			break
		}
		if w.parts >= emailMaxParts {
			c.truncated = true
			break
		}
		kids = append(kids, w.walk(p.Header, p, depth+1))
	}
	if mt == "multipart/alternative" {
		c.add(emailAlternative(kids))
		return c
	}
	for _, k := range kids {
		c.add(k)
	}
	return c
}

// emailAlternative picks among the parts of a multipart/alternative: the
// first with plain text, else the first with HTML, else the last (the
// richest, RFC 2046).
func emailAlternative(kids []emailContent) emailContent {
	for _, k := range kids {
		if len(emailNonBlank(k.plain)) > 0 {
			return k
		}
	}
	for _, k := range kids {
		if len(emailNonBlank(k.html)) > 0 {
			return k
		}
	}
	if len(kids) == 0 {
		return emailContent{}
	}
	return kids[len(kids)-1]
}

// emailTextPart decodes a text part's transfer encoding and charset.
func emailTextPart(mt, cte, charset string, r io.Reader) emailContent {
	raw, _ := io.ReadAll(r) // a part cut short keeps what was read
	s, fallback := emailCharset(charset, emailTransferDecode(cte, raw))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	c := emailContent{charsetFallback: fallback}
	if mt == "text/html" {
		c.html = []string{s}
	} else {
		c.plain = []string{s}
	}
	return c
}

// emailCharset decodes text in a charset into UTF-8. It reports a
// fallback when the charset is unknown (the bytes are kept; invalid UTF-8
// is replaced later) or the bytes are not valid in it.
func emailCharset(label string, b []byte) (string, bool) {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return string(b), !utf8.Valid(b)
	}
	enc := emailEncoding(label)
	if enc == nil {
		return string(b), true
	}
	s, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return string(b), true
	}
	return string(s), bytes.ContainsRune(s, utf8.RuneError)
}

// emailTransferDecode undoes a Content-Transfer-Encoding; 7bit, 8bit,
// binary and unknown encodings are left as they are.
func emailTransferDecode(cte string, b []byte) []byte {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return emailBase64(b)
	case "quoted-printable":
		return emailQuotedPrintable(b)
	}
	return b
}

// emailBase64 decodes base64 leniently: characters outside the alphabet
// (line breaks, spaces) are ignored, and padding may end each chunk (some
// senders encode line by line).
func emailBase64(b []byte) []byte {
	out := make([]byte, 0, len(b)*3/4)
	chunk := make([]byte, 0, 76)
	flush := func() {
		if len(chunk)%4 == 1 { // a lone sextet is no byte
			chunk = chunk[:len(chunk)-1]
		}
		out, _ = base64.RawStdEncoding.AppendDecode(out, chunk)
		chunk = chunk[:0]
	}
	for _, c := range b {
		switch {
		case c == '=':
			flush()
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			chunk = append(chunk, c)
		}
	}
	flush()
	return out
}

// emailQuotedPrintable decodes quoted-printable leniently: "=XX" is a
// byte, "=" ending a line (trailing spaces allowed) joins it to the next,
// and any other "=" is kept as it is.
func emailQuotedPrintable(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '=' {
			out = append(out, b[i])
			continue
		}
		if i+2 < len(b) && emailIsHex(b[i+1]) && emailIsHex(b[i+2]) {
			out = append(out, emailUnhex(b[i+1])<<4|emailUnhex(b[i+2]))
			i += 2
			continue
		}
		j := i + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r') {
			j++
		}
		switch {
		case j == len(b): // a soft break ending the part
			i = j
		case b[j] == '\n':
			i = j
		default:
			out = append(out, '=')
		}
	}
	return out
}

func emailIsHex(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f'
}

func emailUnhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
