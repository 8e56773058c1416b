package run

import (
	"fmt"
	"math"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/text"
)

// The drawing helpers: boxes, bars, the sparkline and number formats. They
// work on plain lines of known width, so the layout can count rows.

// pane draws lines in a rounded box of exactly w × h cells with the title
// in the top border; lines that do not fit are dropped.
func pane(st style.Styles, title string, lines []string, w, h int) []string {
	return paneWith(st.Subtle, st.Bold, title, lines, w, h)
}

func paneWith(border, titleStyle lipgloss.Style, title string, lines []string, w, h int) []string {
	inner := max(0, w-4)
	title = ansi.Truncate(title, max(0, w-6), "…")
	topFill := max(0, w-5-ansi.StringWidth(title))
	out := []string{border.Render("╭─ ") + titleStyle.Render(title) + border.Render(" "+strings.Repeat("─", topFill)+"╮")}
	for i := 0; i < h-2; i++ {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		out = append(out, border.Render("│")+" "+text.Pad(text.Fit(l, inner), inner)+" "+border.Render("│"))
	}
	return append(out, border.Render("╰"+strings.Repeat("─", max(0, w-2))+"╯"))
}

// bar is a progress bar of w cells that reads without colour.
func bar(st style.Styles, f float64, w int) string {
	if w <= 0 {
		return ""
	}
	n := int(math.Floor(f * float64(w)))
	n = max(0, min(w, n))
	return st.OK.Render(strings.Repeat("█", n)) + st.Subtle.Render(strings.Repeat("░", w-n))
}

func frac(done, total int64) float64 {
	if total <= 0 {
		return 0
	}
	return float64(done) / float64(total)
}

// pct is " 53%" after a bar, blank while the total is still growing.
func pct(done, total int64, final bool) string {
	if !final || total <= 0 {
		return "     "
	}
	p := int(math.Floor(100 * frac(done, total)))
	return fmt.Sprintf(" %3d%%", max(0, min(100, p)))
}

// sparkline draws values as columns of eighth blocks, rows high and w wide,
// the newest on the right, scaled to the largest value shown.
func sparkline(vals []float64, w, rows int) []string {
	if w <= 0 || rows <= 0 {
		return nil
	}
	vals = vals[max(0, len(vals)-w):]
	var peak float64
	for _, v := range vals {
		peak = max(peak, v)
	}
	const blocks = " ▁▂▃▄▅▆▇█"
	levels := []rune(blocks)
	grid := make([][]rune, rows)
	for r := range grid {
		grid[r] = []rune(strings.Repeat(" ", w))
	}
	off := w - len(vals)
	for i, v := range vals {
		eighths := 0
		if peak > 0 && v > 0 {
			eighths = max(1, int(math.Round(v/peak*float64(rows*8))))
		}
		for r := 0; r < rows; r++ {
			fill := eighths - (rows-1-r)*8
			fill = max(0, min(8, fill))
			grid[r][off+i] = levels[fill]
		}
	}
	out := make([]string, rows)
	for r := range grid {
		out[r] = string(grid[r])
	}
	return out
}

func decimal(f float64) string { return fmt.Sprintf("%.1f", f) }

// rate is bytes per second in binary units.
func rate(bps float64) string { return transfer.FormatBytes(int64(bps)) + "/s" }

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}
