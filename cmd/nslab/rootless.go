package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/nslab/nslab/lab"
)

// needsLab says whether a command starts a lab, or (doctor) tries namespaces for real, and
// so runs in a user namespace of its own when nslab has no root.
func needsLab(command string) bool {
	switch command {
	case "", "walkthrough", "run", "doctor":
		return true
	}
	return false
}

// runRootless runs the same command line again in a user namespace where the user is root
// (lab.StartRootless) and exits as it does. The terminal is passed through as it is: the
// child is in this process's group, so Ctrl-C, Ctrl-\ and window size changes reach it
// from the terminal itself; a signal sent to this process alone is passed on. If this
// process is killed, even with SIGKILL, the child is killed and its lab with it.
// ran is false only when the user namespace was refused and quiet is set: nothing ran or
// was said.
func runRootless(args []string, stderr io.Writer, quiet bool) (code int, ran bool) {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	r, err := lab.StartRootless("", args, os.Environ(), []*os.File{os.Stdin, os.Stdout, os.Stderr})
	if err != nil {
		if errors.Is(err, lab.ErrNoUserNS) && quiet {
			return 0, false
		}
		fmt.Fprintln(stderr, "nslab:", err)
		return exitNotRoot, true
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				r.Signal(s)
			case <-done:
				return
			}
		}
	}()
	st := r.Wait()
	close(done)
	if st == nil {
		return exitFailed, true
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return exitSignal + int(ws.Signal()), true
	}
	return st.ExitCode(), true
}
