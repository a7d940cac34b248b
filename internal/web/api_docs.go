package web

import "net/http"

// APIDocs is /api: the JSON API explained for people, with examples, linking to its OpenAPI
// document (internal/api serves both the API and the document).
func (a *App) APIDocs(w http.ResponseWriter, r *http.Request) error {
	return a.render(w, r, http.StatusOK, "api", "API", nil)
}
