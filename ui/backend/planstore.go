package backend

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the pure-Go "sqlite" driver (internal/journal registers it too)

	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// planStore is the diff the Plan screen pages through: every entry, in a
// private temporary SQLite database. SQLite creates that database for the
// empty file name, unlinks its file at once and deletes it when the
// connection closes, so nothing is left behind even if the process dies,
// and its page cache spills to disk: memory stays bounded whatever the
// number of keys.
//
// Not the migration journal: a journal row has no room for the reason a
// key changed (the drill-down shows it), the journal's only index is by
// status (new and changed are both "pending", so paging one of them would
// scan the other), and a journal carries a lock, a definition and a file
// under the state directory that a preview has no use for. Here the key is
// (class, rel): every page of every class, forward or backward, is an
// index range.
type planStore struct {
	db   *sql.DB
	once sync.Once
	err  error
	// stop cancels the removal tied to the diff's context.
	stop func() bool
}

var _ screen.PlanStore = (*planStore)(nil)

const planSchema = `CREATE TABLE entry (
	class       INTEGER NOT NULL,
	rel         TEXT NOT NULL,
	fold        TEXT NOT NULL, -- lower-cased rel for the filter, '' when it is rel
	src_key     TEXT NOT NULL,
	src_size    INTEGER NOT NULL,
	src_etag    TEXT NOT NULL,
	src_mtime   INTEGER NOT NULL,
	src_storage TEXT NOT NULL,
	dst_key     TEXT NOT NULL,
	dst_size    INTEGER NOT NULL,
	dst_etag    TEXT NOT NULL,
	dst_mtime   INTEGER NOT NULL,
	reason      TEXT NOT NULL,
	PRIMARY KEY (class, rel)
) WITHOUT ROWID`

// planBatch is how many entries one transaction writes.
const planBatch = 10_000

// newPlanStore opens an empty store.
func newPlanStore() (*planStore, error) {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		return nil, fmt.Errorf("plan store: %w", err)
	}
	// The temporary database belongs to its connection: keep exactly one,
	// and never let database/sql close it for being idle.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if _, err := db.Exec(planSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("plan store: %w", err)
	}
	return &planStore{db: db}, nil
}

// fill writes the entries of a diff, planBatch to a transaction, adding
// each to stats; it stops at the diff's first error.
func (s *planStore) fill(ctx context.Context, diff func(yield func(transfer.Entry, error) bool), stats *transfer.DiffStats) error {
	var tx *sql.Tx
	var ins *sql.Stmt
	n := 0
	commit := func() error {
		if tx == nil {
			return nil
		}
		err := tx.Commit()
		tx, ins = nil, nil
		return err
	}
	defer func() {
		if tx != nil {
			tx.Rollback()
		}
	}()
	var failed error
	diff(func(e transfer.Entry, err error) bool {
		if err != nil {
			failed = err
			return false
		}
		if tx == nil {
			if tx, failed = s.db.BeginTx(ctx, nil); failed != nil {
				return false
			}
			if ins, failed = tx.Prepare(`INSERT OR REPLACE INTO entry VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`); failed != nil {
				return false
			}
		}
		fold := strings.ToLower(e.Rel)
		if fold == e.Rel {
			fold = ""
		}
		_, failed = ins.Exec(int(e.Class), e.Rel, fold, e.Src.Key, e.Src.Size, e.Src.ETag, unixNano(e.Src.LastModified), e.Src.StorageClass,
			e.Dst.Key, e.Dst.Size, e.Dst.ETag, unixNano(e.Dst.LastModified), e.Reason)
		if failed != nil {
			failed = fmt.Errorf("plan store: %w", failed)
			return false
		}
		stats.Add(e)
		if n++; n%planBatch == 0 {
			failed = commit()
		}
		return failed == nil
	})
	if failed != nil {
		return failed
	}
	return commit()
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// removeWith closes the store when ctx ends (the screen that asked for the
// diff was left).
func (s *planStore) removeWith(ctx context.Context) {
	s.stop = context.AfterFunc(ctx, func() { s.Close() })
}

// Close deletes the store (SQLite removes a temporary database with its
// connection).
func (s *planStore) Close() error {
	s.once.Do(func() {
		if s.stop != nil {
			s.stop()
		}
		s.err = s.db.Close()
	})
	return s.err
}

const planMatch = `class = ?1 AND (?2 = '' OR instr(CASE fold WHEN '' THEN rel ELSE fold END, ?2) > 0)`

// Page reads one page of a class, by its (class, rel) index.
func (s *planStore) Page(ctx context.Context, q screen.PlanQuery) (screen.PlanPage, error) {
	page := screen.PlanPage{Total: -1}
	if q.Limit <= 0 {
		return page, fmt.Errorf("plan page: limit %d, want > 0", q.Limit)
	}
	filter := strings.ToLower(q.Filter)
	where, order := planMatch, "ASC"
	switch q.From {
	case screen.PlanAfter:
		where += " AND rel > ?4"
	case screen.PlanAt:
		where += " AND rel >= ?4"
	case screen.PlanBefore:
		where += " AND rel < ?4"
		order = "DESC"
	case screen.PlanLast:
		order = "DESC"
	}
	args := []any{int(q.Class), filter, q.Limit}
	if q.From == screen.PlanAfter || q.From == screen.PlanBefore || q.From == screen.PlanAt {
		args = append(args, q.Key)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT rel, src_key, src_size, src_etag, src_mtime, src_storage, dst_key, dst_size, dst_etag, dst_mtime, reason
		FROM entry WHERE `+where+` ORDER BY rel `+order+` LIMIT ?3`, args...)
	if err != nil {
		return page, fmt.Errorf("plan page: %w", err)
	}
	for rows.Next() {
		e := transfer.Entry{Class: q.Class}
		var sm, dm int64
		if err := rows.Scan(&e.Rel, &e.Src.Key, &e.Src.Size, &e.Src.ETag, &sm, &e.Src.StorageClass,
			&e.Dst.Key, &e.Dst.Size, &e.Dst.ETag, &dm, &e.Reason); err != nil {
			rows.Close()
			return page, fmt.Errorf("plan page: %w", err)
		}
		e.Src.LastModified, e.Dst.LastModified = fromUnixNano(sm), fromUnixNano(dm)
		page.Entries = append(page.Entries, e)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return page, fmt.Errorf("plan page: %w", err)
	}
	if order == "DESC" {
		slices.Reverse(page.Entries)
	}
	if q.Count {
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM entry WHERE `+planMatch, int(q.Class), filter).Scan(&page.Total); err != nil {
			return page, fmt.Errorf("plan count: %w", err)
		}
	}
	return page, nil
}
