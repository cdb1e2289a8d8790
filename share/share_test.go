package share

import (
	"net"
	"strings"
	"testing"
)

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != 6 || strings.Trim(c, codeAlphabet) != "" {
			t.Fatalf("code %q: want 6 characters of %q", c, codeAlphabet)
		}
		seen[c] = true
	}
	if len(seen) < 190 {
		t.Fatalf("200 codes, only %d different", len(seen))
	}
}

func TestSSHCommand(t *testing.T) {
	for _, tc := range []struct {
		addr *net.TCPAddr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 2222}, "ssh -p 2222 10.0.0.5"},
		{&net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 22}, "ssh 10.0.0.5"},
	} {
		if got := SSHCommand(tc.addr); got != tc.want {
			t.Errorf("SSHCommand(%v) = %q, want %q", tc.addr, got, tc.want)
		}
	}
	// Every interface: a name others can reach, never 0.0.0.0 or [::].
	host, port := Reachable(&net.TCPAddr{IP: net.IPv4zero, Port: 2222})
	if port != "2222" || host == "" || host == "0.0.0.0" || host == "::" {
		t.Errorf("Reachable(0.0.0.0:2222) = %q, %q", host, port)
	}
}
