package users

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// cheap are parameters fast enough for tests that do not check the real
// ones.
var cheap = hashParams{memory: 64, time: 1, threads: 1}

func TestHashPassword(t *testing.T) {
	t.Parallel()
	const password = "correct horse battery staple"

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		h, err := HashPassword(password)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$"), h)
		parts := strings.Split(h, "$")
		require.Len(t, parts, 6)
		salt, err := b64.DecodeString(parts[4])
		require.NoError(t, err)
		require.Len(t, salt, 16)
		key, err := b64.DecodeString(parts[5])
		require.NoError(t, err)
		require.Len(t, key, 32)
		require.NotContains(t, h, password)

		ok, err := VerifyPassword(h, password)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = VerifyPassword(h, password+" ")
		require.NoError(t, err)
		require.False(t, ok, "wrong password")
	})

	t.Run("FreshSalt", func(t *testing.T) {
		t.Parallel()
		a, err := hashWith(cheap, password)
		require.NoError(t, err)
		b, err := hashWith(cheap, password)
		require.NoError(t, err)
		require.NotEqual(t, a, b)
	})

	t.Run("ParametersReadFromHash", func(t *testing.T) {
		t.Parallel()
		h, err := hashWith(hashParams{memory: 256, time: 3, threads: 2}, password)
		require.NoError(t, err)
		require.Contains(t, h, "$m=256,t=3,p=2$")
		ok, err := VerifyPassword(h, password)
		require.NoError(t, err)
		require.True(t, ok, "verified with the hash's parameters, not the current ones")

		// The same salt and key under other parameters are another hash.
		for _, params := range []string{"m=256,t=2,p=2", "m=512,t=3,p=2", "m=256,t=3,p=1"} {
			ok, err := VerifyPassword(strings.Replace(h, "m=256,t=3,p=2", params, 1), password)
			require.NoError(t, err, params)
			require.False(t, ok, params)
		}
	})

	t.Run("Tampered", func(t *testing.T) {
		t.Parallel()
		h, err := hashWith(cheap, password)
		require.NoError(t, err)
		parts := strings.Split(h, "$")
		for i, part := range []int{4, 5} { // salt, key
			p := append([]string(nil), parts...)
			p[part] = flipFirst(p[part])
			ok, err := VerifyPassword(strings.Join(p, "$"), password)
			require.NoError(t, err, i)
			require.False(t, ok, i)
		}
	})

	t.Run("Malformed", func(t *testing.T) {
		t.Parallel()
		const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
		_, err := VerifyPassword("$argon2id$v=19$m=64,t=1,p=1$"+salt+"$"+key, password)
		require.NoError(t, err, "the well-formed hash the cases below break")
		for name, hash := range map[string]string{
			"empty":           "",
			"plain":           password,
			"bcrypt":          "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
			"argon2i":         "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
			"old version":     "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
			"no version":      "$argon2id$m=64,t=1,p=1$" + salt + "$" + key,
			"missing p":       "$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
			"extra param":     "$argon2id$v=19$m=64,t=1,p=1,k=1$" + salt + "$" + key,
			"reordered":       "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
			"spaces":          "$argon2id$v=19$m= 64,t=1,p=1$" + salt + "$" + key,
			"zero time":       "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
			"zero threads":    "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
			"256 threads":     "$argon2id$v=19$m=4096,t=1,p=256$" + salt + "$" + key,
			"negative":        "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key,
			"memory too low":  "$argon2id$v=19$m=8,t=1,p=2$" + salt + "$" + key,
			"memory huge":     "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key,
			"too many passes": "$argon2id$v=19$m=64,t=1000000,p=1$" + salt + "$" + key,
			"salt not b64":    "$argon2id$v=19$m=64,t=1,p=1$sa!t$" + key,
			"salt too short":  "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key,
			"padded key":      "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "=",
			"key too short":   "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5",
			"no key":          "$argon2id$v=19$m=64,t=1,p=1$" + salt,
			"trailing field":  "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
		} {
			ok, err := VerifyPassword(hash, password)
			require.ErrorIs(t, err, ErrMalformedHash, name)
			require.False(t, ok, name)
			require.NotContains(t, err.Error(), salt, "%s: the error does not repeat the hash", name)
		}
	})
}

// flipFirst changes the first character of a base64 string to another
// base64 character.
func flipFirst(s string) string {
	c := byte('A')
	if s[0] == 'A' {
		c = 'B'
	}
	return string(c) + s[1:]
}
