package style

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The whole placeholder shows, not its first character.
func TestTextInputShowsTheWholeHint(t *testing.T) {
	in := TextInput(New(true))
	in.Prompt = "destination prefix: "
	in.Placeholder = "none: keys keep their names"
	in.Focus()
	if v := ansi.Strip(in.View()); !strings.Contains(v, "none: keys keep their names") {
		t.Errorf("input view %q lacks the whole hint", v)
	}
}
