package app

import "charm.land/bubbles/v2/key"

var (
	keyQuit = key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit"))
	keyBack = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	keyHelp = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help"))
)
