// Package summary is the last screen: what the finished run copied,
// skipped, failed and verified, how long it took, where its journal is,
// its notices and first failures, and the command that verifies again.
package summary

import "github.com/s3migrate/s3migrate/ui/screen"

// Model is the summary screen. Everything it shows is in ctx.Result, so it
// keeps no state of its own.
type Model struct{}

// New builds the screen.
func New() screen.Screen { return &Model{} }

// Capturing is false: q quits here (the router handles it).
func (m *Model) Capturing() bool { return false }

// maxFailures bounds the failures listed, whatever the height.
const maxFailures = 20
