package sandbox

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/adaptor"
	"github.com/versity/versitygw/auth"
	"github.com/versity/versitygw/s3api"
	"github.com/versity/versitygw/s3api/middlewares"
	"github.com/versity/versitygw/s3api/utils"
	"github.com/versity/versitygw/s3err"

	"github.com/s3migrate/s3migrate/internal/batchjob"
	"github.com/s3migrate/s3migrate/internal/sandbox/batchops"
)

// The sandbox's 12-digit account ids: S3 Control names accounts by id
// (x-amz-account-id, role and job ARNs). The same ids as the moto peer's.
const (
	OriginAccountID = "111111111111"
	DestAccountID   = "222222222222"
)

// batchOpsPath is where the S3 Control job API lives on the S3 endpoint
// (a bucket of that name would be masked; none is).
const batchOpsPath = "/v20180820"

// BatchOps returns the S3 Batch Operations emulator, for its test knobs
// (SetCopyLimit, SetTaskDelay).
func (s *Sandbox) BatchOps() *batchops.Emulator { return s.batch }

// ControlClient returns an S3 Control client signed as acc, pointed at the
// sandbox: BaseEndpoint is the sandbox's endpoint and the endpoint resolver
// drops the {AccountId}. host label the SDK would put in front of it
// (batchops.EndpointResolver). Calls need AccountId = acc.ID.
func (s *Sandbox) ControlClient(acc Account) *s3control.Client {
	return s3control.New(s3control.Options{
		Region:             Region,
		BaseEndpoint:       aws.String(s.Endpoint),
		EndpointResolverV2: batchjob.EndpointResolver(),
		Credentials:        credentials.NewStaticCredentialsProvider(acc.AccessKey, acc.SecretKey, ""),
		HTTPClient:         awshttp.NewBuildableClient(),
	})
}

// newBatchOps makes the emulator and the gateway option that mounts it on
// the S3 endpoint, in front of the S3 routes. Requests are authenticated by
// the gateway's own SigV4 check against its IAM; the emulator then runs
// each job as the account that created it (the job's role is not
// evaluated).
func (s *Sandbox) newBatchOps(iam auth.IAMService) s3api.Option {
	s.batch = batchops.New(batchops.Config{
		Region: Region,
		Client: func(accountID string) (*s3.Client, error) {
			for _, a := range []Account{s.Origin, s.Dest} {
				if a.ID == accountID {
					return s.Client(a), nil
				}
			}
			return nil, fmt.Errorf("no sandbox account %s", accountID)
		},
	})
	verify := middlewares.VerifyV4Signature(middlewares.RootUserConfig{Access: s.Root.AccessKey, Secret: s.Root.SecretKey},
		iam, Region, false, true, false)
	return s3api.WithMiddleware(batchOpsPath, func(c fiber.Ctx) error {
		if err := verify(c); err != nil {
			return controlError(c, err)
		}
		acc, _ := utils.ContextKeyAccount.Get(c).(auth.Account)
		caller := batchops.Caller{AccessKey: acc.Access}
		for _, a := range []Account{s.Origin, s.Dest} {
			if a.AccessKey == acc.Access {
				caller.AccountID = a.ID
			}
		}
		req, err := adaptor.ConvertRequest(c, true)
		if err != nil {
			return controlError(c, err)
		}
		req = req.WithContext(batchops.WithCaller(context.Background(), caller))
		rec := &response{header: http.Header{}, status: http.StatusOK}
		s.batch.ServeHTTP(rec, req)
		for k, vs := range rec.header {
			for _, v := range vs {
				c.Set(k, v)
			}
		}
		return c.Status(rec.status).Send(rec.body.Bytes())
	})
}

// controlError answers a failed authentication in the S3 Control error
// shape.
func controlError(c fiber.Ctx, err error) error {
	code, msg, status := "InternalError", err.Error(), http.StatusInternalServerError
	var se s3err.S3Error
	if errors.As(err, &se) {
		b := se.BaseError()
		code, msg, status = b.Code, b.Description, b.HTTPStatusCode
	}
	c.Set("Content-Type", "application/xml")
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<ErrorResponse><Error><Code>%s</Code><Message>%s</Message></Error><RequestId></RequestId><HostId>sandbox</HostId></ErrorResponse>`,
		xmlEscape(code), xmlEscape(msg))
	return c.Status(status).Send(b.Bytes())
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// response collects what the emulator writes, to hand it to fiber.
type response struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *response) Header() http.Header         { return r.header }
func (r *response) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *response) WriteHeader(status int)      { r.status = status }
