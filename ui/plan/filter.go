package plan

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/internal/units"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
)

// The filter rows of the Options tab take text, as the command line's
// --exclude/--include, --min-size, --max-size, --newer-than and
// --older-than do, read the same way: enter edits a row, enter again
// accepts what was typed (or says why not), esc leaves it as it was.

// isText reports a row edited as text.
func (f field) isText() bool {
	return (f >= fieldExclude && f <= fieldOlder) || f == fieldKMSKey || f == fieldBatchBucket || f == fieldBatchRole
}

// editFilter opens the row under the cursor for typing.
func (m *Model) editFilter(state *screen.State) tea.Cmd {
	o := &m.options
	in := style.TextInput(state.Styles)
	in.Prompt = ""
	in.Placeholder = filterPlaceholder(o.cursor)
	in.SetValue(o.text[o.cursor])
	in.CursorEnd()
	o.input, o.editing, o.inputErr = in, true, ""
	return o.input.Focus()
}

// filterPlaceholder is the hint an empty row's input shows.
func filterPlaceholder(f field) string {
	switch f {
	case fieldExclude, fieldInclude:
		return "patterns separated by spaces: * ? [abc]"
	case fieldMinSize, fieldMaxSize:
		return "64MiB, 1G, 500KB or bytes; empty: no bound"
	case fieldKMSKey:
		return "a key ARN, id or alias/NAME; empty: the account's default key"
	case fieldBatchBucket:
		return "s3://bucket/prefix/ in the destination account"
	case fieldBatchRole:
		return "arn:aws:iam::ACCOUNT:role/NAME; empty: s3migrate shows one and creates it after a yes"
	}
	return "an age 7d, 36h, 2w or a date 2025-01-31; empty: none"
}

// filterKey handles a key while a filter row takes text.
func (m *Model) filterKey(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	o := &m.options
	switch msg.String() {
	case "esc":
		o.editing, o.inputErr = false, ""
		return nil
	case "enter":
		set := m.setFilter
		switch o.cursor {
		case fieldBatchBucket, fieldBatchRole:
			set = m.setBatch
		case fieldKMSKey:
			set = m.setKMSKey
		}
		if err := set(state, o.cursor, o.input.Value(), time.Now()); err != nil {
			o.inputErr = err.Error()
			return nil
		}
		o.editing, o.inputErr = false, ""
		return nil
	}
	var cmd tea.Cmd
	o.input, cmd = o.input.Update(msg)
	return cmd
}

// setFilter reads text into the filter row f of state.Options.Filter, as
// the command line reads the same flag; an age is counted back from now,
// so the run selects what the plan showed. The whole filter is checked
// (a size window that keeps nothing is refused) before anything changes.
func (m *Model) setFilter(state *screen.State, f field, text string, now time.Time) error {
	text = strings.TrimSpace(text)
	flt := state.Options.Filter.Clone()
	var err error
	switch f {
	case fieldExclude, fieldInclude:
		pats := strings.Fields(text)
		for _, p := range pats {
			if _, err := migration.NewFilter([]migration.Rule{{Pattern: p}}, migration.Window{}); err != nil {
				return err
			}
		}
		if f == fieldExclude {
			flt.Exclude = pats
		} else {
			flt.Include = pats
		}
	case fieldMinSize, fieldMaxSize:
		var n int64
		if text != "" {
			if n, err = units.ParseSize(text); err != nil {
				return err
			}
		}
		if f == fieldMinSize {
			flt.MinSize = n
		} else {
			flt.MaxSize = n
		}
	case fieldNewer, fieldOlder:
		var t time.Time
		if text != "" {
			if t, err = units.ParseWhen(text, now); err != nil {
				return err
			}
		}
		if f == fieldNewer {
			flt.NewerThan = t
		} else {
			flt.OlderThan = t
		}
	}
	w := migration.Window{MinSize: flt.MinSize, MaxSize: flt.MaxSize, NewerThan: flt.NewerThan, OlderThan: flt.OlderThan}
	if err := w.Check(); err != nil {
		return err
	}
	state.Options.Filter = flt
	m.options.text[f] = text
	m.options.rediff = true
	return nil
}

// filterValue is how a filter row reads when it is not being edited.
func (m *Model) filterValue(state *screen.State, f field) string {
	flt := state.Options.Filter
	none := func(s string) string { return state.Styles.Subtle.Render(s) }
	switch f {
	case fieldExclude, fieldInclude:
		pats := flt.Exclude
		if f == fieldInclude {
			pats = flt.Include
		}
		if len(pats) == 0 {
			return none("none")
		}
		return strings.Join(pats, " ")
	case fieldMinSize, fieldMaxSize:
		n := flt.MinSize
		if f == fieldMaxSize {
			n = flt.MaxSize
		}
		if n == 0 {
			return none("no bound")
		}
		return transfer.FormatBytes(n) + fmt.Sprintf(" (%d bytes)", n)
	}
	t := flt.NewerThan
	if f == fieldOlder {
		t = flt.OlderThan
	}
	if t.IsZero() {
		return none("none")
	}
	when := t.UTC().Format("2006-01-02 15:04 UTC")
	if typed := m.options.text[f]; typed != "" && !strings.HasPrefix(when, typed) {
		return typed + " → " + when
	}
	return when
}

// filterRows are the filter's rows of the form, with their hints.
func filterRows() []struct {
	f          field
	name, hint string
} {
	return []struct {
		f          field
		name, hint string
	}{
		{fieldExclude, "Exclude", "enter edits: keys (relative to the source folder) left out"},
		{fieldInclude, "Include", "enter edits: taken back after the excludes"},
		{fieldMinSize, "Min size", "enter edits: only objects at least this large"},
		{fieldMaxSize, "Max size", "enter edits: only objects at most this large"},
		{fieldNewer, "Newer than", "enter edits: only objects modified since"},
		{fieldOlder, "Older than", "enter edits: only objects modified before"},
	}
}

// keyEdit opens a filter row (enter is Start on the other rows).
var keyEdit = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit"))

// keyAccept and keyLeave are the help bar's keys while a row is edited.
var (
	keyAccept = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "accept"))
	keyLeave  = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave as it was"))
)
