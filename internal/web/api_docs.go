package web

import "net/http"

// The API's request budgets a minute unless Settings say otherwise.
const (
	DefaultAPIReads  = 600
	DefaultAPIWrites = 60
)

// APIDocs is /api: the JSON API explained for people, with examples and the site's request
// budgets, linking to its OpenAPI document (internal/api serves both the API and the document).
func (a *App) APIDocs(w http.ResponseWriter, r *http.Request) error {
	return a.render(w, r, http.StatusOK, "api", "API", apiDocsPage{Reads: a.set.APIReads, Writes: a.set.APIWrites})
}

type apiDocsPage struct{ Reads, Writes int }
