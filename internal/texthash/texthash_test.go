package texthash_test

import (
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/texthash"
)

func TestAddIsFNV1a(t *testing.T) {
	t.Parallel()

	for _, s := range []string{"", "a", "delete account", "Ünïcödé 日本語"} {
		want := fnv.New64a()
		want.Write([]byte(s))
		require.Equal(t, want.Sum64(), texthash.Add(texthash.Offset, s), "%q", s)
	}
}

func TestAddByte(t *testing.T) {
	t.Parallel()

	require.Equal(t, texthash.Add(texthash.SeedWord, "ab "), texthash.AddByte(texthash.Add(texthash.SeedWord, "ab"), ' '))
}

func TestBigram(t *testing.T) {
	t.Parallel()

	require.Equal(t, texthash.Add(texthash.SeedBigram, "delete account"), texthash.Bigram("delete", "account"))
	require.NotEqual(t, texthash.Bigram("delete", "account"), texthash.Bigram("account", "delete"))
}

// TestSeedsPinned guards the seeds: changing one changes every stored hash.
func TestSeedsPinned(t *testing.T) {
	t.Parallel()

	require.Equal(t, uint64(0xcbf29ce484222325), uint64(texthash.SeedWord))
	require.Equal(t, uint64(0x55c5e55dfb685f30), uint64(texthash.SeedBigram))
	require.Equal(t, uint64(0x094032d9a3f6c86a), uint64(texthash.SeedChar))
}

func TestAddPaddedRune(t *testing.T) {
	t.Parallel()

	w := "añb" // runes at bytes 0, 1, 3; 4 bytes
	offsets := []int{0, 1, 3, 4}
	var h uint64 = texthash.SeedChar
	for p := range len(offsets) + 1 {
		h = texthash.AddPaddedRune(h, w, offsets, p)
	}
	require.Equal(t, texthash.Add(texthash.SeedChar, " "+w+" "), h)
}
