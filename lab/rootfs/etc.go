package rootfs

import "fmt"

// etcFile is a small text file Build writes into the rootfs.
type etcFile struct {
	path string
	text string
}

// etcFiles are the files that make the rootfs usable and recognisable: a root user, a
// hostname, an os-release(5), the bash hook for the lab's rc, and the marker in /.
func etcFiles(source Source) []etcFile {
	from := "host binaries and their shared libraries"
	if source == SourceBusybox {
		from = "busybox"
	}
	return []etcFile{
		{"/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"},
		{"/etc/group", "root:x:0:\n"},
		{"/etc/hostname", "nslab-rootfs\n"},
		{"/etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files\n"},
		{OSReleasePath, fmt.Sprintf("NAME=\"nslab lab rootfs\"\nID=nslab\n"+
			"PRETTY_NAME=\"nslab lab rootfs (%s)\"\n", from)},
		{SystemBashRCPath, "# nslab: bash in the lab rootfs keeps the lab's prompt and command marks.\n" +
			"if [ -r " + BashRCPath + " ]; then . " + BashRCPath + "\n" +
			"elif [ -r " + ShellRCPath + " ]; then . " + ShellRCPath + "\nfi\n"},
		{MarkerPath, markerText("This directory tree was built by nslab from " + from + ", in the lab's\nworkspace")},
	}
}

// markerText is the marker file's text; origin says where the tree came from and in
// which words.
func markerText(origin string) string {
	return fmt.Sprintf(`You are inside the nslab lab rootfs.

%s (%s on the lab host). A process whose root is here sees
only this tree: that is what chroot(2) and pivot_root(2) change.

The host canary (%s) lives outside this tree. If you can read it,
you have left the rootfs.

%s provides the escape applets of the chroot-escape scenario.
`, origin, RootfsDir, CanaryPath, NslabPath)
}
