package plan

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/ui/style"
)

// dialogKind says what a confirmed dialog does.
type dialogKind int

const (
	dialogApply dialogKind = iota
	// dialogDelete confirms a start that deletes destination objects.
	dialogDelete
	// dialogBucket confirms writing the destination bucket's configuration.
	dialogBucket
)

// dialog is a yes/no question drawn over the screen. It carries what it
// asks about, so the answer applies to what was shown even if a reload
// arrives meanwhile.
type dialog struct {
	kind   dialogKind
	prompt string
	change bucketpolicy.Change
	bucket *bucketconfig.Result // dialogBucket: the plan shown
}

// action is a dialog's answer, for the screen to act on.
type action int

const (
	actionNone action = iota
	actionYes
	actionNo
)

// update maps a key to the dialog's answer; other keys are swallowed.
func (d dialog) update(msg tea.KeyPressMsg) action {
	switch {
	case key.Matches(msg, keyYes):
		return actionYes
	case key.Matches(msg, keyNo):
		return actionNo
	}
	return actionNone
}

// view is the dialog's box.
// The box is as wide as the longest line of the prompt (up to the screen),
// and long lines wrap inside it: a confirmation is never cut.
func (d dialog) view(st style.Styles, width int) string {
	body := st.Bold.Render(d.prompt) + "\n\n" + st.Key.Render("y") + " yes   " + st.Key.Render("n/esc") + " no"
	longest := 0
	for _, l := range strings.Split(d.prompt, "\n") {
		longest = max(longest, ansi.StringWidth(l))
	}
	return st.FocusedPane.Width(min(width, max(40, longest+4))).Render(body)
}
