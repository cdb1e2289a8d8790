// Package share serves a running lab to spectators: an SSH server (wish) on
// which each student's terminal gets its own read-only copy of the lab, drawn
// at its own size by the tui package's Viewer, and a web page that shows the
// same live view in a browser.
//
// Nothing here touches the kernel or the panes: a tui.Share is the only way
// in, and it hands out read-only views. Nothing listens unless the teacher
// asks (--share, --share-web), and Close ends every listener and session.
package share
