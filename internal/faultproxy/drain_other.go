//go:build !linux

package faultproxy

import (
	"net"
	"time"
)

// waitSent is a no-op where the send queue cannot be inspected: a reset may
// then drop part of what was written before it.
func waitSent(c *net.TCPConn, max time.Duration, stop <-chan struct{}) {}
