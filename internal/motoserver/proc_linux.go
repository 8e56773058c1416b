package motoserver

import (
	"os/exec"
	"runtime"
	"syscall"
)

// setPdeathsig kills moto when the thread that started it ends, which
// lockThread makes the end of the test process.
func setPdeathsig(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

func lockThread() { runtime.LockOSThread() }
