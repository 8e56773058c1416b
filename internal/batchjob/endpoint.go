package batchjob

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// EndpointResolver returns an s3control endpoint resolver for a custom
// endpoint (BaseEndpoint), such as the sandbox's.
//
// The SDK's default rules build the job API's host as
// {AccountId}.{authority of BaseEndpoint}: with BaseEndpoint
// http://127.0.0.1:7070 a CreateJob for account 222222222222 goes to
// http://222222222222.127.0.0.1:7070, which does not resolve. s3control has
// no UsePathStyle option (the account label is not a bucket), so this
// resolver runs the default rules and then drops that leading account label
// when a BaseEndpoint is set; the account still travels in the
// x-amz-account-id header, which the SDK sets on every job call. With no
// BaseEndpoint it returns the default result unchanged (AWS's real
// {AccountId}.s3-control.{Region}.amazonaws.com host).
func EndpointResolver() s3control.EndpointResolverV2 {
	return accountLabelDropper{def: s3control.NewDefaultEndpointResolverV2()}
}

type accountLabelDropper struct{ def s3control.EndpointResolverV2 }

func (r accountLabelDropper) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := r.def.ResolveEndpoint(ctx, p)
	if err != nil || p.Endpoint == nil || p.AccountId == nil || *p.AccountId == "" {
		return ep, err
	}
	if rest, ok := strings.CutPrefix(ep.URI.Host, *p.AccountId+"."); ok {
		ep.URI.Host = rest
	}
	return ep, nil
}
