package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/triage-oss/triage/internal/kb"
)

// textFiles are the public datasets' files whose lines make the
// benchmark's passages and items, in the order they are read.
var textFiles = []string{
	"tweeteval/offensive/train_text.txt", "tweeteval/hate/train_text.txt", "tweeteval/emotion/train_text.txt",
	"tweeteval/irony/train_text.txt", "tweeteval/sentiment/val_text.txt", "smsspam/SMSSpamCollection.tsv",
	"banking77/train.csv", "complaints/complaints.csv", "davidson/labeled_data.csv",
}

// minTextBytes is the shortest line kept as a text.
const minTextBytes = 20

// Texts returns the lines longer than 20 bytes of the public datasets
// under dataDir (tweets, SMS, banking questions, complaints), trimmed, in
// a fixed order: about 67,000 real short texts.
func Texts(dataDir string) ([]string, error) {
	var texts []string
	for _, name := range textFiles {
		f, err := os.Open(filepath.Join(dataDir, name))
		if err != nil {
			return nil, fmt.Errorf("dataset texts (the public datasets, see TRIAGE_DATA_DIR): %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			if t := strings.TrimSpace(sc.Text()); len(t) > minTextBytes {
				texts = append(texts, t)
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
	return texts, nil
}

// KBArticles returns the knowledge base of the retrieval benchmarks: n
// one-passage articles, bench-000000 to bench-<n-1>, titled "Note i",
// cycling through the texts of the public datasets under dataDir. The
// first n of a larger base are the same articles.
func KBArticles(dataDir string, n int) ([]kb.Article, error) {
	texts, err := Texts(dataDir)
	if err != nil {
		return nil, err
	}
	arts := make([]kb.Article, n)
	for i := range arts {
		arts[i] = kb.Article{ID: fmt.Sprintf("bench-%06d", i), Title: fmt.Sprintf("Note %d", i),
			Sections: []kb.Section{{Paragraphs: []string{texts[i%len(texts)]}}}}
	}
	return arts, nil
}
