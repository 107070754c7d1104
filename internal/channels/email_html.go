package channels

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// emailHTMLText turns an HTML body into plain text: tags dropped, entities
// decoded, the contents of script, style and title dropped, spaces
// collapsed as a browser does, a line break for <br> and around block
// elements, "- " before list items, and "> " before the lines of a
// <blockquote>, so that a quoted reply reads as it does in plain text.
func emailHTMLText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var w emailTextWriter
	skipText := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.String()
		case html.TextToken:
			if !skipText {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tt != html.EndTagToken && emailHiddenTags[tag] {
				// The tokenizer reads such an element's content as one raw
				// text token, right after its start tag.
				skipText = true
				continue
			}
			w.tag(tag, tt == html.EndTagToken)
		}
		skipText = false
	}
}

// emailHiddenTags are elements whose text is not shown (or, for noscript
// and iframe, is markup the tokenizer reads as raw text).
var emailHiddenTags = map[string]bool{
	"script": true, "style": true, "title": true, "noscript": true,
	"iframe": true, "noembed": true, "noframes": true,
}

// emailBlockTags start and end a line.
var emailBlockTags = map[string]bool{
	"div": true, "tr": true, "dt": true, "dd": true, "dl": true, "hr": true,
	"section": true, "article": true, "header": true, "footer": true, "address": true,
	"center": true, "form": true, "fieldset": true, "figure": true, "nav": true,
	"aside": true, "main": true, "details": true, "summary": true, "caption": true,
}

// emailParagraphTags are blocks set apart by a blank line.
var emailParagraphTags = map[string]bool{
	"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"table": true, "ul": true, "ol": true,
}

// emailTextWriter writes the text of an HTML document line by line.
type emailTextWriter struct {
	b       strings.Builder
	quote   int  // open <blockquote> elements
	pre     int  // open <pre> elements
	started bool // the current line has content (or its quote marks)
	space   bool // a space goes before the next word
	nl      int  // newlines at the end of b
}

// tag applies a start or end tag's effect on layout.
func (w *emailTextWriter) tag(tag string, end bool) {
	switch {
	case tag == "br":
		if !end {
			w.newline()
		}
	case tag == "li":
		w.endLine()
		if !end {
			w.word("-")
			w.space = true
		}
	case tag == "td" || tag == "th":
		w.space = true
	case tag == "blockquote":
		w.paragraph()
		w.quote = emailStep(w.quote, end)
	case tag == "pre":
		w.endLine()
		w.pre = emailStep(w.pre, end)
	case emailParagraphTags[tag]:
		w.paragraph()
	case emailBlockTags[tag]:
		w.endLine()
	}
}

// emailStep counts an element opening or closing, never below zero.
func emailStep(n int, end bool) int {
	if !end {
		return n + 1
	}
	return max(n-1, 0)
}

// text writes a text node: spaces collapsed, or kept inside <pre>.
func (w *emailTextWriter) text(s string) {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if w.pre > 0 {
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				w.newline()
			}
			if line != "" {
				w.word(line)
			}
		}
		return
	}
	if r, _ := utf8.DecodeRuneInString(s); unicode.IsSpace(r) {
		w.space = true
	}
	words := strings.Fields(s)
	for i, word := range words {
		if i > 0 {
			w.space = true
		}
		w.word(word)
	}
	if r, _ := utf8.DecodeLastRuneInString(s); len(words) > 0 && unicode.IsSpace(r) {
		w.space = true
	}
}

// word writes s, after the quote marks at the start of a line or a
// pending space inside one.
func (w *emailTextWriter) word(s string) {
	switch {
	case !w.started:
		w.b.WriteString(strings.Repeat("> ", min(w.quote, emailMaxDepth)))
		w.started = true
	case w.space:
		w.b.WriteByte(' ')
	}
	w.space = false
	w.b.WriteString(s)
	w.nl = 0
}

// newline ends the current line, even an empty one.
func (w *emailTextWriter) newline() {
	w.b.WriteByte('\n')
	w.started, w.space = false, false
	w.nl++
}

// endLine ends the current line unless it is empty.
func (w *emailTextWriter) endLine() {
	if w.started {
		w.newline()
	}
	w.space = false
}

// paragraph ends the current line and leaves a blank one.
func (w *emailTextWriter) paragraph() {
	w.endLine()
	if w.b.Len() > 0 && w.nl < 2 {
		w.newline()
	}
}

// String returns the text, lines trimmed on the right, at most one blank
// line in a row.
func (w *emailTextWriter) String() string {
	lines := strings.Split(w.b.String(), "\n")
	out := make([]string, 0, len(lines))
	blank := false
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" && blank {
			continue
		}
		blank = l == ""
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
