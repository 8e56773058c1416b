package style

import "charm.land/bubbles/v2/textinput"

// TextInput is a text input styled like the rest of the TUI. Its cursor
// does not blink: a blinking cursor means a timer message twice a second
// for as long as the input is open, and screenshots would catch either
// phase.
func TextInput(st Styles) textinput.Model {
	in := textinput.New()
	s := textinput.DefaultDarkStyles()
	s.Cursor.Blink = false
	if st.NoColor {
		s.Cursor.Color = nil
	}
	for _, state := range []*textinput.StyleState{&s.Focused, &s.Blurred} {
		state.Prompt = st.Key
		state.Text = st.Bold
		state.Placeholder = st.Subtle
		state.Suggestion = st.Subtle
	}
	in.SetStyles(s)
	// Without a width the input shows one character of its placeholder
	// ("destination prefix: n"): give it room for the whole hint.
	in.SetWidth(60)
	return in
}
