package prompt

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// ReleasedFile lists the released prompt versions and the SHA-256 of each
// file, in the prompts directory. A released version is never edited: a
// test compares every listed hash with the file, so a change fails CI.
const ReleasedFile = "released.json"

// Released reads the released versions and their hashes from fsys.
func Released(fsys fs.FS) (map[string]string, error) {
	data, err := fs.ReadFile(fsys, ReleasedFile)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	var out map[string]string
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", ReleasedFile, err)
	}
	return out, nil
}

// CheckReleased returns an error naming every released version whose file
// changed or disappeared since its release.
func CheckReleased(fsys fs.FS) error {
	released, err := Released(fsys)
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range sortedKeys(released) {
		p, err := Load(fsys, ref)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("released prompt %s: %w", ref, err))
		case p.Hash != released[ref]:
			errs = append(errs, fmt.Errorf("released prompt %s was edited (sha256 %s, released as %s): restore it and put the change in a new version",
				ref, p.Hash[:12], released[ref][:12]))
		}
	}
	return errors.Join(errs...)
}

// Release records ref as released in dir/released.json with its current
// hash. Releasing a version twice is an error, so a release cannot hide an
// edit.
func Release(dir, ref string) (string, error) {
	fsys := os.DirFS(dir)
	p, err := Load(fsys, ref)
	if err != nil {
		return "", err
	}
	released, err := Released(fsys)
	if err != nil {
		return "", err
	}
	if h, ok := released[ref]; ok {
		return "", fmt.Errorf("prompt %s is already released (sha256 %s)", ref, h[:12])
	}
	released[ref] = p.Hash
	data, err := json.MarshalIndent(released, "", "  ") // map keys marshal sorted
	if err != nil {
		return "", err
	}
	return p.Hash, os.WriteFile(filepath.Join(dir, ReleasedFile), append(data, '\n'), 0o644)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
