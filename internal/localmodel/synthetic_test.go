package localmodel

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// writeSyntheticData writes a tiny data directory in the layout of
// shared/data, with made-up texts whose classes are told apart by a few
// words, and returns its path.
func writeSyntheticData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	pair := func(i int, pos bool, posWords, negWords string) string {
		if pos {
			return fmt.Sprintf("%s number %d again", posWords, i)
		}
		return fmt.Sprintf("%s number %d again", negWords, i)
	}
	tweetEval := map[string][3]string{ // task: mapping, words of label 1, words of label 0
		"irony":     {"0\tnon_irony\n1\tirony\n", "oh great just perfect", "the train left on time"},
		"offensive": {"0\tnot-offensive\n1\toffensive\n", "you stupid idiot", "have a lovely day"},
		"hate":      {"0\tnot-hate\n1\thate\n", "those people are vermin", "the weather is mild"},
		"emotion":   {"0\tanger\n1\tjoy\n2\toptimism\n3\tsadness\n", "so happy and glad", "so angry and furious"},
		"sentiment": {"0\tnegative\n1\tneutral\n2\tpositive\n", "wonderful lovely great", "terrible awful bad"},
	}
	for task, v := range tweetEval {
		sub := filepath.Join(dir, "tweeteval", task)
		require.NoError(t, os.MkdirAll(sub, 0o755))
		writeFile(t, filepath.Join(sub, "mapping.txt"), v[0])
		for _, split := range []string{"train", "val"} {
			if task == "sentiment" && split == "train" {
				continue
			}
			var texts, labels strings.Builder
			for i := range 30 {
				pos := i%2 == 0
				label := map[bool]string{true: "1", false: "0"}[pos]
				if task == "sentiment" {
					label = map[bool]string{true: "2", false: "0"}[pos]
				}
				fmt.Fprintln(&texts, pair(i, pos, v[1], v[2]))
				fmt.Fprintln(&labels, label)
			}
			writeFile(t, filepath.Join(sub, split+"_text.txt"), texts.String())
			writeFile(t, filepath.Join(sub, split+"_labels.txt"), labels.String())
		}
	}
	var sms, comp, dav, isar, bank strings.Builder
	fmt.Fprintln(&comp, "id,text,complaint,domain")
	fmt.Fprintln(&dav, ",count,hate_speech,offensive_language,neither,class,tweet")
	fmt.Fprintln(&isar, ",tweet,sarcastic")
	fmt.Fprintln(&bank, "text,category")
	cats := []string{"card_arrival", "exchange_rate", "transaction_charged_twice", "compromised_card"}
	for i := range 60 {
		pos := i%2 == 0
		fmt.Fprintf(&sms, "%s\t%s\n", map[bool]string{true: "spam", false: "ham"}[pos], pair(i, pos, "win free prize call now", "see you at lunch"))
		fmt.Fprintf(&comp, "%d,%s,%d,retail\n", i, pair(i, pos, "my order is broken and late", "thanks for the reply"), map[bool]int{true: 1, false: 0}[pos])
		fmt.Fprintf(&dav, "%d,3,0,0,3,%d,%s\n", i, i%3, pair(i, pos, "you trash", "nice game"))
		fmt.Fprintf(&isar, "%d,%s,%d\n", i, pair(i, pos, "love waiting in line for hours", "the meeting is at noon"), map[bool]int{true: 1, false: 0}[pos])
		fmt.Fprintf(&bank, "%s,%s\n", pair(i, pos, "where is my card", "what rate do you use"), cats[i%len(cats)])
	}
	for path, content := range map[string]string{
		"smsspam/SMSSpamCollection.tsv": sms.String(), "complaints/complaints.csv": comp.String(),
		"davidson/labeled_data.csv": dav.String(), "isarcasmeval/train.En.csv": isar.String(), "banking77/train.csv": bank.String(),
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, path)), 0o755))
		writeFile(t, filepath.Join(dir, path), content)
	}
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}
