package plan

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/s3migrate/s3migrate/internal/estimate"
	"github.com/s3migrate/s3migrate/internal/migration"
	"github.com/s3migrate/s3migrate/transfer"
	"github.com/s3migrate/s3migrate/ui/screen"
)

// The engine rows of the Options tab are sync's --engine, --batch-bucket
// and --batch-role: the local engine copies from this machine; the batch
// engine hands the copy to an S3 Batch Operations job in the destination
// account, which the Running screen asks about before the job's role and
// grant are created and again before the job runs.

// engines are the choices of the engine row.
var engines = []string{migration.EngineLocal, migration.EngineBatch}

// engineOf is the engine chosen, local when none was.
func engineOf(opt *screen.RunOptions) string {
	if opt.Engine == "" {
		return migration.EngineLocal
	}
	return opt.Engine
}

// setBatch reads text into the batch bucket or role row, as sync reads
// --batch-bucket and --batch-role.
func (m *Model) setBatch(state *screen.State, f field, text string, _ time.Time) error {
	text = strings.TrimSpace(text)
	switch f {
	case fieldBatchBucket:
		if text != "" {
			loc, err := transfer.ParseLocation(text)
			if err != nil {
				return err
			}
			if loc.Bucket == "" {
				return errors.New("name a bucket: s3://bucket/prefix/")
			}
			if !strings.HasSuffix(text, "/") {
				text += "/"
			}
		}
		state.Options.BatchBucket = text
	case fieldBatchRole:
		if text != "" && (!strings.HasPrefix(text, "arn:") || !strings.Contains(text, ":role/")) {
			return fmt.Errorf("%q is not a role ARN: arn:aws:iam::ACCOUNT:role/NAME, or empty to have one created", text)
		}
		state.Options.BatchRole = text
	}
	m.options.text[f] = text
	return nil
}

// engineRow is one row of the engine section.
type engineRow struct {
	f                 field
	name, value, hint string
}

// engineRows are the engine's rows with their values: the engine with its
// estimate beside the other one's, when the diff priced both.
func (m *Model) engineRows(state *screen.State) []engineRow {
	opt := &state.Options
	none := func(s string) string { return state.Styles.Subtle.Render(s) }
	bucket, role := opt.BatchBucket, opt.BatchRole
	if bucket == "" {
		bucket = none("none (the batch engine needs one)")
	}
	if role == "" {
		role = none("shown and created when the run starts")
	}
	return []engineRow{
		{fieldEngine, "Engine", m.engineText(state), "space or ←→ cycle"},
		{fieldBatchBucket, "Batch bucket", bucket, "enter edits: the job's manifest and reports"},
		{fieldBatchRole, "Batch role", role, "enter edits: the role the job runs as"},
	}
}

// engineText says what the engine does and, once the diff priced the plan
// both ways, what each would cost and take.
func (m *Model) engineText(state *screen.State) string {
	what := "local: this machine copies"
	if engineOf(&state.Options) == migration.EngineBatch {
		what = "batch: an S3 Batch Operations job copies"
	}
	sum := m.diff.sum
	if !m.diff.loaded || sum.Estimate == nil || sum.Batch == nil {
		return what
	}
	if m.options.rediff {
		// The figures are the last diff's, under options since changed.
		return what + state.Styles.Subtle.Render("   (priced again when you leave this tab)")
	}
	return what + state.Styles.Subtle.Render(fmt.Sprintf("   (local %s · batch %s)", brief(sum.Estimate, sum.Prices), brief(sum.Batch, sum.Prices)))
}

// brief is an estimate's price and expected duration in a few words.
func brief(e *estimate.Estimate, p estimate.Prices) string {
	return fmt.Sprintf("$%.2f, %s", e.Price(p).Total(), duration(e))
}

// engineBlocked is why the engine settings cannot start, or "".
func engineBlocked(opt *screen.RunOptions) string {
	if engineOf(opt) != migration.EngineBatch || opt.DryRun {
		return ""
	}
	switch {
	case opt.BatchBucket == "":
		return "the batch engine needs a Batch bucket (Options tab)"
	case opt.Mode == "relay":
		return "the batch engine does not relay: transfer mode auto or server-side (Options tab)"
	}
	return ""
}

// encryptionText says what the Encryption row's choice asks of the copies.
func encryptionText(sse string) string {
	switch sse {
	case "AES256":
		return "AES256: S3-managed keys"
	case "aws:kms":
		return "aws:kms: a KMS key (the row below)"
	}
	return "the destination bucket's default"
}

// kmsKeyText is how the KMS key row reads.
func (m *Model) kmsKeyText(state *screen.State) string {
	opt := &state.Options
	switch {
	case opt.SSEKMSKeyID != "":
		return opt.SSEKMSKeyID
	case opt.SSE == "aws:kms":
		return state.Styles.Subtle.Render("the account's default key")
	}
	return state.Styles.Subtle.Render("none (with aws:kms only)")
}

// setKMSKey reads the KMS key row, as sync reads --sse-kms-key-id: a key
// implies aws:kms.
func (m *Model) setKMSKey(state *screen.State, f field, text string, _ time.Time) error {
	text = strings.TrimSpace(text)
	if strings.ContainsAny(text, " \t") {
		return fmt.Errorf("%q: a key ARN, key id or alias/NAME has no spaces", text)
	}
	state.Options.SSEKMSKeyID = text
	if text != "" {
		state.Options.SSE = "aws:kms"
	}
	m.options.text[f] = text
	// The write check asks for this key: its verdict may change.
	m.preflight.stale = true
	return nil
}
