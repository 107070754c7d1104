package users

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrMalformedHash is returned by [VerifyPassword] for a stored hash it
// cannot read.
var ErrMalformedHash = errors.New("malformed password hash")

// hashParams are argon2id's parameters, as written in a PHC string.
type hashParams struct {
	memory  uint32 // KiB
	time    uint32 // passes
	threads uint8
}

// currentParams are those of new hashes: OWASP's argon2id setting of
// 19 MiB, two passes, one lane (some 20-40 ms a hash).
var currentParams = hashParams{memory: 19 * 1024, time: 2, threads: 1}

// Lengths of new hashes, in bytes.
const (
	saltLen = 16
	keyLen  = 32
)

// Bounds on the parameters read from a stored hash, so that a corrupt one
// cannot make argon2 panic or take the whole memory.
const (
	maxMemory = 2 << 20 // KiB: 2 GiB
	maxTime   = 100
	minSalt   = 8
	minKey    = 16
	maxKey    = 1024
)

var b64 = base64.RawStdEncoding

// HashPassword returns an argon2id hash of password in the PHC string form
// `$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH` (unpadded standard base64),
// with a fresh random 16-byte salt. It does not check the password's
// length; the Store does.
func HashPassword(password string) (string, error) {
	return hashWith(currentParams, password)
}

func hashWith(p hashParams, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$%s$%s$%s", argon2.Version, p, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func (p hashParams) String() string {
	return fmt.Sprintf("m=%d,t=%d,p=%d", p.memory, p.time, p.threads)
}

// VerifyPassword reports whether password matches hash, a PHC string from
// [HashPassword], using the parameters, salt and length written in hash
// and comparing in constant time. A hash it cannot read is an error
// wrapping [ErrMalformedHash].
func VerifyPassword(hash, password string) (bool, error) {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// parseHash splits `$argon2id$v=19$m=M,t=T,p=P$SALT$HASH`.
func parseHash(hash string) (p hashParams, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("%w: want $argon2id$v=19$m=M,t=T,p=P$SALT$HASH", ErrMalformedHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: version %q, want v=%d", ErrMalformedHash, parts[2], argon2.Version)
	}
	if p, err = parseParams(parts[3]); err != nil {
		return p, nil, nil, err
	}
	salt, err = b64.DecodeString(parts[4])
	if err != nil || len(salt) < minSalt {
		return p, nil, nil, fmt.Errorf("%w: salt must be at least %d bytes of unpadded base64", ErrMalformedHash, minSalt)
	}
	key, err = b64.DecodeString(parts[5])
	if err != nil || len(key) < minKey || len(key) > maxKey {
		return p, nil, nil, fmt.Errorf("%w: hash must be %d to %d bytes of unpadded base64", ErrMalformedHash, minKey, maxKey)
	}
	return p, salt, key, nil
}

// parseParams reads "m=M,t=T,p=P", written exactly as hashParams.String
// writes it, with values within bounds.
func parseParams(s string) (hashParams, error) {
	var m, t, par uint32
	_, err := fmt.Sscanf(s, "m=%d,t=%d,p=%d", &m, &t, &par)
	p := hashParams{memory: m, time: t, threads: uint8(par)}
	if err != nil || par > 255 || p.String() != s {
		return p, fmt.Errorf("%w: parameters %q, want m=M,t=T,p=P", ErrMalformedHash, s)
	}
	if p.threads < 1 || p.time < 1 || p.time > maxTime || p.memory < 8*uint32(p.threads) || p.memory > maxMemory {
		return p, fmt.Errorf("%w: parameters %q out of range", ErrMalformedHash, s)
	}
	return p, nil
}
