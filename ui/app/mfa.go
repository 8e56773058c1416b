package app

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/s3migrate/s3migrate/ui/widget"
)

// MFARequest asks the user for an MFA code. The backend sends it from the
// goroutine of the command that needs the code and waits for the reply.
type MFARequest struct {
	Serial string
	Reply  chan<- string // "" means cancelled
}

// MFA connects the backend's MFA callback with the TUI's modal input.
type MFA struct{ requests chan MFARequest }

// NewMFA makes the channel between the backend and the modal.
func NewMFA() *MFA { return &MFA{requests: make(chan MFARequest)} }

// Token is the backend's MFAToken callback: it blocks until the user
// answers in the modal.
func (f *MFA) Token(serial string) (string, error) {
	reply := make(chan string, 1)
	f.requests <- MFARequest{Serial: serial, Reply: reply}
	code := <-reply
	if code == "" {
		return "", errMFACancelled
	}
	return code, nil
}

type mfaError string

func (e mfaError) Error() string { return string(e) }

const errMFACancelled = mfaError("MFA code not entered: choose the profile again to retry")

// WithMFA makes the model answer MFA requests with a modal input.
func (m *Model) WithMFA(f *MFA) *Model {
	m.mfa = f
	return m
}

// waitMFA is the command that turns the next request into a message.
func (m *Model) waitMFA() tea.Cmd {
	if m.mfa == nil {
		return nil
	}
	reqs := m.mfa.requests
	return func() tea.Msg { return <-reqs }
}

// mfaModal is the open MFA prompt.
type mfaModal struct {
	req   MFARequest
	input textinput.Model
}

func newMFAModal(req MFARequest) *mfaModal {
	in := textinput.New()
	in.Placeholder = "123456"
	in.CharLimit = 8
	in.Focus()
	return &mfaModal{req: req, input: in}
}

// updateMFA handles keys while the modal is open; it returns true when the
// modal closed.
func (m *Model) updateMFA(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if ok {
		switch k.String() {
		case "enter":
			m.modal.req.Reply <- strings.TrimSpace(m.modal.input.Value())
			m.modal = nil
			return m.waitMFA()
		case "esc":
			m.modal.req.Reply <- ""
			m.modal = nil
			return m.waitMFA()
		}
	}
	var cmd tea.Cmd
	m.modal.input, cmd = m.modal.input.Update(msg)
	return cmd
}

// mfaBox is the MFA prompt, in the dialog box every question uses.
func (m *Model) mfaBox() string {
	st := m.state.Styles
	body := "The profile needs a code for " + m.modal.req.Serial + "\n\n" + m.modal.input.View()
	hint := st.Key.Render("enter") + " confirm   " + st.Key.Render("esc") + " cancel"
	return widget.Box(st, "MFA code", body, hint, m.width-4)
}
