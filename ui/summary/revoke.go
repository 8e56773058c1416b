package summary

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// Least privilege ends with the migration: g plans removing the
// destination identity's read grant from the origin bucket policy (its
// statements only), shows what goes, and applies after a y — and only if
// the policy is still the one the plan was made from.

// revokeState is where a revocation started with g stands.
type revokeState int

const (
	revokeIdle revokeState = iota
	revokePlanning
	revokeConfirm
	revokeApplying
)

type (
	revokePlannedMsg struct {
		change bucketpolicy.Change
		err    error
	}
	revokeAppliedMsg struct{ err error }
)

// startRevoke plans the revocation in a command.
func (m *Model) startRevoke(state *screen.State) tea.Cmd {
	m.revoke, m.revokeNote, m.revokeErr = revokePlanning, "", nil
	ctx, b, mig := state.Context(), state.Backend, state.Migration()
	if r := state.Result; r != nil && r.Journal != "" {
		// The run's journal names a batch job's role, whose grant goes too.
		mig.Journal = r.Journal
	}
	return func() tea.Msg {
		c, err := b.RevokeChange(ctx, mig)
		return revokePlannedMsg{change: c, err: err}
	}
}

// revokeUpdate handles the revocation's messages and its y/n question.
func (m *Model) revokeUpdate(state *screen.State, msg tea.Msg) (bool, tea.Cmd) {
	switch msg := msg.(type) {
	case revokePlannedMsg:
		m.revoke = revokeIdle
		switch {
		case msg.err != nil:
			m.revokeErr = msg.err
		case msg.change.Unchanged():
			m.revokeNote = fmt.Sprintf("s3://%s has no s3migrate grant for %s: nothing to revoke", msg.change.Bucket, msg.change.Grantee)
		default:
			m.revoke, m.revokeChange = revokeConfirm, msg.change
		}
		return true, nil
	case revokeAppliedMsg:
		m.revoke = revokeIdle
		switch {
		case errors.Is(msg.err, bucketpolicy.ErrChanged):
			m.revokeErr = fmt.Errorf("the bucket policy changed since the plan: nothing was written; press g to see the new one")
		case msg.err != nil:
			m.revokeErr = msg.err
		default:
			m.revokeNote = fmt.Sprintf("revoked: s3://%s no longer grants %s the migration's read access", m.revokeChange.Bucket, m.revokeChange.Grantee)
		}
		return true, nil
	case tea.KeyPressMsg:
		if m.revoke != revokeConfirm {
			return false, nil
		}
		switch revokeQuestion(m.revokeChange).Answer(msg) {
		case widget.Yes:
			m.revoke = revokeApplying
			// Not the screen's context: a write the operator confirmed is
			// not cut off halfway because they left the screen.
			b, mig, c := state.Backend, state.Migration(), m.revokeChange
			return true, func() tea.Msg { return revokeAppliedMsg{err: b.ApplyPolicy(context.Background(), mig, c)} }
		case widget.No:
			m.revoke, m.revokeNote = revokeIdle, "the grant stays"
		}
		return true, nil
	}
	return false, nil
}

// revokeView is the revocation's lines under the verify hint.
func (m *Model) revokeView(st style.Styles, width int) []string {
	switch {
	case m.revoke == revokePlanning:
		return []string{st.Warn.Render("reading the origin bucket policy…")}
	case m.revoke == revokeApplying:
		return []string{st.Warn.Render("removing the grant…")}
	case m.revokeErr != nil:
		return text.Wrap(st.Error.Render("revoke: "+text.OneLine(m.revokeErr.Error())), width)
	case m.revokeNote != "":
		return text.Wrap(st.OK.Render(m.revokeNote), width)
	}
	return []string{st.Subtle.Render("g revokes the migration's read grant on the origin bucket (least privilege ends with the migration)")}
}

// revokeQuestion asks before removing the grant: whose, on which bucket,
// and what of it.
func revokeQuestion(c bucketpolicy.Change) widget.Confirm {
	what := "all of s3://" + c.Bucket
	if len(c.Withdrawn) > 0 && !(len(c.Withdrawn) == 1 && c.Withdrawn[0] == "") {
		what = strings.Join(c.Withdrawn, ", ")
	}
	return widget.Confirm{
		Title: fmt.Sprintf("Remove the read grant of %s on s3://%s (%s)?", c.Grantee, c.Bucket, what),
		Body:  "Other statements stay as they are.",
		Yes:   "remove", No: "keep it",
	}
}
