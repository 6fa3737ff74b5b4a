package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/internal/fakeapi"
)

func TestDemoRunsEveryWorkflow(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"RefreshAndListCustomersOutputs{accessToken: [REDACTED], customers: [{",
		`BootstrapApplicationTokenOutputs{applicationId: "` + fakeapi.AirbyteApplicationID + `", clientId: "` + fakeapi.AirbyteClientID + `", accessToken: [REDACTED]}`,
		"TokenMintAndValidateOutputs{connectToken: [REDACTED], validation: {",
		"RotateRefreshTokenOutputs{accessToken: [REDACTED], revokedStatus: 200}",
		`"clientSecret":"[REDACTED]"`,
		"→ GET /v1/connect/tokens/[REDACTED]/validate?app_id=slack",
		"Authorization: [REDACTED]",
		`Step: "refreshToken", StatusCode: 401`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %s:\n%s", want, out.String())
		}
	}
	// The demo shows what was sent and received, but no credential or token.
	for _, secret := range []string{
		fakeapi.PrismaticRefreshToken, fakeapi.PrismaticAccessToken, fakeapi.PrismaticNextRefreshToken,
		fakeapi.AirbyteClientSecret, fakeapi.AirbyteAccessToken, fakeapi.PipedreamConnectToken,
	} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("demo output shows the secret %s:\n%s", secret, out.String())
		}
	}
}
