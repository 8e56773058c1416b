package motoserver_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3migrate/s3migrate/internal/motoserver"
)

// TestAccounts: each profile's keys are its own account's on moto, as STS
// says, with the user's ARN.
func TestAccounts(t *testing.T) {
	s := motoserver.Need(t)
	s.Use(t)
	for _, c := range []struct {
		profile string
		want    motoserver.Account
	}{{motoserver.OriginProfile, s.Origin}, {motoserver.DestProfile, s.Dest}} {
		cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile(c.profile))
		if err != nil {
			t.Fatal(err)
		}
		out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("%s: %v", c.profile, err)
		}
		if aws.ToString(out.Account) != c.want.ID || aws.ToString(out.Arn) != c.want.UserARN {
			t.Errorf("%s: account %s, ARN %s; want %s, %s", c.profile, aws.ToString(out.Account), aws.ToString(out.Arn), c.want.ID, c.want.UserARN)
		}
	}
	if s.Origin.ID == s.Dest.ID || len(s.Origin.ID) != 12 {
		t.Errorf("accounts %q and %q", s.Origin.ID, s.Dest.ID)
	}
}
