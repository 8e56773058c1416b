package bucketconfig

// Configurations kept by id (metrics, analytics, intelligent-tiering,
// inventory): each of the source's is put under its id; the destination's
// other ids are left alone. Inventory and analytics exports name a bucket
// (and an account, and a KMS key): those are rewritten like logging.

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// byID is a list of configurations sorted by id.
type byID[T any] []T

// listFamily builds a family over one list/put API pair.
func listFamily[T any](kind Kind, api string,
	list func(ctx context.Context, c *s3.Client, bucket string, token *string) ([]T, *string, error),
	id func(T) string,
	rewrite func(v T, rw *rewriter, p *proposal) (T, bool),
	put func(ctx context.Context, c *s3.Client, bucket string, v T) error,
) family {
	sortByID := func(l byID[T]) byID[T] {
		slices.SortFunc(l, func(a, b T) int { return strings.Compare(id(a), id(b)) })
		return l
	}
	return family{
		kind: kind, api: api,
		read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
			var all byID[T]
			var token *string
			for {
				items, next, err := list(ctx, c, bucket, token)
				if err != nil {
					return orNil[byID[T]](nil, err)
				}
				all = append(all, items...)
				if aws.ToString(next) == "" || aws.ToString(next) == aws.ToString(token) {
					break
				}
				token = next
			}
			if len(all) == 0 {
				return nil, nil
			}
			return sortByID(all), nil
		},
		propose: func(src, dst any, rw *rewriter) proposal {
			var p proposal
			cur, _ := dst.(byID[T])
			var out byID[T]
			srcIDs := map[string]bool{}
			for _, v := range src.(byID[T]) {
				srcIDs[id(v)] = true
				if rewrite != nil {
					nv, ok := rewrite(v, rw, &p)
					if !ok {
						// Held back: the destination's own under this id stays.
						if i := slices.IndexFunc(cur, func(c T) bool { return id(c) == id(v) }); i >= 0 {
							out = append(out, cur[i])
						}
						continue
					}
					v = nv
				}
				out = append(out, v)
			}
			var kept []string
			for _, c := range cur {
				if !srcIDs[id(c)] {
					out = append(out, c)
					kept = append(kept, id(c))
				}
			}
			if len(kept) > 0 {
				p.notes = append(p.notes, "destination-only ids kept: "+strings.Join(kept, ", "))
			}
			if len(out) > 0 {
				p.value = sortByID(out)
			}
			return p
		},
		write: func(ctx context.Context, c *s3.Client, bucket string, v, curV any) error {
			cur, _ := curV.(byID[T])
			for _, item := range v.(byID[T]) {
				i := slices.IndexFunc(cur, func(c T) bool { return id(c) == id(item) })
				if i >= 0 && canonical(cur[i]) == canonical(item) {
					continue
				}
				if err := put(ctx, c, bucket, item); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

var metricsFamily = listFamily(Metrics, "%sMetricsConfiguration",
	func(ctx context.Context, c *s3.Client, bucket string, token *string) ([]types.MetricsConfiguration, *string, error) {
		out, err := c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: b(bucket), ContinuationToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.MetricsConfigurationList, out.NextContinuationToken, nil
	},
	func(v types.MetricsConfiguration) string { return aws.ToString(v.Id) },
	func(v types.MetricsConfiguration, rw *rewriter, p *proposal) (types.MetricsConfiguration, bool) {
		if f, ok := v.Filter.(*types.MetricsFilterMemberAccessPointArn); ok {
			p.held = append(p.held, Held{What: "metrics filter " + aws.ToString(v.Id), Why: "it filters on access point " + f.Value + ", which belongs to the source's account",
				Fix: "create the access point for the destination and add the metrics configuration by hand"})
			return v, false
		}
		return v, true
	},
	func(ctx context.Context, c *s3.Client, bucket string, v types.MetricsConfiguration) error {
		_, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: b(bucket), Id: v.Id, MetricsConfiguration: &v})
		return err
	})

var analyticsFamily = listFamily(Analytics, "%sAnalyticsConfiguration",
	func(ctx context.Context, c *s3.Client, bucket string, token *string) ([]types.AnalyticsConfiguration, *string, error) {
		out, err := c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: b(bucket), ContinuationToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.AnalyticsConfigurationList, out.NextContinuationToken, nil
	},
	func(v types.AnalyticsConfiguration) string { return aws.ToString(v.Id) },
	func(v types.AnalyticsConfiguration, rw *rewriter, p *proposal) (types.AnalyticsConfiguration, bool) {
		sca := v.StorageClassAnalysis
		if sca == nil || sca.DataExport == nil || sca.DataExport.Destination == nil || sca.DataExport.Destination.S3BucketDestination == nil {
			return v, true
		}
		d := *sca.DataExport.Destination.S3BucketDestination
		if !exportDestination(&d.Bucket, &d.BucketAccountId, "analytics "+aws.ToString(v.Id)+" export", rw, p) {
			return v, false
		}
		nsca, nde := *sca, *sca.DataExport
		nde.Destination = &types.AnalyticsExportDestination{S3BucketDestination: &d}
		nsca.DataExport = &nde
		v.StorageClassAnalysis = &nsca
		return v, true
	},
	func(ctx context.Context, c *s3.Client, bucket string, v types.AnalyticsConfiguration) error {
		_, err := c.PutBucketAnalyticsConfiguration(ctx, &s3.PutBucketAnalyticsConfigurationInput{Bucket: b(bucket), Id: v.Id, AnalyticsConfiguration: &v})
		return err
	})

var intelligentTieringFamily = listFamily(IntelligentTiering, "%sIntelligentTieringConfiguration",
	func(ctx context.Context, c *s3.Client, bucket string, token *string) ([]types.IntelligentTieringConfiguration, *string, error) {
		out, err := c.ListBucketIntelligentTieringConfigurations(ctx, &s3.ListBucketIntelligentTieringConfigurationsInput{Bucket: b(bucket), ContinuationToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.IntelligentTieringConfigurationList, out.NextContinuationToken, nil
	},
	func(v types.IntelligentTieringConfiguration) string { return aws.ToString(v.Id) },
	nil,
	func(ctx context.Context, c *s3.Client, bucket string, v types.IntelligentTieringConfiguration) error {
		_, err := c.PutBucketIntelligentTieringConfiguration(ctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: b(bucket), Id: v.Id, IntelligentTieringConfiguration: &v})
		return err
	})

var inventoryFamily = listFamily(Inventory, "%sInventoryConfiguration",
	func(ctx context.Context, c *s3.Client, bucket string, token *string) ([]types.InventoryConfiguration, *string, error) {
		out, err := c.ListBucketInventoryConfigurations(ctx, &s3.ListBucketInventoryConfigurationsInput{Bucket: b(bucket), ContinuationToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.InventoryConfigurationList, out.NextContinuationToken, nil
	},
	func(v types.InventoryConfiguration) string { return aws.ToString(v.Id) },
	func(v types.InventoryConfiguration, rw *rewriter, p *proposal) (types.InventoryConfiguration, bool) {
		if v.Destination == nil || v.Destination.S3BucketDestination == nil {
			return v, true
		}
		d := *v.Destination.S3BucketDestination
		what := "inventory " + aws.ToString(v.Id)
		if !exportDestination(&d.Bucket, &d.AccountId, what, rw, p) {
			return v, false
		}
		if d.Encryption != nil && d.Encryption.SSEKMS != nil {
			key, rwr, held, note := rw.kms(what+" Destination.Encryption.SSEKMS.KeyId", aws.ToString(d.Encryption.SSEKMS.KeyId))
			if held != nil {
				p.held = append(p.held, *held)
				return v, false
			}
			if rwr != nil {
				p.rewrites = append(p.rewrites, *rwr)
			}
			if note != "" {
				p.notes = append(p.notes, note)
			}
			enc := *d.Encryption
			enc.SSEKMS = &types.SSEKMS{KeyId: aws.String(key)}
			d.Encryption = &enc
		}
		v.Destination = &types.InventoryDestination{S3BucketDestination: &d}
		return v, true
	},
	func(ctx context.Context, c *s3.Client, bucket string, v types.InventoryConfiguration) error {
		_, err := c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{Bucket: b(bucket), Id: v.Id, InventoryConfiguration: &v})
		return err
	})

// exportDestination rewrites the bucket ARN and owner account of an
// inventory or analytics export. False: held back (p says why).
func exportDestination(bucketARN, account **string, what string, rw *rewriter, p *proposal) bool {
	arn := aws.ToString(*bucketARN)
	name := arn
	prefix := ""
	if i := strings.Index(arn, ":::"); strings.HasPrefix(arn, "arn:") && i >= 0 {
		prefix, name = arn[:i+3], arn[i+3:]
	}
	target, rwr, held := rw.bucket(what+" Destination.Bucket", name, what)
	if held != nil {
		p.held = append(p.held, *held)
		return false
	}
	if rwr != nil {
		rwr.From, rwr.To = prefix+rwr.From, prefix+rwr.To
		p.rewrites = append(p.rewrites, *rwr)
	}
	*bucketARN = aws.String(prefix + target)
	acct := aws.ToString(*account)
	switch {
	case acct == "" || acct == rw.dstAccount:
	case rwr != nil && rw.ofOrigin(acct):
		// The bucket was mapped to one of the destination's: so is its owner.
		var to *string
		if rw.dstAccount != "" {
			to = aws.String(rw.dstAccount)
		}
		p.rewrites = append(p.rewrites, Rewrite{Field: what + " Destination.AccountId", From: acct, To: aws.ToString(to),
			Why: "the owner of the mapped bucket: the destination account"})
		*account = to
	case rw.ofOrigin(acct):
		p.held = append(p.held, Held{What: what + " destination account " + acct, Why: "it is the origin account",
			Fix: "pass --map-bucket " + name + "=NEW_BUCKET (a bucket of the destination account)"})
		return false
	}
	return true
}
