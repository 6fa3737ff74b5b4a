package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestSecretInputNames: an input whose name marks it secret is warned about when given as an
// -input argument and never echoed; an ordinary name that merely contains a secret word is
// neither.
func TestSecretInputNames(t *testing.T) {
	secret := map[string]string{
		"key": "v-key-1111", "apiKey": "v-apikey-2222", "pin": "v-pin-3333", "pat": "v-pat-4444",
		"sessionId": "v-session-5555", "signature": "v-sig-6666", "sshKey": "v-ssh-7777", "cookie": "v-cookie-8888",
		"privateKey": "v-private-9999", "passphrase": "v-phrase-1010", "credentials": "v-cred-1212",
	}
	plain := map[string]string{"keyword": "v-keyword", "monkey": "v-monkey", "pattern": "v-pattern", "keyId": "v-keyid"}
	var inputs []Input
	var args []string
	for _, m := range []map[string]string{secret, plain} {
		for name, v := range m {
			inputs = append(inputs, Input{Name: name, Type: "string"})
			args = append(args, "-input", name+"="+v)
		}
	}
	cmd := Command{Name: "svc", Sources: []string{"api"}, Workflows: []Workflow{{
		ID: "sync", Inputs: inputs,
		Run: func(ctx context.Context, cfg Config, in []byte) (any, error) {
			return nil, fmt.Errorf("failed with %s", in) // a careless error that repeats its inputs
		},
	}}}
	code, _, errOut := runCLI(t, cmd, nil, "", append([]string{"sync"}, args...)...)
	if code != ExitFailed {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for name, v := range secret {
		if !strings.Contains(errOut, "warning: input "+name+" is secret; pass it with -input-env") {
			t.Errorf("no process-list warning for %s", name)
		}
		if strings.Contains(errOut, v) {
			t.Errorf("stderr shows the value of %s", name)
		}
	}
	for name, v := range plain {
		if strings.Contains(errOut, "warning: input "+name+" ") {
			t.Errorf("%s is warned about as secret", name)
		}
		if !strings.Contains(errOut, v) {
			t.Errorf("the value of %s is redacted: %s", name, errOut)
		}
	}
}
