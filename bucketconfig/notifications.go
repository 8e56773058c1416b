package bucketconfig

// Event notifications: each SNS topic, SQS queue and Lambda function is an
// ARN of some account. One of the destination's account is kept; one of the
// origin account is rewritten with --map-arn or held back and named, with
// what to create; one of a third account is kept and said. EventBridge
// delivery names no target and is copied.

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// notificationValue is a bucket's notification configuration.
type notificationValue struct {
	Topics  []types.TopicConfiguration
	Queues  []types.QueueConfiguration
	Lambdas []types.LambdaFunctionConfiguration
	// EventBridge is a setting by its presence (an empty element).
	EventBridge bool `json:",omitempty"`
}

func (n *notificationValue) empty() bool {
	return len(n.Topics)+len(n.Queues)+len(n.Lambdas) == 0 && !n.EventBridge
}

var notificationsFamily = family{
	kind: Notifications, api: "%sBucketNotification",
	read: func(ctx context.Context, c *s3.Client, bucket string) (any, error) {
		out, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b(bucket)})
		if err != nil {
			return orNil[notificationValue](nil, err)
		}
		n := &notificationValue{Topics: out.TopicConfigurations, Queues: out.QueueConfigurations,
			Lambdas: out.LambdaFunctionConfigurations, EventBridge: out.EventBridgeConfiguration != nil}
		if n.empty() {
			return nil, nil
		}
		return n, nil
	},
	propose: func(src, dst any, rw *rewriter) proposal {
		s := src.(*notificationValue)
		var p proposal
		out := &notificationValue{EventBridge: s.EventBridge}
		// target maps one ARN; false: held back.
		target := func(field string, arn *string, what string) bool {
			n, rwr, held, note := rw.arn(field, aws.ToString(arn), what)
			if held != nil {
				p.held = append(p.held, *held)
				return false
			}
			if rwr != nil {
				p.rewrites = append(p.rewrites, *rwr)
			}
			if note != "" {
				p.notes = append(p.notes, note)
			}
			*arn = n
			return true
		}
		for _, t := range s.Topics {
			a := aws.ToString(t.TopicArn)
			if target("TopicConfiguration "+aws.ToString(t.Id)+" TopicArn", &a, "SNS topic") {
				t.TopicArn = aws.String(a)
				out.Topics = append(out.Topics, t)
			}
		}
		for _, q := range s.Queues {
			a := aws.ToString(q.QueueArn)
			if target("QueueConfiguration "+aws.ToString(q.Id)+" QueueArn", &a, "SQS queue") {
				q.QueueArn = aws.String(a)
				out.Queues = append(out.Queues, q)
			}
		}
		for _, l := range s.Lambdas {
			a := aws.ToString(l.LambdaFunctionArn)
			if target("LambdaFunctionConfiguration "+aws.ToString(l.Id)+" LambdaFunctionArn", &a, "Lambda function") {
				l.LambdaFunctionArn = aws.String(a)
				out.Lambdas = append(out.Lambdas, l)
			}
		}
		// S3 replaces the whole configuration: the destination's own
		// (ids the source does not have) are kept in it.
		if d, ok := dst.(*notificationValue); ok && d != nil {
			ids := map[string]bool{}
			for _, t := range s.Topics {
				ids[aws.ToString(t.Id)] = true
			}
			for _, q := range s.Queues {
				ids[aws.ToString(q.Id)] = true
			}
			for _, l := range s.Lambdas {
				ids[aws.ToString(l.Id)] = true
			}
			n := len(out.Topics) + len(out.Queues) + len(out.Lambdas)
			for _, t := range d.Topics {
				if !ids[aws.ToString(t.Id)] {
					out.Topics = append(out.Topics, t)
				}
			}
			for _, q := range d.Queues {
				if !ids[aws.ToString(q.Id)] {
					out.Queues = append(out.Queues, q)
				}
			}
			for _, l := range d.Lambdas {
				if !ids[aws.ToString(l.Id)] {
					out.Lambdas = append(out.Lambdas, l)
				}
			}
			out.EventBridge = out.EventBridge || d.EventBridge
			if len(out.Topics)+len(out.Queues)+len(out.Lambdas) > n {
				p.notes = append(p.notes, "the destination's own notifications (ids the source does not have) are kept")
			}
		}
		if len(out.Topics)+len(out.Queues)+len(out.Lambdas) > 0 {
			p.notes = append(p.notes, "each target's policy must allow s3.amazonaws.com to send from the destination bucket (S3 checks it when the configuration is written)")
		}
		if !out.empty() {
			p.value = out
		}
		return p
	},
	write: func(ctx context.Context, c *s3.Client, bucket string, v, _ any) error {
		n := v.(*notificationValue)
		var eb *types.EventBridgeConfiguration
		if n.EventBridge {
			eb = &types.EventBridgeConfiguration{}
		}
		_, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: b(bucket),
			NotificationConfiguration: &types.NotificationConfiguration{TopicConfigurations: n.Topics, QueueConfigurations: n.Queues,
				LambdaFunctionConfigurations: n.Lambdas, EventBridgeConfiguration: eb}})
		return err
	},
}
