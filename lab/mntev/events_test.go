package mntev

import (
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The layouts the kernel's UAPI headers give (Linux 6.18), checked where Go lays them out.
func TestLayouts(t *testing.T) {
	for _, c := range []struct {
		what      string
		got, want uintptr
	}{
		{"sizeof(struct mnt_id_req)", unsafe.Sizeof(mntIDReq{}), mntIDReqSizeVer1},
		{"sizeof(struct statmount)", unsafe.Sizeof(statmountFixed{}), statmountFixedSize},
		{"offsetof(statmount, mnt_id)", unsafe.Offsetof(statmountFixed{}.MntID), 40},
		{"offsetof(statmount, mnt_attr)", unsafe.Offsetof(statmountFixed{}.MntAttr), 64},
		{"offsetof(statmount, mnt_root)", unsafe.Offsetof(statmountFixed{}.MntRoot), 104},
		{"offsetof(statmount, mnt_ns_id)", unsafe.Offsetof(statmountFixed{}.MntNsID), 112},
		{"offsetof(statmount, fs_subtype)", unsafe.Offsetof(statmountFixed{}.FsSubtype), 120},
		{"offsetof(statmount, supported_mask)", unsafe.Offsetof(statmountFixed{}.SupportedMask), 144},
		{"offsetof(statmount, mnt_gidmap)", unsafe.Offsetof(statmountFixed{}.MntGidmap), 164},
		{"sizeof(struct fanotify_event_metadata)", uintptr(fanMetadataSize), 24},
		{"NS_GET_MNTNS_ID", nsGetMntnsID, 0x8008b705},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d (%#x), want %d (%#x)", c.what, c.got, c.got, c.want, c.want)
		}
	}
}

// encode writes an event as the kernel does: the metadata, then one mount info record
// (after other records, if given).
func encode(mask uint64, pid int32, id uint64, records ...[]byte) []byte {
	var info []byte
	for _, r := range records {
		info = append(info, r...)
	}
	if mask&unix.FAN_Q_OVERFLOW == 0 {
		rec := make([]byte, fanInfoMntSize)
		rec[0] = fanInfoTypeMnt
		binary.NativeEndian.PutUint16(rec[2:], fanInfoMntSize)
		binary.NativeEndian.PutUint64(rec[8:], id)
		info = append(info, rec...)
	}
	b := make([]byte, fanMetadataSize, fanMetadataSize+len(info))
	binary.NativeEndian.PutUint32(b[0:], uint32(fanMetadataSize+len(info)))
	b[4] = unix.FANOTIFY_METADATA_VERSION
	binary.NativeEndian.PutUint16(b[6:], uint16(fanMetadataSize))
	binary.NativeEndian.PutUint64(b[8:], mask)
	binary.NativeEndian.PutUint32(b[16:], 0xffffffff) // FAN_NOFD
	binary.NativeEndian.PutUint32(b[20:], uint32(pid))
	return append(b, info...)
}

// record is an info record of another type, of n bytes.
func record(typ byte, n int) []byte {
	r := make([]byte, n)
	r[0] = typ
	binary.NativeEndian.PutUint16(r[2:], uint16(n))
	return r
}

func join(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

func TestParseEvents(t *testing.T) {
	attach := encode(unix.FAN_MNT_ATTACH, 42, 0x80000001)
	detach := encode(unix.FAN_MNT_DETACH, 7, 0x80000002)
	move := encode(unix.FAN_MNT_ATTACH|unix.FAN_MNT_DETACH, 9, 0x80000003)
	overflow := encode(unix.FAN_Q_OVERFLOW, -1, 0)
	// The bytes the kernel (6.18) wrote for a tmpfs mount, as read by this package's
	// exploration: 40 bytes, pid 0x4c56, mount 0x80050d3e.
	real := []byte{
		0x28, 0, 0, 0, 3, 0, 0x18, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x56, 0x4c, 0, 0,
		7, 0, 0x10, 0, 0, 0, 0, 0, 0x3e, 0x0d, 0x05, 0x80, 0, 0, 0, 0,
	}
	for _, c := range []struct {
		name string
		in   []byte
		want []Event
		err  string
	}{
		{"nothing", nil, nil, ""},
		{"the kernel's bytes", real, []Event{{MountID: 0x80050d3e, Attach: true, PID: 0x4c56}}, ""},
		{"attach", attach, []Event{{MountID: 0x80000001, Attach: true, PID: 42}}, ""},
		{"three", join(attach, detach, move), []Event{
			{MountID: 0x80000001, Attach: true, PID: 42},
			{MountID: 0x80000002, Detach: true, PID: 7},
			{MountID: 0x80000003, Attach: true, Detach: true, PID: 9},
		}, ""},
		{"overflow", join(overflow, attach), []Event{{Overflow: true}, {MountID: 0x80000001, Attach: true, PID: 42}}, ""},
		{"another record first", encode(unix.FAN_MNT_DETACH, 1, 5, record(unix.FAN_EVENT_INFO_TYPE_PIDFD, 8)), []Event{{MountID: 5, Detach: true, PID: 1}}, ""},
		{"cut in the header", attach[:20], nil, "shorter than the 24-byte header"},
		{"cut in the record", join(detach, attach[:30]), []Event{{MountID: 0x80000002, Detach: true, PID: 7}}, "does not fit"},
		{"bad version", func() []byte { b := join(attach); b[4] = 2; return b }(), nil, "version 2"},
		{"length below the header", func() []byte { b := join(attach); b[0] = 8; return b }(), nil, "does not fit"},
		{"not a mount event", encode(unix.FAN_OPEN, 1, 5), nil, "not a mount event"},
		{"no mount record", func() []byte {
			b := encode(unix.FAN_MNT_ATTACH, 1, 0, record(unix.FAN_EVENT_INFO_TYPE_PIDFD, 8))
			b = b[:len(b)-fanInfoMntSize]
			binary.NativeEndian.PutUint32(b[0:], uint32(len(b)))
			return b
		}(), nil, "no mount info record"},
		{"short mount record", func() []byte {
			b := join(attach)
			binary.NativeEndian.PutUint32(b[0:], uint32(fanMetadataSize+8))
			binary.NativeEndian.PutUint16(b[fanMetadataSize+2:], 8)
			return b[:fanMetadataSize+8]
		}(), nil, "want 16"},
		{"record longer than the event", func() []byte {
			b := join(attach)
			binary.NativeEndian.PutUint16(b[fanMetadataSize+2:], 40)
			return b
		}(), nil, "does not fit"},
		{"record shorter than its header", func() []byte {
			b := join(attach)
			binary.NativeEndian.PutUint16(b[fanMetadataSize+2:], 2)
			return b
		}(), nil, "does not fit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseEvents(c.in)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("events %+v, want %+v", got, c.want)
			}
			switch {
			case c.err == "" && err != nil:
				t.Errorf("error %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Errorf("error %v, want one saying %q", err, c.err)
			}
		})
	}
}

// FuzzParseEvents: any bytes parse without a panic; events read back are each a mount
// event or an overflow; and well-formed input made of parsed events parses to the same.
func FuzzParseEvents(f *testing.F) {
	f.Add(encode(unix.FAN_MNT_ATTACH, 42, 0x80000001))
	f.Add(join(encode(unix.FAN_MNT_DETACH, 7, 2), encode(unix.FAN_Q_OVERFLOW, -1, 0)))
	f.Add(encode(unix.FAN_MNT_ATTACH|unix.FAN_MNT_DETACH, 1, 3, record(4, 8), record(1, 12)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		events, err := ParseEvents(b)
		if len(events) > len(b)/fanMetadataSize {
			t.Fatalf("%d events from %d bytes", len(events), len(b))
		}
		var again []byte
		for _, e := range events {
			if !e.Overflow && !e.Attach && !e.Detach {
				t.Fatalf("an event that is neither a mount event nor an overflow: %+v", e)
			}
			if e.PID < 0 {
				t.Fatalf("negative pid %+v", e)
			}
			var mask uint64
			switch {
			case e.Overflow:
				mask = unix.FAN_Q_OVERFLOW
			default:
				if e.Attach {
					mask |= unix.FAN_MNT_ATTACH
				}
				if e.Detach {
					mask |= unix.FAN_MNT_DETACH
				}
			}
			again = append(again, encode(mask, int32(e.PID), e.MountID)...)
		}
		back, err2 := ParseEvents(again)
		if err2 != nil || !reflect.DeepEqual(back, events) {
			t.Fatalf("re-encoded events parse to %+v, %v; want %+v (first parse error %v)", back, err2, events, err)
		}
	})
}

func TestBatchMerge(t *testing.T) {
	a := Batch{Attached: []uint64{1, 2}, Detached: []uint64{2}}
	b := Batch{Attached: []uint64{2, 3}, Detached: []uint64{4}, Overflow: true}
	got := a.Merge(b)
	want := Batch{Attached: []uint64{1, 2, 3}, Detached: []uint64{2, 4}, Overflow: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merge: %+v, want %+v", got, want)
	}
	var big Batch
	for i := range 200 {
		big = big.Merge(Batch{Attached: []uint64{uint64(i % 150)}, Detached: []uint64{uint64(i)}})
	}
	if len(big.Attached) != 150 || len(big.Detached) != 200 || big.Attached[149] != 149 {
		t.Errorf("merging 200 batches: %d attached, %d detached", len(big.Attached), len(big.Detached))
	}
	if !(Batch{}).Empty() || b.Empty() || !(Batch{Attached: []uint64{}}).Empty() {
		t.Error("Empty is wrong")
	}
}
