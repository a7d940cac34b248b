// Package client is a small Go client of Kioku's JSON API: it lists and reads entities, writes
// through the edit path with a personal API token, and follows the change feed. Its request and
// answer types are the API's own (package api), so the two cannot disagree.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"kioku/internal/api"
)

// Client talks to one Kioku site. Build it with New.
type Client struct {
	base  string
	token string
	// HTTP is the HTTP client requests go through.
	HTTP *http.Client
}

// New makes a client of the site at base ("https://kioku.example"), sending token (a personal
// API token) with every request when it is not empty.
func New(base, token string) *Client {
	return &Client{base: base, token: token, HTTP: http.DefaultClient}
}

// Error is an answer with an error status: its problem document.
type Error struct {
	Status int
	Title  string `json:"title"`
	Detail string `json:"detail"`
	// Problems lists what is wrong with a refused write (422).
	Problems []string `json:"problems"`
	// RetryAfter is when to try again after a 429 or 503.
	RetryAfter time.Duration
	// Body is the whole problem document, for the fields of a conflict (409: api.ConflictProblem).
	Body []byte
}

func (e *Error) Error() string {
	return fmt.Sprintf("kioku: %d %s: %s", e.Status, e.Title, e.Detail)
}

// Conflict reads a 409's current revision and the fields in conflict.
func (e *Error) Conflict() (api.ConflictProblem, error) {
	var p api.ConflictProblem
	err := json.Unmarshal(e.Body, &p)
	return p, err
}

// do sends a request with an optional JSON body and decodes a JSON answer into out. It returns
// the status, and an *Error for statuses of 400 and above.
func (c *Client) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode >= 400 {
		e := &Error{Status: res.StatusCode, Body: data}
		_ = json.Unmarshal(data, e)
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return res.StatusCode, e
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return res.StatusCode, fmt.Errorf("kioku: %s %s: %w", method, path, err)
		}
	}
	return res.StatusCode, nil
}

// Page is a page of a list: its entities as JSON objects, which differ by kind and fields.
type Page = api.Page[map[string]any]

// List reads a page of a collection ("works") with the given parameters (filter, sort, fields,
// limit, cursor).
func (c *Client) List(ctx context.Context, collection string, params url.Values) (Page, error) {
	var p Page
	path := api.Prefix + "/" + collection
	if len(params) > 0 {
		path += "?" + params.Encode()
	}
	_, err := c.do(ctx, http.MethodGet, path, nil, &p)
	return p, err
}

// Get reads one entity of a collection, its references resolved.
func (c *Client) Get(ctx context.Context, collection string, id int64) (map[string]any, error) {
	var e map[string]any
	_, err := c.do(ctx, http.MethodGet, fmt.Sprintf("%s/%s/%d", api.Prefix, collection, id), nil, &e)
	return e, err
}

// Put saves an entity's next document, made from revision base: in its stored form (references
// as ids), or as Get read it, one field changed, with base 0 for the revision it was read at.
// The result's Status says whether it was accepted or waits for review.
func (c *Client) Put(ctx context.Context, collection string, id int64, base int, summary string, doc any) (api.WriteResult, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return api.WriteResult{}, err
	}
	var out api.WriteResult
	_, err = c.do(ctx, http.MethodPut, fmt.Sprintf("%s/%s/%d", api.Prefix, collection, id),
		api.EntityWrite{Base: base, Summary: summary, Document: raw}, &out)
	return out, err
}

// Write saves several changes as one changeset.
func (c *Client) Write(ctx context.Context, cs api.ChangesetWrite) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, http.MethodPost, api.Prefix+"/changesets", cs, &out)
	return out, err
}

// Changeset reads a changeset: its state (a write's queued changeset is accepted, rejected or
// withdrawn later) and the revisions it made.
func (c *Client) Changeset(ctx context.Context, id int64) (api.Changeset, error) {
	var out api.Changeset
	_, err := c.do(ctx, http.MethodGet, fmt.Sprintf("%s/changesets/%d", api.Prefix, id), nil, &out)
	return out, err
}

// Changes reads a page of the change feed after the cursor since ("" from the start).
func (c *Client) Changes(ctx context.Context, since string, limit int) (api.FeedPage, error) {
	v := url.Values{"limit": {strconv.Itoa(limit)}}
	if since != "" {
		v.Set("since", since)
	}
	var p api.FeedPage
	_, err := c.do(ctx, http.MethodGet, api.Prefix+"/changes?"+v.Encode(), nil, &p)
	return p, err
}

// Follow reads the change feed from since until it has nothing more, calling fn with each change
// in order, and returns the cursor to resume from next time.
func (c *Client) Follow(ctx context.Context, since string, fn func(api.FeedChange) error) (string, error) {
	for {
		p, err := c.Changes(ctx, since, api.MaxLimit)
		if err != nil {
			return since, err
		}
		for _, ch := range p.Results {
			if err := fn(ch); err != nil {
				return since, err
			}
			since = ch.Cursor
		}
		if p.Count < api.MaxLimit {
			return p.NextSince, nil
		}
	}
}
