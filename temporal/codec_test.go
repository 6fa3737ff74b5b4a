package temporal_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/arazzogen/arazzogen/temporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/refreshcustomers/refreshcustomerstemporal"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/tokenbootstrap"
	"github.com/arazzogen/arazzogen/temporal/internal/seeds/tokenbootstrap/tokenbootstraptemporal"
	"go.temporal.io/sdk/converter"
)

var testKey = bytes.Repeat([]byte{7}, 32)

func TestCodec(t *testing.T) {
	dc, err := temporal.NewDataConverter(testKey)
	if err != nil {
		t.Fatal(err)
	}
	in := refreshcustomers.RefreshAndListCustomersInputs{RefreshToken: "refresh-0123456789"}
	payload, err := dc.ToPayload(in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(payload.GetData(), []byte("refresh-0123456789")) || strings.Contains(payload.String(), "refresh-0123456789") {
		t.Fatal("the encoded payload shows the token")
	}
	if enc := string(payload.GetMetadata()["encoding"]); enc != temporal.EncryptedEncoding {
		t.Errorf("encoding %q", enc)
	}
	var out refreshcustomers.RefreshAndListCustomersInputs
	if err := dc.FromPayload(payload, &out); err != nil || out != in {
		t.Fatalf("decoded %v, %v", out, err)
	}

	// Another key cannot read it, and says which key it would need.
	other, _ := temporal.NewDataConverter(bytes.Repeat([]byte{8}, 32))
	if err := other.FromPayload(payload, &out); err == nil || !strings.Contains(err.Error(), "encrypted with key") {
		t.Errorf("another key: %v", err)
	}
	// A payload written before encryption was turned on still reads.
	plain, _ := converter.GetDefaultDataConverter().ToPayload(in)
	if err := dc.FromPayload(plain, &out); err != nil || out != in {
		t.Errorf("plain payload: %v, %v", out, err)
	}
	if _, err := temporal.NewCodec([]byte("short")); err == nil {
		t.Error("a 5-byte key was accepted")
	}
}

// Register refuses workflows with secrets unless encryption or plain text is stated.
func TestRegisterChecksSecrets(t *testing.T) {
	c, err := refreshcustomers.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			r := recover()
			msg, _ := r.(string)
			if !strings.Contains(msg, "refresh-and-list-customers: input refreshToken") || !strings.Contains(msg, "EncryptedPayloads") {
				t.Errorf("panic %v", r)
			}
		}()
		refreshcustomerstemporal.Register(testEnv(), c)
	}()
	refreshcustomerstemporal.Register(testEnv(), c, temporal.EncryptedPayloads())
	refreshcustomerstemporal.Register(testEnv(), c, temporal.AllowPlaintextSecrets())

	// Secrets a step learns count too: they are in its activity's result.
	tb, err := tokenbootstrap.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "step createApplication output clientSecret") {
			t.Errorf("tokenbootstrap: panic %q", msg)
		}
	}()
	tokenbootstraptemporal.Register(testEnv(), tb)
}
