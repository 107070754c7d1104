package channels_test

import (
	"strings"
	"testing"
	"time"

	"github.com/triage-oss/triage/internal/channels"
)

func TestEmailPerfTmp(t *testing.T) {
	a := channels.NewEmail(channels.EmailConfig{})
	const n = 16 << 20
	hdr := "From: a@b.c\nSubject: x\nMessage-ID: <p@x>\n"
	cases := map[string]string{
		"quotes":      hdr + "\n" + strings.Repeat("> q\n", n/4),
		"attrib":      hdr + "\n" + strings.Repeat("On 1 x\n", n/7),
		"attrib2":     hdr + "\n" + strings.Repeat("On 1 wrote\n", n/11),
		"from":        hdr + "\n" + strings.Repeat("From: x\n", n/8),
		"longline":    hdr + "\n" + strings.Repeat("a", n),
		"html":        hdr + "Content-Type: text/html\n\n" + strings.Repeat("<blockquote><li>x", n/17),
		"htmltext":    hdr + "Content-Type: text/html\n\n" + strings.Repeat("a b ", n/4),
		"mbox":        strings.Repeat("From x\n\n", n/8),
		"mboxmsgs":    strings.Repeat("From x\nFrom: a@b\n\nhi\n\n", n/24),
		"qp":          hdr + "Content-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("=  \n", n/4),
		"b64":         hdr + "Content-Transfer-Encoding: base64\n\n" + strings.Repeat("QQ==", n/4),
		"parts":       hdr + "Content-Type: multipart/mixed; boundary=b\n\n" + strings.Repeat("--b\n\nx\n", n/8),
		"refs":        "From: a@b\nReferences: " + strings.Repeat("<a@b> ", n/6) + "\n\nx",
		"to":          "From: a@b\nTo: " + strings.Repeat("a@b, ", n/5) + "\n\nx",
		"subj":        "From: a@b\nSubject: " + strings.Repeat("=?utf-8?q?a?= ", n/14) + "\n\nx",
		"sig":         hdr + "\n" + strings.Repeat("x\n", n/2),
		"dashes":      hdr + "\n" + strings.Repeat("-----\n", n/6),
	}
	for name, raw := range cases {
		start := time.Now()
		d, err := a.Decode([]byte(raw), time.Now())
		t.Logf("%-10s %8v events=%d skipped=%d err=%v", name, time.Since(start).Round(time.Millisecond), len(d.Events), len(d.Skipped), err != nil)
	}
}
