package journal

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// A journal belongs to one process at a time. The lock is an flock(2) on a
// sidecar file (<journal>.lock) rather than on the database itself: SQLite
// takes its own POSIX locks on the database, and mixing the two on one file
// is a trap. flock is released by the kernel when the process dies, so a
// killed run leaves a journal whose lock is free: "interrupted", never
// "running".

// ErrLocked is returned when another process holds the journal.
var ErrLocked = errors.New("journal is in use by another process")

// LockedError names the process that holds a journal.
type LockedError struct {
	Path string
	PID  int
	Host string
}

func (e *LockedError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = fmt.Sprintf("process %d on %s", e.PID, e.Host)
	}
	return fmt.Sprintf("journal %s is in use by %s: wait for it to finish, or stop it first (a journal belongs to one run at a time)", e.Path, who)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

func lockPath(path string) string { return path + ".lock" }

// acquireLock takes the journal's exclusive lock without waiting and writes
// this process's pid and host into the lock file.
func acquireLock(path string) (*os.File, error) {
	f, err := os.OpenFile(lockPath(path), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock journal %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid, host := readHolder(lockPath(path))
			return nil, &LockedError{Path: path, PID: pid, Host: host}
		}
		return nil, fmt.Errorf("lock journal %s: %w", path, err)
	}
	host, _ := os.Hostname()
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(fmt.Sprintf("%d %s\n", os.Getpid(), host)), 0)
	}
	return f, nil
}

func readHolder(lockFile string) (int, string) {
	b, err := os.ReadFile(lockFile)
	if err != nil {
		return 0, ""
	}
	pidText, host, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	pid, _ := strconv.Atoi(pidText)
	return pid, host
}

// Holder tells whether a process holds the journal at path now, and which.
// It never blocks and changes nothing that a holder would see.
func Holder(path string) (held bool, pid int, host string) {
	f, err := os.Open(lockPath(path))
	if err != nil {
		return false, 0, "" // never locked since it was created, or no lock file: nobody holds it
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		pid, host := readHolder(lockPath(path))
		return true, pid, host
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false, 0, ""
}

// recordHolder stores the holder in the journal too, so the file alone says
// who ran it last.
func recordHolder(db *sql.DB) error {
	host, _ := os.Hostname()
	_, err := db.Exec(`UPDATE migration SET holder_pid = ?, holder_host = ?`, os.Getpid(), host)
	return err
}

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// checkHeader reads the file's first bytes and refuses anything that is not
// an s3migrate journal before SQLite opens it: opening a database in WAL
// mode would otherwise rewrite the header of someone else's file.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var h [100]byte
	n, err := io.ReadFull(f, h[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return err
	}
	if n < len(h) || !bytes.Equal(h[:16], sqliteMagic) {
		return errors.New("not an s3migrate journal (not a SQLite database): pick another file")
	}
	if binary.BigEndian.Uint32(h[68:72]) == appID {
		return nil
	}
	// A database in WAL mode (write version 2) may hold its newest header
	// in the -wal file; opening it in WAL mode changes nothing, so the
	// application id is read through SQLite (checkVersion). Any other
	// database would be switched to WAL by opening it: refuse it here.
	if h[18] == 2 && h[19] == 2 {
		return nil
	}
	return errors.New("not an s3migrate journal (another SQLite database): pick another file")
}
