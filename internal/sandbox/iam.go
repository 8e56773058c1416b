package sandbox

import (
	"sync"

	"github.com/versity/versitygw/auth"
)

// memIAM is the gateway's account store, held in memory: the sandbox makes
// fresh keys at every start, so nothing needs to persist.
type memIAM struct {
	mu       sync.Mutex
	accounts map[string]auth.Account
}

var _ auth.IAMService = (*memIAM)(nil)

func newMemIAM(accs ...auth.Account) *memIAM {
	m := &memIAM{accounts: map[string]auth.Account{}}
	for _, a := range accs {
		m.accounts[a.Access] = a
	}
	return m
}

func (m *memIAM) CreateAccount(a auth.Account) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[a.Access]; ok {
		return auth.ErrUserExists
	}
	m.accounts[a.Access] = a
	return nil
}

func (m *memIAM) GetUserAccount(access string) (auth.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[access]
	if !ok {
		return auth.Account{}, auth.ErrNoSuchUser
	}
	return a, nil
}

// ResolveAccounts returns the access keys that name no account.
func (m *memIAM) ResolveAccounts(ids []string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var missing []string
	for _, id := range ids {
		if _, ok := m.accounts[id]; !ok {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

func (m *memIAM) UpdateUserAccount(access string, p auth.MutableProps) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[access]
	if !ok {
		return auth.ErrNoSuchUser
	}
	if p.Secret != nil {
		a.Secret = *p.Secret
	}
	if p.Role != "" {
		a.Role = p.Role
	}
	if p.UserID != nil {
		a.UserID = *p.UserID
	}
	if p.GroupID != nil {
		a.GroupID = *p.GroupID
	}
	if p.ProjectID != nil {
		a.ProjectID = *p.ProjectID
	}
	m.accounts[access] = a
	return nil
}

func (m *memIAM) DeleteUserAccount(access string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.accounts, access)
	return nil
}

func (m *memIAM) ListUserAccounts() ([]auth.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]auth.Account, 0, len(m.accounts))
	for _, a := range m.accounts {
		out = append(out, a)
	}
	return out, nil
}

func (m *memIAM) Shutdown() error { return nil }
