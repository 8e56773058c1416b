package screen

import "testing"

// The status line shows the mapping the migration really uses.
func TestMapping(t *testing.T) {
	cases := []struct {
		state State
		want  string
	}{
		{State{SrcBucket: "o", DstBucket: "d", DstPrefix: "in", Items: []string{"logs/"}}, "s3://o/logs/ → s3://d/in/logs/"},
		{State{SrcBucket: "o", DstBucket: "d", SrcPrefix: "data/", DstPrefix: "x/"}, "s3://o/data/ → s3://d/x/"},
		{State{SrcBucket: "o", DstBucket: "d", Items: []string{"a/", "b.txt"}}, "s3://o/ → s3://d/ (2 items, same keys below)"},
	}
	for _, c := range cases {
		if got := c.state.Mapping(); got != c.want {
			t.Errorf("Mapping() = %q, want %q", got, c.want)
		}
	}
}
