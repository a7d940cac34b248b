package importer

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress shows how an import is getting on: on a terminal a bar redrawn in place with the
// records done, the rate and the time left; elsewhere (a log file, a pipe) a line at every
// tenth of the way, so that logs stay readable.
type progress struct {
	w        io.Writer
	terminal bool
	total    int
	n        int
	start    time.Time
	lastStep int
}

func newProgress(w io.Writer, terminal bool, total int) *progress {
	return &progress{w: w, terminal: terminal, total: total, start: time.Now()}
}

func (p *progress) add(n int) {
	if p.w == nil || p.total == 0 {
		return
	}
	p.n += n
	elapsed := time.Since(p.start)
	rate := float64(p.n) / max(elapsed.Seconds(), 1e-3)
	left := time.Duration(float64(p.total-p.n)/max(rate, 1e-3)) * time.Second
	line := fmt.Sprintf("%d/%d records · %.0f/s · %s left", p.n, p.total, rate, left.Round(time.Second))
	if p.terminal {
		const width = 30
		filled := width * p.n / p.total
		fmt.Fprintf(p.w, "\r[%s%s] %s\x1b[K", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), line)
		return
	}
	if step := 10 * p.n / p.total; step > p.lastStep || p.n == p.total {
		p.lastStep = step
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) done() {
	if p.w != nil && p.terminal && p.total > 0 {
		fmt.Fprintln(p.w)
	}
}
