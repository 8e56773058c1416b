//go:build !linux

package motoserver

import "os/exec"

// setPdeathsig: only Linux has it; elsewhere moto outlives a killed test
// process (a normal exit of the test binary still leaves it to the OS).
func setPdeathsig(*exec.Cmd) {}

func lockThread() {}
