package api

import (
	"reflect"
	"slices"

	"kioku/internal/wiki"
)

// input is the schema of a value of type t as a write sends it: a document in its stored form,
// where a reference is the entity's id (or, in a changeset, minus the position of the change
// that creates it), or in the form the reads write it (see readForm). Struct types are
// components named with "Input"; no field is required, since a missing one is empty, but none
// may be added.
func (g *schemas) input(t reflect.Type) any {
	switch t {
	case refType:
		if _, ok := g.components["RefInput"]; !ok {
			ref := g.object(reflect.TypeFor[Ref]())
			ref["description"] = "A reference as the reads write it: only its id counts."
			g.named("RefInput", ref)
		}
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "integer", "format": "int64",
				"description": "An entity's id; in a changeset, -n for the entity the n-th change creates."},
			map[string]any{"$ref": "#/components/schemas/RefInput"},
		}}
	case timeType, reflect.TypeFor[wiki.Medium]():
		return g.of(t)
	}
	switch t.Kind() {
	case reflect.Slice:
		return map[string]any{"type": []string{"array", "null"}, "items": g.input(t.Elem())}
	case reflect.Struct:
		name := t.Name() + "Input"
		if _, ok := g.components[name]; !ok {
			g.components[name] = nil
			props := map[string]any{}
			for _, f := range fieldsOf(t) {
				props[f.name] = g.input(f.typ)
			}
			for _, d := range derivedFields[t] {
				props[d] = map[string]any{"type": "string", "description": "As the reads write it; made from the rest, so not read."}
			}
			g.components[name] = map[string]any{"type": "object", "additionalProperties": false, "properties": props}
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return g.of(t)
}

// rateLimitHeaders are the headers every API answer carries (IETF draft
// httpapi-ratelimit-headers).
func rateLimitHeaders(h map[string]any) map[string]any {
	str := map[string]any{"type": "string"}
	h["RateLimit"] = map[string]any{"description": `What is left of the budget: "read";r=599;t=42 (r requests left, t seconds until the window ends).`, "schema": str}
	h["RateLimit-Policy"] = map[string]any{"description": `The budget: "read";q=600;w=60 (q requests per w seconds), per token or, without one, per address.`, "schema": str}
	return h
}

// writePaths adds the change feed and the writes to paths.
func (g *schemas) writePaths(paths map[string]any, problem any, get func(id, summary, description string, params []any, ok any, withErrors ...string) map[string]any) {
	limit := queryParam("limit", "How many per page.", map[string]any{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit})
	paths[Prefix+"/changes"] = get("listChanges", "The change feed",
		"Every accepted revision in the order it was committed. Keep next_since and ask again with since=next_since: "+
			"each revision is listed once, and none committed later can come before a cursor already given.",
		[]any{queryParam("since", "The cursor of the last change seen (from the first without it).", map[string]any{"type": "string", "pattern": "^[0-9]{1,19}$"}), limit},
		g.of(reflect.TypeFor[FeedPage]()))

	inputs := []any{}
	result := g.of(reflect.TypeFor[WriteResult]())
	invalid := g.named("InvalidProblem", g.object(reflect.TypeFor[InvalidProblem]()))
	conflictSchema := g.object(reflect.TypeFor[ConflictProblem]())
	conflictSchema["properties"].(map[string]any)["current"] = map[string]any{"type": "object",
		"description": "The entity's current document in its stored form (references as ids)."}
	conflict := g.named("ConflictProblem", conflictSchema)
	written := func(what string) map[string]any {
		ok := func(d string) map[string]any {
			return map[string]any{"description": d, "headers": rateLimitHeaders(map[string]any{
				"Location": map[string]any{"description": "The changeset's page.", "schema": map[string]any{"type": "string"}}}),
				"content": map[string]any{"application/json": map[string]any{"schema": result}}}
		}
		return map[string]any{
			"201": ok(what + " was accepted: it is on the pages now."),
			"202": ok(what + " waits for a moderator's review (the token's account is a new editor)."),
			"400": response("The body is not JSON of the right shape: an unknown field, a wrong type, more than one value.", problem),
			"401": response("No API token, or one unknown or revoked.", problem),
			"403": response("The token may only read, or its account may not make this edit (banned, or the page is locked).", problem),
			"404": response("There is no such entity.", problem),
			"409": response("The entity changed since base in the same fields: nothing was saved.", conflict),
			"413": response("The body is larger than the API takes.", problem),
			"422": response("The document breaks the wiki's rules: nothing was saved.", invalid),
			"429": response("The token's write budget is spent: see Retry-After.", problem),
			"503": response("The database cannot be reached just now; try again after Retry-After.", problem),
		}
	}
	security := []any{map[string]any{"token": []string{}}}
	for _, c := range collections {
		in := g.input(docType(c.Kind))
		if !slices.ContainsFunc(inputs, func(x any) bool { return reflect.DeepEqual(x, in) }) {
			inputs = append(inputs, in) // genres, themes and concepts share one
		}
		g.documentInput(docType(c.Kind))
		body := g.object(reflect.TypeFor[EntityWrite]())
		body["properties"].(map[string]any)["document"] = in
		body["properties"].(map[string]any)["base"] = map[string]any{"type": "integer", "minimum": 1,
			"description": "The revision the document was made from: changes made since are merged field by field. " +
				"Without it, the document's revision (a document as read)."}
		p := paths[Prefix+"/"+c.Path+"/{id}"].(map[string]any)
		op := map[string]any{"operationId": "put" + c.Schema, "summary": "Edit a " + c.Noun,
			"description": "Saves the " + c.Noun + "'s next document through the same edit and moderation path as the site's forms.",
			"security":    security,
			"parameters":  p["get"].(map[string]any)["parameters"].([]any)[:1],
			"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
				"schema": g.named(c.Schema+"Write", body)}}},
			"responses": written("The edit"),
		}
		p["put"] = op
	}
	change := g.object(reflect.TypeFor[ChangeWrite]())
	props := change["properties"].(map[string]any)
	props["document"] = map[string]any{"anyOf": inputs, "description": "The document of the kind, in its stored form."}
	props["kind"] = map[string]any{"type": "string", "enum": kindNames()}
	props["id"] = map[string]any{"type": "integer", "format": "int64", "minimum": 1, "description": "The entity to change; absent for a new one."}
	props["base"] = map[string]any{"type": "integer", "minimum": 1,
		"description": "With id: the revision the document was made from; without it, the document's revision (a document as read)."}
	cs := g.object(reflect.TypeFor[ChangesetWrite]())
	cs["properties"].(map[string]any)["changes"] = map[string]any{"type": "array", "minItems": 1, "maxItems": MaxChanges,
		"items": g.named("ChangeWrite", change)}
	paths[Prefix+"/changesets"] = map[string]any{"post": map[string]any{
		"operationId": "postChangeset", "summary": "Save several changes as one changeset",
		"description": "Creates and edits entities in one changeset, accepted or queued for review as a whole.",
		"security":    security,
		"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
			"schema": g.named("ChangesetWrite", cs)}}},
		"responses": written("The changeset"),
	}}
}

// documentInput adds to the input schema of a document type the entity's own fields, which a
// document as read holds (see readForm).
func (g *schemas) documentInput(t reflect.Type) {
	props := g.components[t.Name()+"Input"].(map[string]any)["properties"].(map[string]any)
	meta := g.object(metaType)["properties"].(map[string]any)
	for _, name := range metaFields {
		if _, ok := props[name]; ok {
			continue
		}
		p := map[string]any{}
		for k, v := range meta[name].(map[string]any) {
			p[k] = v
		}
		switch name {
		case "id", "kind":
			p["description"] = "As the reads write it: when given, the entity's own."
		case "revision":
			p["description"] = "As the reads write it: the revision the document was read at, the base when the write gives none."
		default:
			p["description"] = "As the reads write it: read-only, not read."
		}
		props[name] = p
	}
}

func kindNames() []string {
	var out []string
	for _, c := range collections {
		out = append(out, string(c.Kind))
	}
	return out
}
