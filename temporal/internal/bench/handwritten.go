// Package bench measures the generated Temporal workflows against the floor: the same seed
// workflow (refresh-and-list-customers) written by hand as a Temporal workflow, its two
// activities written directly around net/http the way a careful Temporal user would. Both
// run on the SDK's in-process test environment and on a development server;
// internal/cmd/benchdurable reports the ratios (make bench, BENCHMARKS.md).
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	sdktemporal "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// maxBody bounds each response read and requestTimeout each request, as the generated
// clients' defaults do.
const (
	maxBody        = 10 << 20
	requestTimeout = 30 * time.Second
)

// HandwrittenWorkflowName is the workflow type of the hand-written workflow.
const HandwrittenWorkflowName = "handwritten-refresh-and-list-customers"

// Token is what the refresh step keeps of its response: the fields its Arazzo step declares.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// Outputs are the workflow's outputs, with the JSON names of the generated type.
type Outputs struct {
	AccessToken string          `json:"accessToken"`
	Customers   json.RawMessage `json:"customers"`
}

// Activities are the hand-written activities: a reused *http.Client and the Prismatic base
// URL (no trailing slash), kept in the worker.
type Activities struct {
	HTTP *http.Client
	Base string
}

// listCustomersQuery is the body of the GraphQL request: constant, so encoded once.
var listCustomersQuery = func() []byte {
	b, err := json.Marshal(struct {
		Query string `json:"query"`
	}{Query: "query listCustomers {\n  customers {\n    nodes {\n      id\n      name\n      externalId\n    }\n  }\n}"})
	if err != nil {
		panic(err)
	}
	return b
}()

// RefreshToken exchanges the refresh token for an access token.
func (a *Activities) RefreshToken(ctx context.Context, refreshToken string) (*Token, error) {
	body, err := json.Marshal(struct {
		RefreshToken string `json:"refresh_token"`
	}{refreshToken})
	if err != nil {
		return nil, err
	}
	var tok Token
	if err := a.do(ctx, http.MethodPost, a.Base+"/auth/refresh", body, "", &tok); err != nil {
		return nil, fmt.Errorf("refresh access token: %w", err)
	}
	return &tok, nil
}

// ListCustomers runs the listCustomers query and returns the customer nodes.
func (a *Activities) ListCustomers(ctx context.Context, accessToken string) (json.RawMessage, error) {
	var res struct {
		Data struct {
			Customers struct {
				Nodes json.RawMessage `json:"nodes"`
			} `json:"customers"`
		} `json:"data"`
	}
	if err := a.do(ctx, http.MethodPost, a.Base+"/api", listCustomersQuery, "Bearer "+accessToken, &res); err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	return res.Data.Customers.Nodes, nil
}

// do sends a JSON request, reads the whole response (at most maxBody bytes), requires status
// 200 and decodes the body into v. A refused request is not retried: the workflow decides.
func (a *Activities) do(ctx context.Context, method, url string, body []byte, authorization string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := a.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return err
	}
	if len(data) > maxBody {
		return fmt.Errorf("response body exceeds %d bytes", maxBody)
	}
	if resp.StatusCode != http.StatusOK {
		return sdktemporal.NewNonRetryableApplicationError(fmt.Sprintf("status %d", resp.StatusCode), "HTTPStatus", nil)
	}
	return json.Unmarshal(data, v)
}

// RefreshAndListCustomers is the hand-written workflow: both requests are POSTs, so an
// activity is tried once (as the generated workflow does), bounded by a minute.
func RefreshAndListCustomers(ctx workflow.Context, refreshToken string) (*Outputs, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &sdktemporal.RetryPolicy{MaximumAttempts: 1},
	})
	var a *Activities
	var tok Token
	if err := workflow.ExecuteActivity(ctx, a.RefreshToken, refreshToken).Get(ctx, &tok); err != nil {
		return nil, err
	}
	var customers json.RawMessage
	if err := workflow.ExecuteActivity(ctx, a.ListCustomers, tok.AccessToken).Get(ctx, &customers); err != nil {
		return nil, err
	}
	return &Outputs{AccessToken: tok.AccessToken, Customers: customers}, nil
}
