package channels_test

import (
	"fmt"
	"time"

	"github.com/triage-oss/triage/internal/channels"
)

// An inbound-mail hook posts a customer's reply; the item keeps what the
// customer wrote now, not the quoted history.
func ExampleNewEmail() {
	email := channels.NewEmail(channels.EmailConfig{
		RelaySecret:  "shared-with-the-mail-hook",
		OwnAddresses: []string{"Acme Support <support@acme.test>"},
	})
	raw := []byte(`From: Jane Doe <Jane@Example.com>
To: support@acme.test
Subject: Re: Login loop
Date: Tue, 10 Mar 2026 09:00:00 +0000
Message-ID: <reply-2@example.com>
In-Reply-To: <ticket-1@acme.test>
References: <ticket-1@acme.test>

Still looping after the update.

On Mon, Mar 9, 2026 at 5:00 PM Acme Support <support@acme.test> wrote:
> Could you try again?
`)
	d, err := email.Decode(raw, time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	it := d.Events[0].Item
	fmt.Println(it.ExternalID, it.ThreadID, it.Author, it.CreatedAt)
	fmt.Println(it.Text)
	// Output:
	// reply-2@example.com ticket-1@acme.test jane@example.com 2026-03-10T09:00:00Z
	// Subject: Re: Login loop
	//
	// Still looping after the update.
}
