package plan

import (
	"github.com/s3migrate/s3migrate/bucketconfig"
	"github.com/s3migrate/s3migrate/bucketpolicy"
	"github.com/s3migrate/s3migrate/ui/widget"
)

// dialogKind says what a confirmed dialog does.
type dialogKind int

const (
	dialogApply dialogKind = iota
	// dialogDelete confirms a start that deletes destination objects.
	dialogDelete
	// dialogBucket confirms writing the destination bucket's configuration.
	dialogBucket
)

// dialog is a question drawn over the screen. It carries what it asks
// about, so the answer applies to what was shown even if a reload arrives
// meanwhile.
type dialog struct {
	kind   dialogKind
	ask    widget.Confirm
	change bucketpolicy.Change
	bucket *bucketconfig.Result // dialogBucket: the plan shown
}
