package channels

import (
	"bytes"
	"regexp"
)

// emailIsMbox reports whether body is an mbox file: it starts with a
// "From " line, where a message starts with a header such as "From:".
func emailIsMbox(body []byte) bool {
	return bytes.HasPrefix(body, []byte("From "))
}

// emailEnvelopeRE matches an mbox "From " line with its asctime date
// ("From jane@example.com Mon Jan  5 10:00:00 2026").
var emailEnvelopeRE = regexp.MustCompile(`^From \S+\s+(Mon|Tue|Wed|Thu|Fri|Sat|Sun) `)

// emailSplitMbox splits an mbox file into its raw messages, at most max
// of them, and counts the messages left out. A message starts after a
// "From " line that begins the file, follows a blank line, or carries an
// asctime date; the ">From " quoting of body lines (mboxrd) is undone.
func emailSplitMbox(body []byte, max int) (msgs [][]byte, left int) {
	var cur []byte
	started, prevBlank := false, true
	for len(body) > 0 {
		line, rest, _ := bytes.Cut(body, []byte("\n"))
		body = rest
		if bytes.HasPrefix(line, []byte("From ")) && (prevBlank || emailEnvelopeRE.Match(line)) {
			if started {
				msgs = append(msgs, cur)
			}
			cur, started, prevBlank = nil, true, false
			if len(msgs) == max {
				return msgs, emailCountMbox(body) + 1
			}
			continue
		}
		if emailMboxQuoted(line) {
			line = line[1:]
		}
		cur = append(append(cur, line...), '\n')
		prevBlank = len(bytes.TrimRight(line, "\r")) == 0
	}
	if started {
		msgs = append(msgs, cur)
	}
	return msgs, 0
}

// emailCountMbox counts the messages that start in the rest of an mbox
// file, by the same rule as emailSplitMbox.
func emailCountMbox(body []byte) int {
	n, prevBlank := 0, false
	for len(body) > 0 {
		line, rest, _ := bytes.Cut(body, []byte("\n"))
		body = rest
		if bytes.HasPrefix(line, []byte("From ")) && (prevBlank || emailEnvelopeRE.Match(line)) {
			n, prevBlank = n+1, false
			continue
		}
		prevBlank = len(bytes.TrimRight(line, "\r")) == 0
	}
	return n
}

// emailMboxQuoted reports whether line is a body line starting with
// "From " that the mbox writer quoted as ">From " (">>From " and so on).
func emailMboxQuoted(line []byte) bool {
	rest := bytes.TrimLeft(line, ">")
	return len(rest) < len(line) && bytes.HasPrefix(rest, []byte("From "))
}
