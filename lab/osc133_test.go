package lab

import (
	"reflect"
	"strings"
	"testing"
)

func TestMarkScanner(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   []Mark // End is relative to the chunk it ended in
	}{
		{"bel", []string{"\x1b]133;A\x07"}, []Mark{{Kind: 'A', Exit: -1, End: 8}}},
		{"st", []string{"x\x1b]133;B\x1b\\y"}, []Mark{{Kind: 'B', Exit: -1, End: 10}}},
		{"exit status", []string{"\x1b]133;D;127\x07"}, []Mark{{Kind: 'D', Exit: 127, End: 12}}},
		{"exit with params", []string{"\x1b]133;D;2;aid=7\x07"}, []Mark{{Kind: 'D', Exit: 2, End: 16}}},
		{"no status", []string{"\x1b]133;D\x07"}, []Mark{{Kind: 'D', Exit: -1, End: 8}}},
		{"split everywhere", []string{"\x1b", "]1", "33;D", ";", "1", "\x07"}, []Mark{{Kind: 'D', Exit: 1, End: 1}}},
		{"split st", []string{"\x1b]133;C\x1b", "\\"}, []Mark{{Kind: 'C', Exit: -1, End: 1}}},
		{"several", []string{"\x1b]133;D;0\x07\x1b]133;A\x07$ \x1b]133;B\x07"}, []Mark{
			{Kind: 'D', Exit: 0, End: 10}, {Kind: 'A', Exit: -1, End: 18}, {Kind: 'B', Exit: -1, End: 28}}},
		{"other osc ignored", []string{"\x1b]0;title 133;D;1\x07\x1b]1337;x\x07"}, nil},
		{"unknown kind", []string{"\x1b]133;Z\x07"}, nil},
		{"kind needs separator", []string{"\x1b]133;AB\x07"}, nil},
		{"csi is not osc", []string{"\x1b[133;D\x07"}, nil},
		{"can aborts", []string{"\x1b]133;D\x18\x07"}, nil},
		{"osc restarted", []string{"\x1b]0;t\x1b]133;A\x07"}, []Mark{{Kind: 'A', Exit: -1, End: 13}}},
		{"long osc skipped", []string{"\x1b]0;" + string(make([]byte, 500)) + "\x07\x1b]133;A\x07"}, []Mark{{Kind: 'A', Exit: -1, End: 513}}},
		{"c1 osc", []string{"\x9d133;D;3\x9c"}, []Mark{{Kind: 'D', Exit: 3, End: 9}}},
		// A payload of maxOSC bytes is still read; one byte more, and it is not a mark
		// (its exit status could be cut short).
		{"payload of maxOSC", []string{"\x1b]133;D;4;" + strings.Repeat("x", maxOSC-8) + "\x07"}, []Mark{{Kind: 'D', Exit: 4, End: maxOSC + 3}}},
		{"payload over maxOSC", []string{"\x1b]133;D;" + strings.Repeat("1", maxOSC-5) + "\x07"}, nil},
		{"over maxOSC, then a mark", []string{"\x1b]133;D;" + strings.Repeat("1", maxOSC) + "\x1b\\\x1b]133;A\x07"}, []Mark{{Kind: 'A', Exit: -1, End: maxOSC + 18}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s markScanner
			var got []Mark
			for _, c := range tt.chunks {
				got = append(got, s.Scan([]byte(c))...)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// However the stream is cut, the same marks come out.
func FuzzMarkScanner(f *testing.F) {
	f.Add([]byte("\x1b]133;D;0\x07\x1b]133;A\x07$ \x1b]133;B\x07"), uint8(3))
	f.Add([]byte("\x1b]133;C\x1b\\\x1b]0;x\x07"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, cut uint8) {
		var whole markScanner
		want := whole.Scan(data)
		var parts markScanner
		var got []Mark
		step := int(cut)%7 + 1
		for i := 0; i < len(data); i += step {
			j := min(i+step, len(data))
			for _, m := range parts.Scan(data[i:j]) {
				m.End += i
				got = append(got, m)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("whole: %v, in chunks of %d: %v", want, step, got)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("mark %d: whole %+v, chunked %+v", i, want[i], got[i])
			}
		}
	})
}

func TestAfterEcho(t *testing.T) {
	tests := []struct{ name, text, cmd, want string }{
		{"plain", "echo hi\nhi\n", "echo hi", "hi\n"},
		{"wrapped echo", "mount --bind / /es\ncape\nout\n", "mount --bind / /escape", "out\n"},
		{"redrawn line", "[ns] # mount --b[ns] # mount --bind / /escape\nmount: done\n", "mount --bind / /escape", "mount: done\n"},
		{"output repeats the command", "echo echo x\necho x\n", "echo echo x", "echo x\n"},
		{"no output", "true\n", "true", ""},
		{"output holds the command line", "cat f\ncat f\n", "cat f", "cat f\n"},
		{"echo not found", "garbled\nout\n", "ls", "out\n"},
		{"nothing", "", "ls", ""},
	}
	for _, tt := range tests {
		if got := afterEcho(tt.text, tt.cmd); got != tt.want {
			t.Errorf("%s: afterEcho(%q, %q) = %q, want %q", tt.name, tt.text, tt.cmd, got, tt.want)
		}
	}
}
