// Package scenarios holds nslab's scripted lessons: the scenario files, their loader and
// validator, the checks that read the live kernel, the step engine that drives a
// scenario for the UI, and the headless runner behind `nslab run`.
//
// # Files
//
// A scenario is one YAML file. The built-in ones are embedded from this directory; the
// two-digit prefix of their names is the teaching order. A teacher adds a directory
// with --scenarios DIR (see LoadDir): new ids are added after the built-in ones, and a
// file replaces a built-in scenario only if it says override: true.
//
//	id: tmpfs                      # lowercase letters, digits, dashes
//	title:   {en: …, ko: …}        # every text in English and Korean
//	summary: {en: …, ko: …}
//	ns_pane: unshared              # or host: the ns pane starts beside the host pane
//	steps:
//	  - pane: host                 # host or ns: where the command is typed
//	    narration: {en: …, ko: …}
//	    command: mount -t tmpfs tmpfs /tmp/mount_test   # optional, one line
//	    timeout: 10s               # optional (default 10s, at most 10m)
//	    hint: {en: …, ko: …}       # optional, shown when a check fails
//	    display_only: true         # optional: the command shows state, changes none
//	    refused: true              # optional: the kernel must refuse it, changing nothing
//	    checks:
//	      - exit: 0                # or: exit: nonzero
//	      - mounted: /tmp/mount_test
//	        fstype: tmpfs
//	        pane: ns               # any pane check: defaults to the step's pane
//
// Placeholders in commands, check arguments, narration and hints: {{workspace}},
// {{rootfs}}, {{canary}}, {{token}} and {{nslab}} (see Workspace). Any other {{…}} is a
// load error.
//
// # Checks
//
// About the command: exit (a status or nonzero), output_contains, output_not_contains,
// output_matches and output_not_matches (Go regexps; (?m) for line anchors; a label
// {en, ko} says in words what the regexp means, shown instead of it), and
// output_shows_ns (a namespace type: the output holds the pane's inode number of that
// namespace as the kernel has it).
//
// A display_only step changes nothing; it needs a check of the kernel that proves what
// it shows. A refused step needs exit: nonzero, a check of its output (the exact error)
// and a check of the kernel (nothing changed). The mutation test (mutation_test.go)
// requires every other step's kernel checks to tell its command from one that only
// prints what it printed.
//
// About the kernel, after the command ends: mounted and not_mounted (a target, with
// optional fstype, source, root, bind_of, options and super_options for mounted);
// same_ns and different_ns (mnt, pid, uts, ipc, net, user, cgroup, time; between the
// two panes); propagation (private, shared, slave, shared+slave or unbindable, with a
// target and an optional peer_with pane, or recursive: true for every mount at or below
// the target); visible and not_visible (a path resolved
// inside the pane's root); chrooted, root_is_mountpoint and mount_copy (true or false);
// pid_in_ns (the PID the pane's process has in its own PID namespace); proc_is_own (true
// when the /proc the pane's process sees lists exactly the processes of its PID namespace,
// as ps there would; false when it lists another's).
//
// Mount targets are paths from the root of the pane's mount namespace, even when the
// pane is chrooted: a chrooted shell's own mount at /escape is checked as
// {{rootfs}}/escape.
//
// # Errors
//
// Every problem in a file is one line, "file:line: what was expected, what was found".
// The commands that run scenarios refuse to start on one.
package scenarios
