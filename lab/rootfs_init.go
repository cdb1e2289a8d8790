package lab

import "errors"

// buildRootfs runs in the lab's init, inside the lab's mount namespace.
func buildRootfs(dir string) (string, error) {
	return "", errors.New("rootfs: not built yet")
}
