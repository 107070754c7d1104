package channels

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
)

var _ Challenger = (*X)(nil)

// Challenge answers X's challenge-response check (CRC): the GET carries
// crc_token, and the answer is {"response_token": "sha256=" + base64
// HMAC-SHA256 of the token with the consumer secret}.
func (x *X) Challenge(q url.Values) ([]byte, error) {
	if x.cfg.ConsumerSecret == "" {
		return nil, ErrNotConfigured
	}
	token := q.Get("crc_token")
	if token == "" || len(token) > 1024 {
		return nil, malformed("crc_token is required")
	}
	m := hmac.New(sha256.New, []byte(x.cfg.ConsumerSecret))
	m.Write([]byte(token))
	return json.Marshal(map[string]string{"response_token": "sha256=" + base64.StdEncoding.EncodeToString(m.Sum(nil))})
}
