package api

import (
	"encoding/json"
	"reflect"
	"strings"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Document builds the API's OpenAPI 3.1 document. The schemas of entities, documents, revisions
// and envelopes are made by reflection from the Go types the handlers write, so they cannot
// drift apart; the few answers written elsewhere (problem documents, search results) are
// described by hand here and checked against real answers by the tests. Every object schema
// refuses properties it does not list, so a field added on one side only fails those tests.
func Document() map[string]any {
	g := &schemas{components: map[string]any{}}
	paths := map[string]any{}
	problem := g.named("Problem", problemSchema)
	errors := map[string]any{
		"400": response("The request is malformed: an unknown parameter, filter, field or sort, a bad cursor or id.", problem),
		"404": response("There is no such entity or revision.", problem),
		"405": response("The API answers only GET and HEAD.", problem),
		"308": map[string]any{"description": "The entity was merged into another: Location is the kept one's address.",
			"headers": map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string"}}}},
		"503": response("The database cannot be reached just now; try again after Retry-After.", problem),
		"401": response("The Authorization header holds no token of any account (unknown or revoked).", problem),
		"403": response("The token's account is banned.", problem),
		"429": response("The budget of requests is spent: see Retry-After and RateLimit.", problem),
	}
	get := func(id, summary, description string, params []any, ok any, withErrors ...string) map[string]any {
		responses := map[string]any{
			"200": map[string]any{"description": "OK", "headers": readHeaders(),
				"content": map[string]any{"application/json": map[string]any{"schema": ok}}},
			"304": map[string]any{"description": "Not modified: the ETag given in If-None-Match is still current.",
				"headers": readHeaders()},
		}
		for _, code := range append([]string{"400", "401", "403", "405", "429", "503"}, withErrors...) {
			responses[code] = errors[code]
		}
		op := map[string]any{"operationId": id, "summary": summary, "description": description, "responses": responses}
		if len(params) > 0 {
			op["parameters"] = params
		}
		return map[string]any{"get": op}
	}

	paths[Prefix] = get("index", "The API's collections", "Lists the collections with their addresses.", nil, g.of(reflect.TypeFor[Root]()))
	paths[Prefix+"/openapi.json"] = get("openapi", "This document", "The OpenAPI 3.1 document of the API.", nil,
		map[string]any{"type": "object"})
	paths[Prefix+"/search"] = get("search", "Search every kind",
		"Finds works, episodes, characters, people and companies under any of their titles and names, in any script, "+
			"ranked as the site's search ranks them.",
		[]any{queryParam("q", "The text to find.", map[string]any{"type": "string"}),
			queryParam("kind", "Only entities of this kind.", map[string]any{"type": "string"}),
			queryParam("limit", "How many results, up to 50.", map[string]any{"type": "integer", "minimum": 1, "maximum": 50})},
		g.named("SearchResults", searchSchema))

	revisionList := g.named("RevisionList", g.page(g.of(reflect.TypeFor[Revision]())))
	diff := g.of(reflect.TypeFor[Diff]())
	idParam := func(c collection) any {
		return map[string]any{"name": "id", "in": "path", "required": true, "description": "The " + c.Noun + "'s id.",
			"schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}}
	}
	// Comic Vine's users are used to sending format=json; it is accepted, and changes nothing.
	format := queryParam("format", "Accepted for familiarity: answers are always JSON.", map[string]any{"type": "string", "enum": []string{"json"}})
	for _, c := range collections {
		docT := docType(c.Kind)
		doc := g.named(c.Schema+"Document", g.object(docT))
		entity := g.named(c.Schema, g.entity(c, docT))
		list := g.named(c.Schema+"List", g.page(entity))
		revDoc := g.object(reflect.TypeFor[RevisionDocument]())
		revDoc["properties"].(map[string]any)["document"] = doc
		revision := g.named(c.Schema+"Revision", revDoc)

		p := Prefix + "/" + c.Path
		sortNames := []string{"id", "name", "updated"}
		if c.Kind == wiki.KindWork {
			sortNames = []string{"id", "name", "year", "updated"}
		}
		var sortEnum []string
		for _, s := range sortNames {
			sortEnum = append(sortEnum, s, "-"+s)
		}
		paths[p] = get("list"+c.Schema, "List "+c.Path,
			"A page of "+c.Path+", filtered and sorted; follow next (or pass next_cursor as cursor) for the next page. "+
				"Filters: "+strings.Join(filterNames(c), ", ")+", and site:id for an id on another site (anidb:4415).",
			[]any{
				queryParam("limit", "How many per page.", map[string]any{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}),
				queryParam("fields", "Fields to write, separated by commas (id is always written). Without it, a list writes "+
					strings.Join(rowFields(c.Kind), ", ")+".", map[string]any{"type": "string"}),
				map[string]any{"name": "filter", "in": "query", "style": "form", "explode": true,
					"description": "Filters of the form name:value, separated by commas or repeated; all must hold.",
					"schema":      map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "maxItems": MaxFilters}},
				queryParam("sort", "Order, with - for descending; ties are broken by id.", map[string]any{"type": "string", "enum": sortEnum, "default": "id"}),
				queryParam("cursor", "The next_cursor of the previous page.", map[string]any{"type": "string", "maxLength": MaxCursor}),
				format,
			}, list)
		paths[p+"/{id}"] = get("get"+c.Schema, "One "+c.Noun,
			"The "+c.Noun+"'s current document, with its references resolved.",
			[]any{idParam(c), queryParam("fields", "Fields to write, separated by commas (id is always written).", map[string]any{"type": "string"}), format},
			entity, "404", "308")
		paths[p+"/{id}/revisions"] = get("list"+c.Schema+"Revisions", "History of a "+c.Noun, "The "+c.Noun+"'s revisions, newest first.",
			[]any{idParam(c),
				queryParam("limit", "How many per page.", map[string]any{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}),
				queryParam("cursor", "The next_cursor of the previous page.", map[string]any{"type": "string", "maxLength": MaxCursor})},
			revisionList, "404")
		paths[p+"/{id}/revisions/{n}"] = get("get"+c.Schema+"Revision", "One revision of a "+c.Noun,
			"The revision with its document, references resolved as they are now.",
			[]any{idParam(c), map[string]any{"name": "n", "in": "path", "required": true, "description": "The revision's number.",
				"schema": map[string]any{"type": "integer", "minimum": 1}}},
			revision, "404")
		paths[p+"/{id}/diff"] = get("diff"+c.Schema, "Compare two revisions of a "+c.Noun,
			"The changes from revision from to revision to, field by field (from 0: against nothing).",
			[]any{idParam(c),
				queryParam("from", "The older revision; by default to's parent.", map[string]any{"type": "integer", "minimum": 0}),
				queryParam("to", "The newer revision; by default the current one.", map[string]any{"type": "integer", "minimum": 1})},
			diff, "404")
	}
	changeset := g.object(reflect.TypeFor[Changeset]())
	changeset["required"] = []string{"id"} // fields picks which are written
	changeset["properties"].(map[string]any)["status"] = map[string]any{"type": "string",
		"enum": []string{store.StatusPending, store.StatusAccepted, store.StatusRejected, store.StatusWithdrawn}}
	paths[Prefix+"/changesets/{id}"] = get("getChangeset", "One changeset",
		"A changeset's state, author and summary, and each entity it changes: with the revision it made once accepted, "+
			"else with the revision its proposal was made from. Every changeset is public, whatever its state, as on the site. "+
			"The answer about a changeset that waits for review may change at any moment (Cache-Control: no-cache).",
		[]any{map[string]any{"name": "id", "in": "path", "required": true, "description": "The changeset's id.",
			"schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
			queryParam("fields", "Fields to write, separated by commas (id is always written).", map[string]any{"type": "string"}), format},
		g.named("Changeset", changeset), "404")
	g.writePaths(paths, problem, get)
	return map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": map[string]any{
			"title":   "Kioku API",
			"version": "1",
			"description": "Read Kioku's wiki as JSON: every kind of entity, listed and one by one, with its history and a " +
				"feed of every change; write to it with a personal API token, through the same edit and moderation path as the site's forms. " +
				"Reading is open to everyone and needs no key; every answer carries RateLimit headers. Addresses in answers are relative to the site. " +
				"Errors are problem documents (RFC 9457). See /api for examples.",
			"license": map[string]any{"name": "Content: as each data set's licence asks; see each document's sources",
				"identifier": "CC-BY-4.0"},
		},
		// Addresses are relative to the site that serves the document, wherever it is.
		"servers": []any{map[string]any{"url": "/", "description": "The site that serves this document."}},
		// Reads need no token, and are counted under the token when they carry one.
		"security": []any{map[string]any{}, map[string]any{"token": []string{}}},
		"paths":    paths,
		"components": map[string]any{"schemas": g.components, "securitySchemes": map[string]any{
			"token": map[string]any{"type": "http", "scheme": "bearer",
				"description": "A personal API token, made on the account page (/account). Reads need none."}}},
	}
}

func response(description string, schema any) map[string]any {
	return map[string]any{"description": description,
		"content": map[string]any{"application/problem+json": map[string]any{"schema": schema}}}
}

func queryParam(name, description string, schema any) map[string]any {
	return map[string]any{"name": name, "in": "query", "description": description, "schema": schema}
}

func readHeaders() map[string]any {
	str := map[string]any{"type": "string"}
	return rateLimitHeaders(map[string]any{
		"ETag":          map[string]any{"description": "A hash of the body; send it back in If-None-Match.", "schema": str},
		"Cache-Control": map[string]any{"description": "Readers not signed in may cache answers for a minute.", "schema": str},
	})
}

// problemSchema is the problem document the web package's error adapter writes for requests
// under /api/.
var problemSchema = map[string]any{
	"type": "object", "additionalProperties": false,
	"required": []string{"type", "title", "status", "detail"},
	"properties": map[string]any{
		"type":   map[string]any{"type": "string"},
		"title":  map[string]any{"type": "string"},
		"status": map[string]any{"type": "integer"},
		"detail": map[string]any{"type": "string"},
	},
}

// searchSchema is the answer of /api/v1/search, which the web package writes.
var searchSchema = map[string]any{
	"type": "object", "additionalProperties": false,
	"required": []string{"query", "total", "results"},
	"properties": map[string]any{
		"query": map[string]any{"type": "string"},
		"total": map[string]any{"type": "integer"},
		"results": map[string]any{"type": "array", "items": map[string]any{
			"type": "object", "additionalProperties": false,
			"required": []string{"id", "kind", "name", "url", "matched", "label"},
			"properties": map[string]any{
				"id":             map[string]any{"type": "integer"},
				"kind":           map[string]any{"type": "string"},
				"name":           map[string]any{"type": "string"},
				"url":            map[string]any{"type": "string"},
				"type":           map[string]any{"type": "string"},
				"year":           map[string]any{"type": "integer"},
				"original_title": map[string]any{"type": "string"},
				"matched":        map[string]any{"type": "string"},
				"label":          map[string]any{"type": "string"},
				"work": map[string]any{"type": "object", "additionalProperties": false, "required": []string{"name", "url"},
					"properties": map[string]any{"name": map[string]any{"type": "string"}, "url": map[string]any{"type": "string"}}},
			},
		}},
	},
}

// schemas builds JSON Schemas from Go types, keeping named ones as components.
type schemas struct {
	components map[string]any
}

// named keeps schema as a component and returns a reference to it.
func (g *schemas) named(name string, schema any) map[string]any {
	g.components[name] = schema
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// of is the schema of a value of type t: a reference to a component for structs.
func (g *schemas) of(t reflect.Type) any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case refType:
		if _, ok := g.components["Ref"]; !ok {
			g.named("Ref", g.object(reflect.TypeFor[Ref]()))
		}
		return map[string]any{"$ref": "#/components/schemas/Ref"}
	case reflect.TypeFor[wiki.Medium]():
		var enum []string
		for _, m := range wiki.Media {
			enum = append(enum, string(m.Medium))
		}
		return map[string]any{"type": "string", "enum": enum}
	case reflect.TypeFor[json.RawMessage]():
		return map[string]any{"type": "object"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem()) // an optional value, written when it is set
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.of(t.Elem())}
	case reflect.Struct:
		if _, ok := g.components[t.Name()]; !ok {
			g.components[t.Name()] = nil // taken, in case the type refers to itself
			g.components[t.Name()] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + t.Name()}
	}
	panic("api: no schema for " + t.String())
}

// object is the schema of a struct type: its fields, those without omitempty required.
func (g *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	for _, f := range fieldsOf(t) {
		props[f.name] = g.of(f.typ)
		if !f.omitempty {
			required = append(required, f.name)
		}
	}
	if t == externalIDType {
		props["url"] = map[string]any{"type": "string", "description": "The id's page on its site."}
	}
	if t == imageType {
		props["url"] = map[string]any{"type": "string", "description": "The picture at full size, on this site; its address names its content, so it never changes."}
		props["thumbnail_url"] = map[string]any{"type": "string", "description": "A copy at most 160 pixels wide (320 and 640 are served too, for pictures wider than that)."}
		required = append(required, "url", "thumbnail_url")
	}
	return map[string]any{"type": "object", "additionalProperties": false, "properties": props, "required": required}
}

// entity is the schema of a collection's entities: the entity's own fields, then its document's
// but its name. Only the id is required, since fields picks which are written.
func (g *schemas) entity(c collection, doc reflect.Type) map[string]any {
	s := g.object(metaType)
	props := s["properties"].(map[string]any)
	props["kind"] = map[string]any{"type": "string", "const": string(c.Kind)}
	for name, p := range g.object(doc)["properties"].(map[string]any) {
		if name != "name" {
			props[name] = p
		}
	}
	s["required"] = []string{"id"}
	return s
}

// page is the schema of a list's envelope with items of the given schema.
func (g *schemas) page(items any) map[string]any {
	s := g.object(reflect.TypeFor[Page[json.RawMessage]]())
	s["properties"].(map[string]any)["results"] = map[string]any{"type": "array", "items": items}
	return s
}
