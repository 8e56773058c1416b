package faultproxy

import (
	"net"
	"syscall"
	"time"
	"unsafe"
)

// waitSent waits, up to max, until the peer has acknowledged every byte
// written to c. A reset discards what the sender has not yet sent, so
// without this wait the client would lose an unpredictable tail of the part
// that was meant to arrive; bytes already in the client's receive queue
// survive the reset on Linux.
func waitSent(c *net.TCPConn, max time.Duration, stop <-chan struct{}) {
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	unsent := func() int {
		var n int32
		var errno syscall.Errno
		if err := rc.Control(func(fd uintptr) {
			_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&n)))
		}); err != nil || errno != 0 {
			return 0
		}
		return int(n)
	}
	deadline := time.Now().Add(max)
	for unsent() > 0 && time.Now().Before(deadline) {
		select {
		case <-stop:
			return
		case <-time.After(time.Millisecond):
		}
	}
}
