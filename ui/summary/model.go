// Package summary is the last screen: what the finished run copied,
// skipped, failed and verified, how long it took, where its journal is,
// its notices and first failures, and the command that verifies again.
package summary

import (
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// Model is the summary screen. The run's figures are in state.Result; the
// model only tracks a verification started here with v.
type Model struct {
	verifying bool
	verifyErr error
	// verified is set once a verification started with v has ended well:
	// its result is in state.Result.Verify.
	verified bool

	// The revocation of the grant, started with g (see revoke.go).
	revoke       revokeState
	revokeChange bucketpolicy.Change
	revokeNote   string
	revokeErr    error

	// failCursor is the highlighted failure; detail shows it whole.
	failCursor int
	detail     bool
}

// verifiedMsg carries the result of a verification started with v.
type verifiedMsg struct {
	res *transfer.VerifyResult
	err error
}

// New builds the screen.
func New() screen.Screen { return &Model{} }

// Capturing is true while the revoke question waits for y or n, and while
// a failure is shown whole (esc closes it); otherwise q quits here (the
// router handles it).
func (m *Model) Capturing() bool { return m.revoke == revokeConfirm || m.detail }

// maxFailures bounds the failures listed, whatever the height.
const maxFailures = 20
