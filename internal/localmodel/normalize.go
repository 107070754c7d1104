package localmodel

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// maxTextBytes bounds the part of a text that is read for features: long
// emails keep their first screens, and inference time stays bounded.
const maxTextBytes = 4096

// Normalized tokens standing for a class of strings.
const (
	tokURL     = "<url>"
	tokUser    = "<user>"
	tokNum     = "<num>"
	tokLongNum = "<longnum>" // four digits or more: phone numbers, short codes, amounts
	tokEmoji   = "<emoji>"
	tokCaps    = "<caps>" // a shouted word of three letters or more
)

// token is one unit of a normalized text. Words get char n-grams; special
// tokens (normalized classes, emoji, punctuation) do not.
type token struct {
	text string
	word bool
}

// tokenizer turns raw text into tokens. It keeps its buffers between calls;
// it is not safe for concurrent use.
type tokenizer struct {
	buf    []byte // lower-cased words, referenced by the tokens
	tokens []token
}

// tokenize returns the tokens of text: lower-cased words with letter runs
// capped at two, URLs, mentions and numbers replaced by class tokens,
// hashtags kept and split on case changes, emoji and !/? runs kept. A
// leading retweet marker ("RT") is dropped. The result is valid until the
// next call.
func (z *tokenizer) tokenize(text string) []token {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	z.buf = z.buf[:0]
	z.tokens = z.tokens[:0]
	if cap(z.buf) < 2*len(text)+16 {
		z.buf = make([]byte, 0, 2*len(text)+16)
	}
	for i := 0; i < len(text); {
		i = z.next(text, i)
	}
	if len(z.tokens) > 0 && z.tokens[0].text == "rt" {
		z.tokens = z.tokens[1:]
	}
	return z.tokens
}

// next reads the token starting at byte i of text and returns where the
// following one may start.
func (z *tokenizer) next(text string, i int) int {
	r, size := utf8.DecodeRuneInString(text[i:])
	switch {
	case r == 'h' || r == 'H' || r == 'w' || r == 'W':
		if n := urlLen(text[i:]); n > 0 {
			z.special(tokURL)
			return i + n
		}
		return z.word(text, i, false)
	case r == '@':
		if n := wordLen(text[i+1:]); n > 0 {
			z.mention(text[i : i+1+n])
			return i + 1 + n
		}
	case r == '#':
		if n := wordLen(text[i+1:]); n > 0 {
			z.hashtag(text[i+1 : i+1+n])
			return i + 1 + n
		}
	case r == '!' || r == '?':
		return z.punct(text, i, byte(r))
	case r == ':' || r == ';' || r == '<' || r == '=' || r == '.' || r == '…':
		if n := z.symbol(text[i:]); n > 0 {
			return i + n
		}
	case r == '$' || r == '€' || r == '£':
		z.special(text[i : i+size])
	case isWordRune(r):
		return z.word(text, i, false)
	case isEmoji(r):
		z.special(text[i : i+size])
		z.special(tokEmoji)
	}
	return i + size
}

func (z *tokenizer) special(s string) { z.tokens = append(z.tokens, token{text: s}) }

// mention adds <user> and, for a real handle (not an anonymized "@user"),
// the handle as a word: customer-service handles say which company is
// addressed.
func (z *tokenizer) mention(m string) {
	z.special(tokUser)
	if !strings.EqualFold(m, "@user") {
		z.addWord(m[1:])
	}
}

// word reads a run of word runes. Pure numbers add <num> or <longnum> and
// are kept as words too (short codes and phone prefixes mark spam); shouted
// words add <caps>. With part set, the word is a hashtag part.
func (z *tokenizer) word(text string, i int, part bool) int {
	n := wordLen(text[i:])
	if n == 0 {
		_, size := utf8.DecodeRuneInString(text[i:])
		return i + size
	}
	w := text[i : i+n]
	if digits := digitCount(w); digits == len(w) {
		if digits >= 4 {
			z.special(tokLongNum)
		} else {
			z.special(tokNum)
		}
		z.tokens = append(z.tokens, token{text: w, word: true})
		return i + n
	}
	z.addWord(w)
	if !part && isShouted(w) {
		z.special(tokCaps)
	}
	return i + n
}

// addWord appends w lower-cased, with runs of one letter capped at two
// ("soooo" becomes "soo"), curly apostrophes made straight.
func (z *tokenizer) addWord(w string) {
	start := len(z.buf)
	var prev rune
	run := 0
	for _, r := range w {
		r = unicode.ToLower(r)
		if r == '’' {
			r = '\''
		}
		if r == prev {
			run++
		} else {
			prev, run = r, 1
		}
		if run > 2 {
			continue
		}
		z.buf = utf8.AppendRune(z.buf, r)
	}
	z.tokens = append(z.tokens, token{text: bytesString(z.buf[start:]), word: true})
}

// hashtag keeps the tag as a special token and its words as words:
// "#NotMyFault" gives "#notmyfault", "not", "my", "fault".
func (z *tokenizer) hashtag(tag string) {
	start := len(z.buf)
	z.buf = append(z.buf, '#')
	for _, r := range tag {
		z.buf = utf8.AppendRune(z.buf, unicode.ToLower(r))
	}
	z.tokens = append(z.tokens, token{text: bytesString(z.buf[start:])})
	from := 0
	for j, r := range tag {
		if j > from && (unicode.IsUpper(r) || r == '_') {
			z.hashtagPart(tag[from:j])
			from = j
		}
	}
	z.hashtagPart(tag[from:])
}

func (z *tokenizer) hashtagPart(p string) {
	p = strings.Trim(p, "_")
	if p != "" {
		z.word(p, 0, true)
	}
}

// punct reads a run of ! and ?: "!" for one, "!!" for more.
func (z *tokenizer) punct(text string, i int, c byte) int {
	j := i
	for j < len(text) && text[j] == c {
		j++
	}
	if j-i > 1 {
		z.special(text[i : i+2])
	} else {
		z.special(text[i : i+1])
	}
	return j
}

// emoticons are kept as tokens: they carry tone the words do not.
var emoticons = []string{":-)", ":-(", ":-D", ":-P", ":)", ":(", ":D", ":P", ":p", ";)", ";-)", ":/", ":'(", "<3", "=)", "=("}

// symbol reads an emoticon or an ellipsis ("..." or "…") at the start of
// s and returns its length, or 0.
func (z *tokenizer) symbol(s string) int {
	for _, e := range emoticons {
		if strings.HasPrefix(s, e) {
			z.special(e)
			return len(e)
		}
	}
	if strings.HasPrefix(s, "…") {
		z.special("...")
		return len("…")
	}
	n := 0
	for n < len(s) && s[n] == '.' {
		n++
	}
	if n >= 3 {
		z.special("...")
		return n
	}
	return 0
}

// urlLen returns the byte length of a URL starting s, or 0.
func urlLen(s string) int {
	if !hasPrefixFold(s, "http://") && !hasPrefixFold(s, "https://") && !hasPrefixFold(s, "www.") {
		return 0
	}
	n := strings.IndexFunc(s, unicode.IsSpace)
	if n < 0 {
		return len(s)
	}
	return n
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// wordLen returns the byte length of the run of word runes starting s. An
// apostrophe or a dot between two word runes stays inside ("don't", "3.5").
func wordLen(s string) int {
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if isWordRune(r) {
			n += size
			continue
		}
		if (r == '\'' || r == '’' || r == '.' || r == ',') && n > 0 {
			if r2, _ := utf8.DecodeRuneInString(s[n+size:]); isWordRune(r2) && (r == '\'' || r == '’' || unicode.IsDigit(r2)) {
				n += size
				continue
			}
		}
		break
	}
	return n
}

func isWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '_'
}

// isEmoji reports whether r is a pictographic symbol (emoji, dingbats,
// arrows used as emoji), not a modifier or joiner.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F300 && r <= 0x1FAFF && !(r >= 0x1F3FB && r <= 0x1F3FF):
		return true
	case r >= 0x2600 && r <= 0x27BF:
		return true
	case r == 0x2764 || r == 0x2B50 || r == 0x2B55:
		return true
	}
	return false
}

func digitCount(w string) int {
	n := 0
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' || (i > 0 && (w[i] == '.' || w[i] == ',')) {
			n++
		}
	}
	return n
}

// isShouted reports whether w has at least three letters, all upper case.
func isShouted(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 3
}

// bytesString views b as a string without copying; b must not change while
// the string is in use.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
