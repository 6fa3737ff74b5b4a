// Package handwritten is the floor the generated workflows are measured against: the four seed
// workflows written directly against net/http, the way a careful engineer would write them by
// hand after reading the Arazzo documents and the OpenAPI descriptions.
//
// Each function sends exactly the requests the generated code sends (same method, URL, headers
// and body bytes; bench's equivalence test checks this on the wire) and returns the same
// outputs. It keeps the properties that matter in production and that the generated code also
// has: a reused *http.Client, a context and a timeout on every request, a bounded response
// read, a status check, and a response body read to the end so that the connection is reused. It decodes
// each response once into a struct that holds only the fields the workflow needs.
package handwritten

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxBody bounds each response read and requestTimeout each request, as the generated
// clients' defaults do (10 MiB, 30 seconds).
const (
	maxBody        = 10 << 20
	requestTimeout = 30 * time.Second
)

// Client calls the three vendor APIs. Base URLs have no trailing slash.
type Client struct {
	HTTP          *http.Client
	PrismaticBase string
	AirbyteBase   string
	PipedreamBase string
}

// The outputs have the fields, JSON names and nullability of the generated Outputs types,
// written from the Arazzo outputs and the OpenAPI schemas, so that the equivalence test can
// compare them value by value.

// RefreshAndListCustomersOutputs are the outputs of refresh-and-list-customers.
type RefreshAndListCustomersOutputs struct {
	AccessToken string          `json:"accessToken"`
	Customers   json.RawMessage `json:"customers"`
}

// RotateRefreshTokenOutputs are the outputs of rotate-refresh-token.
type RotateRefreshTokenOutputs struct {
	AccessToken   string `json:"accessToken"`
	RevokedStatus int64  `json:"revokedStatus"`
}

// BootstrapApplicationTokenOutputs are the outputs of bootstrap-application-token.
type BootstrapApplicationTokenOutputs struct {
	ApplicationID string `json:"applicationId"`
	ClientID      string `json:"clientId"`
	AccessToken   string `json:"accessToken"`
}

// TokenMintAndValidateOutputs are the outputs of token-mint-and-validate.
type TokenMintAndValidateOutputs struct {
	ConnectToken string                `json:"connectToken"`
	Validation   ValidateTokenResponse `json:"validation"`
}

// ValidateTokenResponse is Pipedream's ValidateTokenResponse schema: nullable properties are
// pointers, optional ones are left out when absent.
type ValidateTokenResponse struct {
	App                 *App    `json:"app,omitempty"`
	Error               *string `json:"error"`
	ErrorRedirectURI    *string `json:"error_redirect_uri,omitempty"`
	OauthAppID          *string `json:"oauth_app_id,omitempty"`
	ProjectAppName      *string `json:"project_app_name,omitempty"`
	ProjectEnvironment  *string `json:"project_environment,omitempty"`
	ProjectID           *string `json:"project_id,omitempty"`
	ProjectSupportEmail *string `json:"project_support_email,omitempty"`
	Success             bool    `json:"success"`
	SuccessRedirectURI  *string `json:"success_redirect_uri,omitempty"`
}

// App is Pipedream's App schema.
type App struct {
	ID               *string  `json:"id,omitempty"`
	NameSlug         string   `json:"name_slug"`
	Name             string   `json:"name"`
	AuthType         *string  `json:"auth_type,omitempty"` // keys, oauth or none
	Description      *string  `json:"description,omitempty"`
	ImgSrc           string   `json:"img_src"`
	CustomFieldsJSON *string  `json:"custom_fields_json"`
	Categories       []string `json:"categories"`
	FeaturedWeight   float64  `json:"featured_weight"`
}

// listCustomersQuery is the request body of the GraphQL step: constant, so encoded once.
var listCustomersQuery = mustJSON(struct {
	Query string `json:"query"`
}{Query: "query listCustomers {\n  customers {\n    nodes {\n      id\n      name\n      externalId\n    }\n  }\n}"})

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

type customersResponse struct {
	Data struct {
		Customers struct {
			Nodes json.RawMessage `json:"nodes"`
		} `json:"customers"`
	} `json:"data"`
}

// Each step decodes the outputs its Arazzo step declares, as the generated code does, even
// where the workflow's outputs do not use them.

// RefreshAndListCustomers refreshes the Prismatic access token and lists the customers.
func (c *Client) RefreshAndListCustomers(ctx context.Context, refreshToken string) (*RefreshAndListCustomersOutputs, error) {
	var tok tokenResponse
	if err := c.prismaticRefresh(ctx, refreshToken, &tok); err != nil {
		return nil, err
	}
	nodes, err := c.prismaticCustomers(ctx, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	return &RefreshAndListCustomersOutputs{AccessToken: tok.AccessToken, Customers: nodes}, nil
}

// RotateRefreshToken refreshes the access token, checks it with the customers query and
// revokes the old refresh token.
func (c *Client) RotateRefreshToken(ctx context.Context, refreshToken string) (*RotateRefreshTokenOutputs, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := c.prismaticRefresh(ctx, refreshToken, &tok); err != nil {
		return nil, err
	}
	if _, err := c.prismaticCustomers(ctx, tok.AccessToken); err != nil {
		return nil, err
	}
	body, err := json.Marshal(refreshRequest{RefreshToken: refreshToken})
	if err != nil {
		return nil, err
	}
	// The revoke response has no field the workflow uses; only its status matters.
	status, err := c.do(ctx, call{method: http.MethodPost, url: c.PrismaticBase + "/auth/revoke", body: body}, nil)
	if err != nil {
		return nil, fmt.Errorf("revoke refresh token: %w", err)
	}
	return &RotateRefreshTokenOutputs{AccessToken: tok.AccessToken, RevokedStatus: int64(status)}, nil
}

func (c *Client) prismaticRefresh(ctx context.Context, refreshToken string, dst any) error {
	body, err := json.Marshal(refreshRequest{RefreshToken: refreshToken})
	if err != nil {
		return err
	}
	if _, err := c.do(ctx, call{method: http.MethodPost, url: c.PrismaticBase + "/auth/refresh", body: body}, dst); err != nil {
		return fmt.Errorf("refresh access token: %w", err)
	}
	return nil
}

func (c *Client) prismaticCustomers(ctx context.Context, accessToken string) (json.RawMessage, error) {
	var res customersResponse
	r := call{method: http.MethodPost, url: c.PrismaticBase + "/api", body: listCustomersQuery, header: "Authorization", value: "Bearer " + accessToken}
	if _, err := c.do(ctx, r, &res); err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	return res.Data.Customers.Nodes, nil
}

// BootstrapApplicationToken creates an Airbyte application, reads it back and exchanges its
// credentials for an access token.
func (c *Client) BootstrapApplicationToken(ctx context.Context, applicationName string) (*BootstrapApplicationTokenOutputs, error) {
	body, err := json.Marshal(struct {
		Name string `json:"name"`
	}{Name: applicationName})
	if err != nil {
		return nil, err
	}
	var app struct {
		ID           string `json:"id"`
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
	if _, err := c.do(ctx, call{method: http.MethodPost, url: c.AirbyteBase + "/applications", body: body}, &app); err != nil {
		return nil, fmt.Errorf("create application: %w", err)
	}

	var got struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, url: c.AirbyteBase + "/applications/" + url.PathEscape(app.ID)}, &got); err != nil {
		return nil, fmt.Errorf("get application: %w", err)
	}

	body, err = json.Marshal(struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		GrantType    string `json:"grant-type"`
	}{ClientID: app.ClientID, ClientSecret: app.ClientSecret, GrantType: "client_credentials"})
	if err != nil {
		return nil, err
	}
	var tok tokenResponse
	if _, err := c.do(ctx, call{method: http.MethodPost, url: c.AirbyteBase + "/applications/token", body: body}, &tok); err != nil {
		return nil, fmt.Errorf("create access token: %w", err)
	}
	return &BootstrapApplicationTokenOutputs{ApplicationID: app.ID, ClientID: app.ClientID, AccessToken: tok.AccessToken}, nil
}

// TokenMintAndValidate mints a Pipedream Connect token and validates it for an app.
func (c *Client) TokenMintAndValidate(ctx context.Context, projectID, environment, externalUserID, appID string) (*TokenMintAndValidateOutputs, error) {
	body, err := json.Marshal(struct {
		ExternalUserID string `json:"external_user_id"`
		ProjectID      string `json:"project_id"`
	}{ExternalUserID: externalUserID, ProjectID: projectID})
	if err != nil {
		return nil, err
	}
	var tok struct {
		Token          string `json:"token"`
		ConnectLinkURL string `json:"connect_link_url"`
	}
	r := call{
		method: http.MethodPost, url: c.PipedreamBase + "/v1/connect/" + url.PathEscape(projectID) + "/tokens", body: body,
		header: "X-Pd-Environment", value: environment,
	}
	if _, err := c.do(ctx, r, &tok); err != nil {
		return nil, fmt.Errorf("create connect token: %w", err)
	}

	u := c.PipedreamBase + "/v1/connect/tokens/" + url.PathEscape(tok.Token) + "/validate?app_id=" + url.QueryEscape(appID)
	var validation ValidateTokenResponse
	if _, err := c.do(ctx, call{method: http.MethodGet, url: u}, &validation); err != nil {
		return nil, fmt.Errorf("validate connect token: %w", err)
	}
	return &TokenMintAndValidateOutputs{ConnectToken: tok.Token, Validation: validation}, nil
}

// call is one request: its method and URL, its JSON body (nil for none) and at most one
// header besides Content-Type and Accept.
type call struct {
	method, url   string
	body          []byte
	header, value string
}

// do sends the request, bounded by requestTimeout from sending it to reading its last byte;
// reads the whole response (at most maxBody bytes); requires status 200; and decodes the body
// into v unless v is nil. It returns the status code.
func (c *Client) do(ctx context.Context, r call, v any) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return 0, err
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if r.header != "" {
		req.Header.Set(r.header, r.value)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return resp.StatusCode, err
	}
	if len(data) > maxBody {
		return resp.StatusCode, fmt.Errorf("response body exceeds %d bytes", maxBody)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("status %d", resp.StatusCode)
	}
	if v != nil {
		if err := json.Unmarshal(data, v); err != nil {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}
