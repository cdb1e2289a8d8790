package mntev

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// Event is one fanotify mount event (fanotify(7), Linux ≥ 6.15).
type Event struct {
	// MountID is the 64-bit ID of the mount (statmount's mnt_id).
	MountID uint64
	// Attach and Detach: a mount appeared in or left the namespace. A move inside the
	// namespace (mount --move) sets both.
	Attach, Detach bool
	// Overflow: the kernel's queue was full and events were lost (FAN_Q_OVERFLOW); there
	// is no mount ID, re-read the whole table.
	Overflow bool
	// PID is the process that caused the event, in the reader's PID namespace (0 if the
	// kernel could not say).
	PID int
}

// ParseEvents parses what read(2) returned from a fanotify group initialised with
// FAN_REPORT_MNT: a sequence of struct fanotify_event_metadata, each followed by its info
// records, one of which (FAN_EVENT_INFO_TYPE_MNT) holds the mount ID. Records of other
// types are skipped. An event that does not fit, or that is neither a mount event nor an
// overflow, is an error; the events before it are returned with it.
func ParseEvents(b []byte) ([]Event, error) {
	var out []Event
	ne := binary.NativeEndian
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < fanMetadataSize {
			return out, fmt.Errorf("fanotify event at byte %d: %d bytes left, shorter than the %d-byte header", off, len(rest), fanMetadataSize)
		}
		// struct fanotify_event_metadata: __u32 event_len, __u8 vers, __u8 reserved,
		// __u16 metadata_len, __u64 mask, __s32 fd, __s32 pid.
		eventLen := int(ne.Uint32(rest[0:]))
		vers := rest[4]
		metaLen := int(ne.Uint16(rest[6:]))
		mask := ne.Uint64(rest[8:])
		pid := int32(ne.Uint32(rest[20:]))
		if vers != unix.FANOTIFY_METADATA_VERSION {
			return out, fmt.Errorf("fanotify event at byte %d: version %d, want %d", off, vers, unix.FANOTIFY_METADATA_VERSION)
		}
		if eventLen < fanMetadataSize || eventLen > len(rest) || metaLen < fanMetadataSize || metaLen > eventLen {
			return out, fmt.Errorf("fanotify event at byte %d: length %d with a %d-byte header does not fit in %d bytes", off, eventLen, metaLen, len(rest))
		}
		e := Event{PID: max(int(pid), 0)}
		switch {
		case mask&unix.FAN_Q_OVERFLOW != 0:
			e.Overflow = true
		case mask&(unix.FAN_MNT_ATTACH|unix.FAN_MNT_DETACH) != 0:
			e.Attach = mask&unix.FAN_MNT_ATTACH != 0
			e.Detach = mask&unix.FAN_MNT_DETACH != 0
			id, err := mountInfo(rest[metaLen:eventLen])
			if err != nil {
				return out, fmt.Errorf("fanotify event at byte %d: %w", off, err)
			}
			e.MountID = id
		default:
			return out, fmt.Errorf("fanotify event at byte %d: mask %#x is not a mount event", off, mask)
		}
		out = append(out, e)
		off += eventLen
	}
	return out, nil
}

// mountInfo finds the FAN_EVENT_INFO_TYPE_MNT record among an event's info records: a
// struct fanotify_event_info_header (__u8 info_type, __u8 pad, __u16 len) and, 8 bytes
// into the record, the __u64 mount ID.
func mountInfo(b []byte) (uint64, error) {
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < fanInfoHdrSize {
			return 0, fmt.Errorf("info record at byte %d: %d bytes, shorter than its header", off, len(rest))
		}
		typ, n := rest[0], int(binary.NativeEndian.Uint16(rest[2:]))
		if n < fanInfoHdrSize || n > len(rest) {
			return 0, fmt.Errorf("info record at byte %d: length %d does not fit in %d bytes", off, n, len(rest))
		}
		if typ == fanInfoTypeMnt {
			if n < fanInfoMntSize {
				return 0, fmt.Errorf("mount info record of %d bytes, want %d", n, fanInfoMntSize)
			}
			return binary.NativeEndian.Uint64(rest[8:]), nil
		}
		off += n
	}
	return 0, fmt.Errorf("no mount info record")
}
