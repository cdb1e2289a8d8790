package share

import (
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/nslab/nslab/scenarios"
	"github.com/nslab/nslab/tui"
)

// Timing of the web page.
const (
	// webFrame is the least time between two frames sent to a browser: a
	// phone on a classroom's Wi-Fi wants fewer than a terminal.
	webFrame = 100 * time.Millisecond
	// webWrite bounds one write to a browser; one that takes nothing for
	// this long is gone, and its stream is closed.
	webWrite = 30 * time.Second
	// webPing is how often a quiet stream says it is alive (an SSE
	// comment), so proxies and the browser keep it open.
	webPing = 15 * time.Second
)

// Page sizes a browser may ask for, in cells.
const (
	minCols, maxCols = 40, 400
	minRows, maxRows = 12, 150
)

//go:embed web/index.html
var pageHTML string

var page = template.Must(template.New("page").Parse(pageHTML))

// webWords are the page's words in one language.
type webWords struct {
	Lang, Title, CodeLabel, Watch, WrongCode, Full, Ended, Lost, ReadOnly string
}

var webWordsEN = webWords{Lang: "en", Title: "nslab · watching the lab", CodeLabel: "Class code", Watch: "Watch",
	WrongCode: "That is not the class code.", Full: "The class is full; try again when someone leaves.",
	Ended: "The lab has ended.", Lost: "Connection lost; reconnecting…", ReadOnly: "read-only"}

var webWordsKO = webWords{Lang: "ko", Title: "nslab · 실습 환경 참관", CodeLabel: "수업 코드", Watch: "참관하기",
	WrongCode: "수업 코드가 맞지 않습니다.", Full: "참관 인원이 가득 찼습니다. 누군가 나가면 다시 시도하세요.",
	Ended: "실습 환경이 끝났습니다.", Lost: "연결이 끊겼습니다. 다시 연결하는 중…", ReadOnly: "읽기 전용"}

// WebServer serves the read-only page: the lab drawn on the server at the
// browser's size by a tui.Viewer, turned into HTML, pushed to the page as
// Server-Sent Events.
type WebServer struct {
	srv  *http.Server
	ln   net.Listener
	wg   sync.WaitGroup
	s    *tui.Share
	code string
	wd   webWords
}

// ListenWeb listens on addr and serves s to browsers that give code.
func ListenWeb(addr string, s *tui.Share, code string, lang scenarios.Lang) (*WebServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("share: --share-web %s: %w", addr, err)
	}
	x := &WebServer{ln: ln, s: s, code: code, wd: webWordsEN}
	if lang == scenarios.KO {
		x.wd = webWordsKO
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", x.servePage)
	mux.HandleFunc("GET /check", x.serveCheck)
	mux.HandleFunc("GET /frames", x.serveFrames)
	x.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		_ = x.srv.Serve(ln) // ends with ErrServerClosed on Close
	}()
	return x, nil
}

// Addr is the address the server listens on.
func (x *WebServer) Addr() net.Addr { return x.ln.Addr() }

// URL is the page's address as a student types it.
func (x *WebServer) URL() string {
	host, port := Reachable(x.ln.Addr())
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// Close stops listening and closes every stream.
func (x *WebServer) Close() error {
	err := x.srv.Close()
	x.wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (x *WebServer) servePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = page.Execute(w, x.wd)
}

func (x *WebServer) codeOK(r *http.Request) bool {
	return subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("code")), []byte(x.code)) == 1
}

// serveCheck answers whether a code would be let in now, with the reason
// when not, so the page can say it (an event stream cannot).
func (x *WebServer) serveCheck(w http.ResponseWriter, r *http.Request) {
	switch {
	case !x.codeOK(r):
		time.Sleep(wrongCodeDelay)
		http.Error(w, x.wd.WrongCode, http.StatusForbidden)
	case x.s.Viewers() >= x.s.Max():
		http.Error(w, x.wd.Full, http.StatusServiceUnavailable)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// frameEvent is one SSE event: the rows that changed, by row number.
type frameEvent struct {
	Cols int            `json:"cols"`
	Rows int            `json:"rows"`
	Set  map[int]string `json:"set"`
}

func (x *WebServer) serveFrames(w http.ResponseWriter, r *http.Request) {
	if !x.codeOK(r) {
		time.Sleep(wrongCodeDelay)
		http.Error(w, x.wd.WrongCode, http.StatusForbidden)
		return
	}
	cols, rows := sizeParam(r, "cols", 120, minCols, maxCols), sizeParam(r, "rows", 40, minRows, maxRows)
	v, err := x.s.Join(cols, rows)
	if err != nil {
		msg := x.wd.Ended
		if errors.Is(err, tui.ErrFull) {
			msg = x.wd.Full
		}
		http.Error(w, msg, http.StatusServiceUnavailable)
		return
	}
	defer v.Leave()
	v.SetFrameInterval(webFrame)
	v.SetPassive()
	scr := newHTMLScreen(cols, rows)
	defer scr.close()

	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	// Frames are drawn on their own goroutine and handed over one at a
	// time: while a write waits for the browser, newer frames wait in the
	// viewer, where they coalesce; nothing queues here.
	frames := make(chan string)
	done := r.Context().Done()
	go func() {
		defer close(frames)
		for {
			s, ok := v.Next(done)
			if !ok {
				return
			}
			select {
			case frames <- s:
			case <-done:
				return
			}
		}
	}()
	ping := time.NewTicker(webPing)
	defer ping.Stop()
	for {
		var out []byte
		select {
		case s, ok := <-frames:
			if !ok {
				return
			}
			set := scr.frame(s)
			if len(set) == 0 {
				continue
			}
			b, _ := json.Marshal(frameEvent{Cols: cols, Rows: rows, Set: set})
			out = append(append([]byte("data: "), b...), "\n\n"...)
		case <-ping.C:
			out = []byte(": alive\n\n")
		case <-done:
			return
		}
		_ = rc.SetWriteDeadline(time.Now().Add(webWrite))
		if _, err := w.Write(out); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// sizeParam reads a size from the query, clamped; def when absent or bad.
func sizeParam(r *http.Request, name string, def, lo, hi int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil {
		return def
	}
	return min(max(n, lo), hi)
}
