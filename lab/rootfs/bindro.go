package rootfs

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// ErrBindROUsage is returned by RunBindRO for arguments it cannot use.
var ErrBindROUsage = errors.New("usage: bind-ro SOURCE TARGET")

// BindReadOnlyOnce makes the bind the ro-bind lesson shows going wrong: one mount(2) call
// with MS_BIND|MS_RDONLY, as a program might write it. The kernel takes only MS_REC from
// the flags of a new bind and ignores MS_RDONLY, so the bind is read-write; mount(8)
// makes it read-only with a second call, MS_REMOUNT|MS_BIND|MS_RDONLY.
func BindReadOnlyOnce(source, target string) error {
	// mount(2): MS_BIND with MS_RDONLY, nothing else.
	if err := unix.Mount(source, target, "", unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
		return &os.PathError{Op: "mount MS_BIND|MS_RDONLY " + source + " on", Path: target, Err: err}
	}
	return nil
}

// RunBindRO is the `nslab bind-ro SOURCE TARGET` applet: BindReadOnlyOnce.
func RunBindRO(args []string) error {
	if len(args) != 2 {
		return ErrBindROUsage
	}
	return BindReadOnlyOnce(args[0], args[1])
}
