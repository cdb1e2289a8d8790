// Package mnt reads, parses, compares and watches Linux mount tables for the lab.
//
// Every mount namespace has one mount table; /proc/PID/mountinfo (proc(5)) shows it as
// seen from PID's root directory. It changes when any process in the namespace mounts,
// unmounts, remounts or changes propagation, and when a mount event propagates in from a
// peer or master in another namespace. Read and Parse give the table; Watch signals each
// change without polling on a timer (poll(2) reports POLLPRI on an open mountinfo file).
//
// Two tables are compared in two ways:
//
//   - Changes: one namespace over time. Mount IDs are stable inside a namespace, so
//     mounts are matched by ID (and key, since the kernel reuses freed IDs at once).
//   - Diff: two namespaces side by side. A new namespace starts with a copy of every
//     mount, and every copy gets a new ID, so IDs mean nothing across namespaces: mounts
//     are matched by mount point plus identity (source, fstype, root, device), see Key.
//
// Only the propagation is parsed beyond what github.com/moby/sys/mountinfo gives: the
// optional fields shared:N, master:N, propagate_from:N and unbindable, none meaning
// private (mount_namespaces(7)).
package mnt
