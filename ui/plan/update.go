package plan

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// Init starts the three background loads.
func (m *Model) Init(state *screen.State) tea.Cmd {
	return m.withSpin(m.loadPolicy(state), m.loadPreflight(state), m.loadDiff(state))
}

// Reenter reads everything again when the operator comes back from a run
// (Esc from the Run screen): the run copied what the diff counted as new or
// changed, and the Summary may have revoked the grant the Policy tab shows,
// so nothing is left stale until m or r is pressed. The numbers shown stay
// until the new ones arrive, marked as being read again.
func (m *Model) Reenter(state *screen.State) tea.Cmd {
	m.refused = false
	return m.withSpin(m.loadPolicy(state), m.loadPreflight(state), m.loadDiff(state))
}

// Update handles keys and the background results.
func (m *Model) Update(state *screen.State, msg tea.Msg) (screen.Screen, tea.Cmd) {
	if cmd, ok := m.spin.Update(msg, m.busy()); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// The router's title, status line and help bar take four rows.
		m.height = max(msg.Height-4, 8)
		m.clampScroll()
		return m, m.resized(state)
	case policyMsg:
		m.policyLoaded(msg)
	case preflightMsg:
		m.preflightLoaded(msg)
	case diffMsg:
		return m, m.diffLoaded(state, msg)
	case pageMsg:
		m.pageLoaded(msg)
	case appliedMsg:
		return m, m.applied(state, msg)
	case savedMsg:
		m.saved(msg)
	case bucketMsg:
		m.bucketLoaded(msg)
		m.bucket.scroll = clamp(m.bucket.scroll, 0, m.bucketMaxScroll())
	case bucketAppliedMsg:
		return m, m.bucketApplied(state, msg)
	case tea.KeyPressMsg:
		return m, m.key(state, msg)
	}
	return m, nil
}

// busy reports background work the spinner stands for.
func (m *Model) busy() bool {
	return m.policy.loading || m.policy.applying || m.preflight.loading || m.diff.loading ||
		m.bucket.loading || m.bucket.applying
}

// withSpin batches cmds with a spinner tick when the spinner is not
// already running (a second tick chain would spin it twice as fast).
func (m *Model) withSpin(cmds ...tea.Cmd) tea.Cmd {
	if m.busy() {
		cmds = append(cmds, m.spin.Start())
	}
	return tea.Batch(cmds...)
}

// key routes a key press: the top dialog first, then the keys of every
// tab, then the current tab's.
func (m *Model) key(state *screen.State, msg tea.KeyPressMsg) tea.Cmd {
	if n := len(m.dialogs); n > 0 {
		d := m.dialogs[n-1]
		switch d.ask.Answer(msg) {
		case widget.Yes:
			m.dialogs = m.dialogs[:n-1]
			return m.confirmed(state, d)
		case widget.No:
			m.dialogs = m.dialogs[:n-1]
		}
		return nil
	}
	m.refused = false
	if m.options.editing {
		return m.filterKey(state, msg) // a filter row of the Options tab takes text
	}
	if m.tab == tabDiff && m.diff.drilled && m.diff.drill.captures() {
		return m.drillKey(state, msg) // a filter being typed, the detail open
	}
	switch {
	case key.Matches(msg, keyNextTab):
		return m.switchTab(state, (m.tab+1)%numTabs)
	case key.Matches(msg, keyPrevTab):
		return m.switchTab(state, (m.tab+numTabs-1)%numTabs)
	case key.Matches(msg, keyTabN):
		return m.switchTab(state, tab(msg.String()[0]-'1'))
	case key.Matches(msg, keyStartShift),
		key.Matches(msg, keyStart) && m.tab != tabDiff && !(m.tab == tabOptions && m.options.cursor.isText()):
		return m.start(state)
	}
	switch m.tab {
	case tabPolicy:
		return m.policyKey(state, msg)
	case tabPreflight:
		return m.preflightKey(state, msg)
	case tabDiff:
		return m.diffKey(state, msg)
	case tabOptions:
		return m.optionsKey(state, msg)
	case tabBucket:
		return m.bucketKey(state, msg)
	}
	return nil
}

// confirmed carries out what a dialog was answered yes to.
func (m *Model) confirmed(state *screen.State, d dialog) tea.Cmd {
	switch d.kind {
	case dialogApply:
		return m.apply(state, d.change)
	case dialogDelete:
		return screen.Navigate(screen.Running)
	case dialogBucket:
		return m.applyBucket(state, d.bucket)
	}
	return nil
}

// switchTab shows another tab; leaving Options re-runs a preflight that an
// option change made stale.
func (m *Model) switchTab(state *screen.State, t tab) tea.Cmd {
	leaving := m.tab
	m.tab = t
	if t == tabBucket && !m.bucket.loaded && !m.bucket.loading && m.bucket.err == nil {
		return m.withSpin(m.loadBucket(state)) // read on first sight
	}
	if leaving != tabOptions || t == tabOptions {
		return nil
	}
	var cmds []tea.Cmd
	if m.preflight.stale {
		cmds = append(cmds, m.loadPreflight(state))
	}
	if m.options.rediff {
		// The filter or an option the estimate prices changed.
		m.options.rediff = false
		cmds = append(cmds, m.loadDiff(state))
	}
	if len(cmds) == 0 {
		return nil
	}
	return m.withSpin(cmds...)
}

// blocked is why Start is refused, or "" when it is not.
func (m *Model) blocked(state *screen.State) string {
	if why := engineBlocked(&state.Options); why != "" {
		return why
	}
	p := &m.preflight
	switch {
	case p.stale:
		return "the options changed: the preflight checks must run again"
	case p.loading || (!p.loaded && p.err == nil):
		return "the preflight checks have not finished"
	case p.err != nil:
		return "the preflight checks could not run (r re-runs them on the Preflight tab)"
	case m.options.deleteWaits && m.diff.loading:
		return "the options changed: the delete question waits for the diff running again"
	}
	if f := p.failing(); len(f) > 0 {
		return "failing preflight checks: " + joinNames(f)
	}
	return ""
}

// start goes to the Running screen unless a preflight check blocks it.
func (m *Model) start(state *screen.State) tea.Cmd {
	if m.preflight.stale {
		m.refused = true
		return m.withSpin(m.loadPreflight(state))
	}
	if m.blocked(state) != "" {
		m.refused = true
		return nil
	}
	if state.Options.Delete && !state.Options.DryRun {
		if m.options.rediff {
			// The question names how many keys the run deletes: after a
			// filter or an option changed on the Options tab, it waits
			// for the diff under them.
			m.options.rediff, m.options.deleteWaits, m.refused = false, true, true
			return m.withSpin(m.loadDiff(state))
		}
		// Deleting is the one thing a run cannot undo: ask once more.
		st := m.diff.sum.Stats
		n := st.Count[transfer.ClassExtra]
		m.dialogs = append(m.dialogs, dialog{kind: dialogDelete, ask: widget.Confirm{
			Title: fmt.Sprintf("Start, and after the copies DELETE %s (%s) found only in the destination, inside:",
				objects(n), transfer.FormatBytes(st.Bytes[transfer.ClassExtra])),
			Body: "  " + strings.Join(deleteScope(state), "\n  ") + "\nNothing outside these folders is read or deleted.",
		}})
		return nil
	}
	return screen.Navigate(screen.Running)
}

// clampScroll keeps every scroll offset in range after a resize or a load.
func (m *Model) clampScroll() {
	m.policy.scroll = clamp(m.policy.scroll, 0, m.policyMaxScroll())
	m.preflight.scroll = clamp(m.preflight.scroll, 0, max(len(m.preflight.checks)-1, 0))
	m.bucket.scroll = clamp(m.bucket.scroll, 0, m.bucketMaxScroll())
}

// scrollBy applies an up/down/page key to an offset in [0, hi]; it reports
// false for other keys.
func scrollBy(msg tea.KeyPressMsg, off *int, hi, page int) bool {
	switch {
	case key.Matches(msg, keyUp):
		*off--
	case key.Matches(msg, keyDown):
		*off++
	case key.Matches(msg, keyPgUp):
		*off -= max(page, 1)
	case key.Matches(msg, keyPgDown):
		*off += max(page, 1)
	default:
		return false
	}
	*off = clamp(*off, 0, hi)
	return true
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// joinNames lists names as "a, b and c".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	s := names[0]
	for _, n := range names[1 : len(names)-1] {
		s += ", " + n
	}
	return s + " and " + names[len(names)-1]
}

// objects is "1 object" or "n objects".
func objects(n int64) string {
	if n == 1 {
		return "1 object"
	}
	return fmt.Sprintf("%d objects", n)
}

// deleteScope names the destination folders a delete stays inside: the
// destination folder, or each selected folder's counterpart there.
func deleteScope(state *screen.State) []string {
	dst := state.DstPrefix
	if dst != "" && !strings.HasSuffix(dst, "/") {
		dst += "/"
	}
	root := "s3://" + state.DstBucket + "/" + dst
	var out []string
	for _, it := range state.Items {
		if strings.HasSuffix(it, "/") {
			out = append(out, root+it)
		}
	}
	if len(state.Items) == 0 {
		out = append(out, root)
	}
	if len(out) == 0 {
		out = append(out, "(none: only single objects are selected)")
	}
	return out
}
