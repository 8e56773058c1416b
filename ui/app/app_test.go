package app

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/s3migrate/s3migrate/ui/profiles"
	"github.com/s3migrate/s3migrate/ui/screen"
	"github.com/s3migrate/s3migrate/ui/style"
	"github.com/s3migrate/s3migrate/ui/uitest"
)

func newTestModel() *Model {
	stub := func() screen.Screen { return profiles.New() }
	f := map[screen.ID]Factory{}
	for id := screen.Profiles; id <= screen.Summary; id++ {
		f[id] = stub
	}
	return New(uitest.New(), style.New(true), f, screen.Profiles)
}

func send(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// TestTooSmall: below 80×24 the screen says so instead of a broken layout.
func TestTooSmall(t *testing.T) {
	m := newTestModel()
	send(m, tea.WindowSizeMsg{Width: 70, Height: 20})
	if got := uitest.Plain(m.render()); !strings.Contains(got, "at least 80×24; this one is 70×20") {
		t.Errorf("small terminal: %q", got)
	}
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	if got := uitest.Plain(m.render()); !strings.Contains(got, "s3migrate") || !strings.Contains(got, "q quit") {
		t.Errorf("after resize: %q", got)
	}
}

// TestNavigationStack: Go pushes a screen, esc pops it, q quits.
func TestNavigationStack(t *testing.T) {
	m := newTestModel()
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	send(m, screen.Go{To: screen.Buckets})
	if m.Current() != screen.Buckets {
		t.Fatalf("current %v after Go", m.Current())
	}
	send(m, uitest.Key("esc"))
	if m.Current() != screen.Profiles {
		t.Fatalf("current %v after esc", m.Current())
	}
	send(m, uitest.Key("esc"))
	if m.Current() != screen.Profiles {
		t.Fatalf("esc on the first screen left it: %v", m.Current())
	}
	cmd := send(m, uitest.Key("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

// TestRunScreenKeepsQAndEsc: on the run screen q and esc belong to the
// screen (a running copy must not be abandoned by a stray key).
func TestRunScreenKeepsQAndEsc(t *testing.T) {
	m := newTestModel()
	send(m, screen.Go{To: screen.Running})
	if cmd := send(m, uitest.Key("q")); cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Fatal("q quit during a run")
		}
	}
	send(m, uitest.Key("esc"))
	if m.Current() != screen.Running {
		t.Fatal("esc left the run screen")
	}
}

// TestMFAModal: a backend request opens the modal; the typed code goes back
// to the waiting backend goroutine.
func TestMFAModal(t *testing.T) {
	m := newTestModel()
	mfa := NewMFA()
	m.WithMFA(mfa)
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	got := make(chan string, 1)
	go func() {
		code, err := mfa.Token("arn:aws:iam::111122223333:mfa/ops")
		if err != nil {
			code = "error: " + err.Error()
		}
		got <- code
	}()
	req := m.waitMFA()()
	send(m, req)
	if v := uitest.Plain(m.render()); !strings.Contains(v, "MFA code") || !strings.Contains(v, "arn:aws:iam::111122223333:mfa/ops") {
		t.Fatalf("modal not shown: %q", v)
	}
	for _, k := range []string{"4", "2", "1", "9", "8", "7"} {
		send(m, uitest.Key(k))
	}
	send(m, uitest.Key("enter"))
	if code := <-got; code != "421987" {
		t.Fatalf("backend got %q", code)
	}
	if m.modal != nil {
		t.Fatal("modal still open")
	}
}

// mouseScreen records the mouse events a screen is handed.
type mouseScreen struct{ got *[]tea.Mouse }

func (s mouseScreen) Init(*screen.State) tea.Cmd { return nil }
func (s mouseScreen) Update(_ *screen.State, msg tea.Msg) (screen.Screen, tea.Cmd) {
	if m, ok := msg.(tea.MouseMsg); ok {
		*s.got = append(*s.got, m.Mouse())
	}
	return s, nil
}
func (s mouseScreen) View(*screen.State, int, int) string { return "body" }
func (s mouseScreen) Keys() []key.Binding                 { return nil }
func (s mouseScreen) Capturing() bool                     { return false }

// TestMouseReachesTheScreenInItsOwnRows: the program asks for mouse
// events, and a click or a wheel turn reaches the screen with its row
// counted from the top of the screen's body, below the header.
func TestMouseReachesTheScreenInItsOwnRows(t *testing.T) {
	var got []tea.Mouse
	f := map[screen.ID]Factory{screen.Profiles: func() screen.Screen { return mouseScreen{&got} }}
	m := New(uitest.New(), style.New(true), f, screen.Profiles)
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	if v := m.View(); v.MouseMode != tea.MouseModeCellMotion {
		t.Errorf("mouse mode %v: the terminal sends no mouse events", v.MouseMode)
	}
	header := lipgloss.Height(m.header(screen.Profiles))
	send(m, tea.MouseClickMsg{X: 7, Y: header + 2, Button: tea.MouseLeft})
	send(m, tea.MouseWheelMsg{X: 7, Y: header, Button: tea.MouseWheelDown})
	if len(got) != 2 || got[0].Y != 2 || got[0].X != 7 || got[1].Y != 0 {
		t.Errorf("the screen got %+v, want rows 2 and 0 of its body (header %d rows)", got, header)
	}
}

// TestQuitRemindsOfAGrantLeft: q while a grant this session applied is
// still in place names it and asks; any key but y stays, y quits; with no
// grant left q quits at once, and ctrl+c always does.
func TestQuitRemindsOfAGrantLeft(t *testing.T) {
	m := newTestModel()
	fake := m.state.Backend.(*uitest.Fake)
	fake.Grants = []string{"s3://origin-data to arn:aws:iam::444455556666:root"}
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	if cmd := send(m, uitest.Key("q")); cmd != nil {
		t.Fatal("q quit with a grant left in place")
	}
	if got := uitest.Plain(m.render()); !strings.Contains(got, "s3://origin-data to arn:aws:iam::444455556666:root") || !strings.Contains(got, "y quit anyway") {
		t.Fatalf("the reminder does not name the grant:\n%s", got)
	}
	send(m, uitest.Key("n"))
	if m.quitAsk != nil || m.quitting {
		t.Fatal("n did not close the reminder")
	}
	send(m, uitest.Key("q"))
	if cmd := send(m, uitest.Key("y")); cmd == nil || !m.quitting {
		t.Fatal("y did not quit")
	}
	m = newTestModel()
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	if cmd := send(m, uitest.Key("q")); cmd == nil || !m.quitting {
		t.Error("q with no grant left did not quit")
	}
}

// captureScreen captures the keys or not, as a question on it would.
type captureScreen struct{ capturing *bool }

func (s captureScreen) Init(*screen.State) tea.Cmd                             { return nil }
func (s captureScreen) Update(*screen.State, tea.Msg) (screen.Screen, tea.Cmd) { return s, nil }
func (s captureScreen) View(*screen.State, int, int) string                    { return "body" }
func (s captureScreen) Keys() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "answer yes"))}
}
func (s captureScreen) Capturing() bool { return *s.capturing }

// TestHelpBarWhileCapturing: the router's esc, ? and q are listed only
// while they are the router's; a screen that captures them (a question)
// lists what they do there.
func TestHelpBarWhileCapturing(t *testing.T) {
	capturing := false
	f := map[screen.ID]Factory{screen.Profiles: func() screen.Screen { return captureScreen{&capturing} }}
	m := New(uitest.New(), style.New(true), f, screen.Profiles)
	send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
	if got := uitest.Plain(m.render()); !strings.Contains(got, "y answer yes") || !strings.Contains(got, "q quit") {
		t.Fatalf("help bar of a screen that does not capture:\n%s", got)
	}
	capturing = true
	if got := uitest.Plain(m.render()); !strings.Contains(got, "y answer yes") || strings.Contains(got, "q quit") || strings.Contains(got, "? help") {
		t.Errorf("help bar of a capturing screen lists the router's keys:\n%s", got)
	}
}
