package main

import (
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/nslab/nslab/share"
	"github.com/nslab/nslab/tui"
)

// checkShare checks --share and --share-web: host:port addresses (the host
// may be empty: every address), with the lab or the walkthrough only.
func checkShare(c config) error {
	for _, f := range []struct{ name, addr string }{{"--share", c.share}, {"--share-web", c.shareWeb}} {
		if f.addr == "" {
			continue
		}
		if c.shareMax < 1 {
			return usageError{fmt.Sprintf("--share-max %d: at least one viewer", c.shareMax)}
		}
		if c.command != "" && c.command != "walkthrough" {
			return usageError{f.name + " goes with the lab or walkthrough: nslab walkthrough " + f.name + " :2222"}
		}
		_, port, err := net.SplitHostPort(f.addr)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
			return usageError{fmt.Sprintf("%s %q: give an address and port such as :2222 or 10.0.0.5:2222", f.name, f.addr)}
		}
	}
	return nil
}

// sharing is what --share and --share-web started; a nil *sharing is none.
type sharing struct {
	share *tui.Share
	ssh   *share.SSHServer
	web   *share.WebServer
	once  sync.Once
}

// startSharing listens on the addresses the teacher gave, if any, and sets
// the class code.
func startSharing(c config) (*sharing, error) {
	if c.share == "" && c.shareWeb == "" {
		return nil, nil
	}
	code, err := share.NewCode()
	if err != nil {
		return nil, err
	}
	sh := &sharing{share: tui.NewShare(c.shareMax)}
	info := tui.ShareInfo{Code: code}
	if c.share != "" {
		key, err := share.HostKeyPath()
		if err != nil {
			return nil, err
		}
		if sh.ssh, err = share.ListenSSH(c.share, sh.share, code, key); err != nil {
			return nil, err
		}
		info.SSH = share.SSHCommand(sh.ssh.Addr())
	}
	if c.shareWeb != "" {
		if sh.web, err = share.ListenWeb(c.shareWeb, sh.share, code, c.lang); err != nil {
			sh.close()
			return nil, err
		}
		info.Web = sh.web.URL()
	}
	sh.share.SetInfo(info)
	return sh, nil
}

// close ends every viewer and listener.
func (sh *sharing) close() {
	if sh == nil {
		return
	}
	sh.once.Do(func() {
		sh.share.Close()
		if sh.ssh != nil {
			_ = sh.ssh.Close()
		}
		if sh.web != nil {
			_ = sh.web.Close()
		}
	})
}
