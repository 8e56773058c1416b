// Command maxrss runs a command and writes its peak resident set size in KiB
// (getrusage's ru_maxrss, what `/usr/bin/time -f %M` prints) to a file.
// bench/sync.sh uses it only where /usr/bin/time is not installed.
//
//	maxrss -o rss.txt -- s3migrate sync …
//
// Standard input and output pass through; the exit code is the command's.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	out := flag.String("o", "", "file to write the peak RSS (KiB) to")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: maxrss -o FILE -- command [args…]")
		os.Exit(2)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "maxrss:", err)
		os.Exit(127)
	}
	// On Linux ru_maxrss is in KiB already.
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if err := os.WriteFile(*out, fmt.Appendf(nil, "%d\n", ru.Maxrss), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "maxrss:", err)
		}
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
