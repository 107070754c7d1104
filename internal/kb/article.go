package kb

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/net/html"
)

// Article is one knowledge-base document, parsed.
type Article struct {
	ID       string         `json:"id"` // stable: a JSONL id or the file's path without extension
	Title    string         `json:"title"`
	URL      string         `json:"url,omitempty"`
	Metadata map[string]any `json:"metadata,omitempty"`
	Sections []Section      `json:"-"`
}

// Hash identifies an article's content: a re-import with the same hash
// changes nothing.
func (a Article) Hash() []byte {
	h := sha256.New()
	meta, _ := json.Marshal(a.Metadata) // map keys marshal sorted
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", a.Title, a.URL, meta)
	for _, s := range a.Sections {
		fmt.Fprintf(h, "%s\x00", s.Heading)
		for _, p := range s.Paragraphs {
			fmt.Fprintf(h, "%s\x00", p)
		}
	}
	return h.Sum(nil)
}

// Chunks splits the article into passages.
func (a Article) Chunks() []Chunk { return Split(a.Title, a.Sections) }

// MaxArticleBytes bounds one imported file or JSONL line.
const MaxArticleBytes = 4 << 20

// ReadPath reads the articles at path: a JSONL file (one article per line,
// {"id","title","body","url","metadata"} or the StackFAQ shape
// {"id","question","answers"}), a single .md/.markdown/.html/.htm/.txt
// file, or a folder of them (walked recursively, other files ignored).
func ReadPath(path string) ([]Article, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if strings.HasSuffix(path, ".jsonl") {
			return readJSONL(path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		a, err := parseFile(filepath.Base(path), data)
		if err != nil {
			return nil, err
		}
		return []Article{a}, nil
	}
	return ReadFS(os.DirFS(path))
}

// ReadFS reads every .md/.markdown/.html/.htm/.txt file of fsys, walked
// recursively; an article's id is its path without extension.
func ReadFS(fsys fs.FS) ([]Article, error) {
	var out []Article
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || kindOf(p) == "" {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		a, err := parseFile(p, data)
		if err == nil {
			out = append(out, a)
		}
		return err
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

func kindOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown":
		return "markdown"
	case ".html", ".htm":
		return "html"
	case ".txt":
		return "text"
	}
	return ""
}

// parseFile parses one article file; its id is path without extension.
func parseFile(path string, data []byte) (Article, error) {
	if len(data) > MaxArticleBytes {
		return Article{}, fmt.Errorf("%s: %d bytes, at most %d", path, len(data), MaxArticleBytes)
	}
	id := filepath.ToSlash(strings.TrimSuffix(path, filepath.Ext(path)))
	var a Article
	var err error
	switch kindOf(path) {
	case "html":
		a, err = ParseHTML(id, data)
	case "text":
		a = ParseText(id, string(data))
	case "markdown":
		a = ParseMarkdown(id, string(data))
	default:
		return Article{}, fmt.Errorf("%s: not a .md, .html or .txt file", path)
	}
	if err != nil {
		return Article{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(a.Sections) == 0 {
		return Article{}, fmt.Errorf("%s: no text", path)
	}
	return a, nil
}

// jsonArticle is a JSONL line in either accepted shape.
type jsonArticle struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Body     string         `json:"body"`
	URL      string         `json:"url"`
	Metadata map[string]any `json:"metadata"`
	Question string         `json:"question"`
	Answers  []string       `json:"answers"`
}

func readJSONL(path string) ([]Article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), MaxArticleBytes)
	var out []Article
	seen := map[string]bool{}
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		a, err := parseJSONArticle(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		if seen[a.ID] {
			return nil, fmt.Errorf("%s line %d: id %q repeated", path, line, a.ID)
		}
		seen[a.ID] = true
		out = append(out, a)
	}
	return out, sc.Err()
}

func parseJSONArticle(line []byte) (Article, error) {
	var j jsonArticle
	if err := json.Unmarshal(line, &j); err != nil {
		return Article{}, err
	}
	if j.ID == "" {
		return Article{}, errors.New("id is required")
	}
	if j.Question != "" || len(j.Answers) > 0 { // StackFAQ
		a := Article{ID: j.ID, Title: strings.TrimSpace(j.Question), URL: j.URL, Metadata: j.Metadata}
		a.Sections = []Section{{Paragraphs: nonEmpty(j.Answers)}}
		return a, checkText(a)
	}
	a := ParseMarkdown(j.ID, j.Body)
	a.Title = firstNonEmpty(strings.TrimSpace(j.Title), a.Title)
	a.URL, a.Metadata = firstNonEmpty(j.URL, a.URL), j.Metadata
	return a, checkText(a)
}

func checkText(a Article) error {
	if a.Title == "" && len(a.Sections) == 0 {
		return errors.New("no title and no text")
	}
	if len(a.Sections) == 0 {
		return errors.New("no text")
	}
	return nil
}

func nonEmpty(ps []string) []string {
	var out []string
	for _, p := range ps {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ParseMarkdown reads an article: the first "# " heading is the title (the
// id otherwise), a "URL: ..." line right after it the URL, "##"/"###"
// headings start sections, blank lines separate paragraphs.
func ParseMarkdown(id, src string) Article {
	a := Article{ID: id}
	cur := Section{}
	var para []string
	endPara := func() {
		if p := strings.TrimSpace(strings.Join(para, "\n")); p != "" {
			cur.Paragraphs = append(cur.Paragraphs, p)
		}
		para = nil
	}
	endSection := func() {
		endPara()
		if len(cur.Paragraphs) > 0 {
			a.Sections = append(a.Sections, cur)
		}
		cur = Section{}
	}
	for line := range strings.Lines(src) {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "# ") && a.Title == "":
			a.Title = strings.TrimSpace(t[2:])
		case strings.HasPrefix(t, "URL:") && a.URL == "" && len(a.Sections) == 0 && len(cur.Paragraphs) == 0:
			a.URL = strings.TrimSpace(t[4:])
		case strings.HasPrefix(t, "#"):
			endSection()
			cur.Heading = strings.TrimSpace(strings.TrimLeft(t, "#"))
		case t == "":
			endPara()
		default:
			para = append(para, t)
		}
	}
	endSection()
	a.Title = firstNonEmpty(a.Title, id)
	return a
}

// ParseText reads a plain-text article: the first line is the title,
// blank lines separate paragraphs.
func ParseText(id, src string) Article {
	title, rest, _ := strings.Cut(strings.TrimSpace(src), "\n")
	a := ParseMarkdown(id, rest)
	a.Title = firstNonEmpty(strings.TrimSpace(title), id)
	return a
}

// ParseHTML reads an HTML article: <title> or the first <h1> is the
// title, <h2>-<h4> start sections, block elements end paragraphs; scripts
// and styles are dropped.
func ParseHTML(id string, src []byte) (Article, error) {
	var md strings.Builder
	z := html.NewTokenizer(bytes.NewReader(src))
	skip := 0
	var title string
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				a := ParseMarkdown(id, md.String())
				if a.Title == id && title != "" {
					a.Title = title
				}
				return a, nil
			}
			return Article{}, z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "nav", "footer":
				skip++
			case "title":
				inTitle = true
			case "h1":
				md.WriteString("\n\n# ")
			case "h2", "h3", "h4":
				md.WriteString("\n\n## ")
			case "p", "div", "li", "br", "tr", "section", "article", "pre", "blockquote":
				md.WriteString("\n\n")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "nav", "footer":
				skip = max(0, skip-1)
			case "title":
				inTitle = false
			case "h1", "h2", "h3", "h4":
				md.WriteString("\n\n")
			}
		case html.TextToken:
			text := strings.Join(strings.Fields(string(z.Text())), " ")
			switch {
			case inTitle:
				title = text
			case skip == 0 && text != "":
				md.WriteString(text + " ")
			}
		}
	}
}
