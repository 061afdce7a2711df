package password

import (
	"encoding/json"
	"os"
	"testing"
)

// TestSequenceMatcherPython compares with results computed by Python's
// difflib (testdata/gen_difflib.py).
func TestSequenceMatcherPython(t *testing.T) {
	b, err := os.ReadFile("testdata/difflib_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []struct {
			A, B           string
			Ratio          float64 `json:"ratio"`
			QuickRatio     float64 `json:"quick_ratio"`
			RealQuickRatio float64 `json:"real_quick_ratio"`
			Blocks         [][3]int
			Popular        int
		}
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	popular := 0
	for i, c := range f.Cases {
		m := newSequenceMatcher([]rune(c.A), []rune(c.B))
		if got := m.ratio(); got != c.Ratio {
			t.Errorf("case %d: ratio = %v, Python %v (a=%.30q b=%.30q)", i, got, c.Ratio, c.A, c.B)
		}
		if got := m.quickRatio(); got != c.QuickRatio {
			t.Errorf("case %d: quick_ratio = %v, Python %v", i, got, c.QuickRatio)
		}
		if got := m.realQuickRatio(); got != c.RealQuickRatio {
			t.Errorf("case %d: real_quick_ratio = %v, Python %v", i, got, c.RealQuickRatio)
		}
		blocks := m.matchingBlocks()
		if len(blocks) != len(c.Blocks) {
			t.Errorf("case %d: %d blocks, Python %d", i, len(blocks), len(c.Blocks))
			continue
		}
		for j, bl := range blocks {
			if [3]int{bl.A, bl.B, bl.Size} != c.Blocks[j] {
				t.Errorf("case %d: block %d = %v, Python %v", i, j, bl, c.Blocks[j])
			}
		}
		if c.Popular > 0 {
			popular++
		}
	}
	if len(f.Cases) < 90 || popular < 5 {
		t.Errorf("%d cases, %d exercising autojunk", len(f.Cases), popular)
	}
}
