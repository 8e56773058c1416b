package profiles

import (
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/awsauth"
	"github.com/s3migrate/s3migrate/ui/app"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

// longProblem is the reason the fourth profile cannot be used: far longer
// than a pane at 80×24.
const longProblem = `sso_session "corp-identity-center" has no cached token for https://corp-sso.awsapps.com/start: run aws sso login --sso-session corp-identity-center, then choose the profile again`

// withLongProblem is the fake backend with a fourth profile, an SSO one
// whose problem is longProblem.
type withLongProblem struct{ *uitest.Fake }

func (f withLongProblem) Profiles() ([]awsauth.ProfileInfo, error) {
	ps, err := f.Fake.Profiles()
	return append(ps, awsauth.ProfileInfo{Name: "reporting-readonly-eu-central", Kind: awsauth.KindSSO, Region: "eu-central-1",
		SSOSession: "corp-identity-center", SSOStartURL: "https://corp-sso.awsapps.com/start", SSOAccountID: "777788889999",
		SSORoleName: "ReadOnlyReporting", InConfig: true, Problem: longProblem}), err
}

func setupLong(t *testing.T) (*screen.State, screen.Screen) {
	t.Helper()
	state := &screen.State{Backend: withLongProblem{uitest.New()}, Styles: style.New(true)}
	var s screen.Screen = New()
	s, _ = uitest.Drive(state, s, s.Init(state))
	return state, s
}

// smallView is the screen at 80×24 (its 80×20 body), checked to fit.
func smallView(t *testing.T, state *screen.State, s screen.Screen) string {
	t.Helper()
	return uitest.Fit(t, s.View(state, uitest.SmallWidth, uitest.SmallHeight), uitest.SmallWidth, uitest.SmallHeight)
}

// TestDetailShowsTheWholeProblem: at 80×24 a long problem is cut on the
// list, which says that d shows it whole; d opens the highlighted
// profile's detail with the problem whole (wrapped), its SSO fields and a
// fix; esc closes it. While it is open it has the keyboard: enter closes
// it too, and neither chooses nor continues.
func TestDetailShowsTheWholeProblem(t *testing.T) {
	state, s := setupLong(t)
	list := smallView(t, state, s)
	if strings.Contains(list, longProblem) {
		t.Fatalf("the problem fits the pane at 80×24: the test needs a longer one\n%s", list)
	}
	// One line per side, each cut and ending in the hint.
	if cut := regexp.MustCompile(`✗ sso_session "corp… d: whole +│`); len(cut.FindAllString(list, -1)) != 2 {
		t.Errorf("the cut problem lines do not end saying that d shows them whole:\n%s", list)
	}
	// A problem that fits has no hint.
	if wide := uitest.Plain(s.View(state, 160, 20)); !regexp.MustCompile(`✗ source_profile "gone" does not exist +│`).MatchString(wide) {
		t.Errorf("a problem that fits its pane is cut or hinted at 160 columns:\n%s", wide)
	}

	s, nav := press(state, s, "up", "d") // the cursor wraps to the fourth profile
	if len(nav) != 0 || !s.Capturing() {
		t.Fatalf("d: navigated %v, capturing %v", nav, s.Capturing())
	}
	v := smallView(t, state, s)
	box := boxText(v)
	for _, want := range []string{longProblem, "reporting-readonly-eu-central", "sso", "eu-central-1", "corp-identity-center",
		"https://corp-sso.awsapps.com/start", "777788889999", "ReadOnlyReporting", "aws sso login --profile reporting-readonly-eu-central"} {
		if !strings.Contains(box, strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the detail lacks %q\n%s", want, v)
		}
	}
	uitest.Golden(t, "detail_80x24", v)
	if keys := keyNames(s); keys != "esc close" {
		t.Errorf("help bar while the detail is open: %q", keys)
	}

	s, _ = press(state, s, "esc")
	if s.Capturing() || strings.Contains(boxText(smallView(t, state, s)), strings.ReplaceAll(longProblem, " ", "")) {
		t.Fatalf("esc did not close the detail\n%s", smallView(t, state, s))
	}
	if !strings.Contains(keyNames(s), "d details") {
		t.Errorf("d is not in the help bar: %q", keyNames(s))
	}

	// Enter on an open detail closes it, and does not choose.
	s, nav = press(state, s, "d", "enter")
	if len(nav) != 0 || s.Capturing() || state.SrcProfile != "" {
		t.Fatalf("enter on the detail: navigated %v, capturing %v, origin %q", nav, s.Capturing(), state.SrcProfile)
	}
	// The detail is the focused side's highlighted profile.
	s, _ = press(state, s, "tab", "down", "d")
	if box := boxText(smallView(t, state, s)); !strings.Contains(box, "prod-origin") || strings.Contains(box, "corp-identity-center") {
		t.Errorf("d on the destination's second profile:\n%s", smallView(t, state, s))
	}
}

// boxText is the text inside the detail's box drawn over view, with the
// spaces taken out, so a value wrapped over several lines reads as one
// string: the columns between the box's borders, found on its last line
// ("esc closes"), on every line that has a border there. (The box lies
// over the panes, whose text shows on either side of it.) "" when no box
// is drawn.
func boxText(view string) string {
	lines := strings.Split(uitest.Plain(view), "\n")
	left, right := -1, -1
	for _, l := range lines {
		i := strings.Index(l, "esc closes")
		if i < 0 {
			continue
		}
		r, at := []rune(l), len([]rune(l[:i]))
		left = at - 1
		for left >= 0 && r[left] != '│' {
			left--
		}
		right = at
		for right < len(r) && r[right] != '│' {
			right++
		}
		break
	}
	var b strings.Builder
	for _, l := range lines {
		if r := []rune(l); left >= 0 && right < len(r) && r[left] == '│' && r[right] == '│' {
			b.WriteString(strings.ReplaceAll(string(r[left+1:right]), " ", ""))
		}
	}
	return b.String()
}

func keyNames(s screen.Screen) string {
	var names []string
	for _, k := range s.Keys() {
		names = append(names, k.Help().Key+" "+k.Help().Desc)
	}
	return strings.Join(names, ", ")
}

// TestDetailKeepsTheRoutersKeys: in the program, while the detail is open
// ? does not toggle the help and q closes the detail rather than quit;
// once it is closed, ? toggles the help again.
func TestDetailKeepsTheRoutersKeys(t *testing.T) {
	f := map[screen.ID]app.Factory{screen.Profiles: New}
	m := app.New(withLongProblem{uitest.New()}, style.New(true), f, screen.Profiles)
	settle(t, m, m.Init())
	settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
	view := func() string { return uitest.Plain(m.View().Content) }
	press := func(k string) tea.Cmd {
		_, cmd := m.Update(uitest.Key(k))
		settle(t, m, cmd)
		return cmd
	}
	press("up")
	press("d")
	open := view()
	if !strings.Contains(boxText(open), strings.ReplaceAll(longProblem, " ", "")) {
		t.Fatalf("d did not open the detail\n%s", open)
	}
	press("?")
	if got := view(); got != open {
		t.Errorf("? changed the view while the detail is open:\nbefore\n%s\nafter\n%s", open, got)
	}
	if cmd := press("q"); cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Fatal("q quit instead of closing the detail")
		}
	}
	closed := view()
	if closed == open || strings.Contains(boxText(closed), strings.ReplaceAll(longProblem, " ", "")) {
		t.Fatalf("q did not close the detail\n%s", closed)
	}
	press("?")
	if view() == closed {
		t.Errorf("? does not toggle the help once the detail is closed: the check above cannot fail")
	}
}

// settle runs cmd and what it leads to through the program (uitest.Settle).
func settle(t *testing.T, m *app.Model, cmd tea.Cmd) {
	t.Helper()
	uitest.Settle(t, func(msg tea.Msg) tea.Cmd { _, next := m.Update(msg); return next }, cmd, 1000)
}
