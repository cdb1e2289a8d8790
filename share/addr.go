package share

import (
	"net"
	"os"
	"strconv"
)

// SSHCommand is what a student types to join: "ssh -p 2222 10.0.0.5".
func SSHCommand(a net.Addr) string {
	host, port := Reachable(a)
	if port == "22" {
		return "ssh " + host
	}
	return "ssh -p " + port + " " + host
}

// Reachable names a listening address as others reach it: an unspecified
// address (every interface) becomes this machine's first non-loopback IPv4
// address, or its host name.
func Reachable(a net.Addr) (host, port string) {
	t, ok := a.(*net.TCPAddr)
	if !ok {
		h, p, _ := net.SplitHostPort(a.String())
		return h, p
	}
	port = strconv.Itoa(t.Port)
	if !t.IP.IsUnspecified() {
		return t.IP.String(), port
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, ad := range addrs {
			if n, ok := ad.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
				return n.IP.String(), port
			}
		}
	}
	if h, err := os.Hostname(); err == nil {
		return h, port
	}
	return "localhost", port
}
