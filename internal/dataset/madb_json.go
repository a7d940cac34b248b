package dataset

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// ldDecoder reads the JSON of a MADB file: one object whose "@graph" is a list of flat
// entries, each field a string, a {"@value", "@language"} object or a list of those.
//
// encoding/json would do, but its reflection made up most of the reading time (and five
// times that under the race detector); this reader only knows the one shape, copies each
// string once, and tells three kinds of trouble apart: a file that ends early
// (io.ErrUnexpectedEOF), a file that is not JSON (*ldSyntaxError), and an entry whose
// value has the wrong shape or holds bytes that are not UTF-8, which only spoils that entry.
type ldDecoder struct {
	b []byte
	i int
}

// ldSyntaxError is a place where the file stops being JSON.
type ldSyntaxError struct {
	Offset int
	What   string
}

// Error says what and where.
func (e *ldSyntaxError) Error() string { return fmt.Sprintf("%s at byte %d", e.What, e.Offset) }

// fail returns the error for what was found at the current place: the end of the data, or
// something that is not JSON.
func (d *ldDecoder) fail(what string) error {
	if d.i >= len(d.b) {
		return io.ErrUnexpectedEOF
	}
	return &ldSyntaxError{Offset: d.i, What: fmt.Sprintf("%s, found %q", what, d.b[d.i])}
}

// ws skips white space and reports whether anything follows.
func (d *ldDecoder) ws() bool {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return true
		}
	}
	return false
}

// next skips white space and returns the next byte without taking it.
func (d *ldDecoder) next() (byte, error) {
	if !d.ws() {
		return 0, io.ErrUnexpectedEOF
	}
	return d.b[d.i], nil
}

// take skips white space and takes c, which must come next.
func (d *ldDecoder) take(c byte) error {
	if b, err := d.next(); err != nil || b != c {
		return d.fail(fmt.Sprintf("expected %q", c))
	}
	d.i++
	return nil
}

// more reads what follows a member of an object or list: true after a comma, false at the
// closing bracket, which it takes.
func (d *ldDecoder) more(closing byte) (bool, error) {
	b, err := d.next()
	switch {
	case err != nil:
		return false, err
	case b == ',':
		d.i++
		return true, nil
	case b == closing:
		d.i++
		return false, nil
	}
	return false, d.fail(fmt.Sprintf("expected ',' or %q", closing))
}

// members calls f for each key of the object that comes next; f must read the value.
func (d *ldDecoder) members(f func(key string, utf8OK bool) error) error {
	if err := d.take('{'); err != nil {
		return err
	}
	if b, err := d.next(); err != nil {
		return err
	} else if b == '}' {
		d.i++
		return nil
	}
	for {
		key, ok, err := d.str()
		if err != nil {
			return err
		}
		if err := d.take(':'); err != nil {
			return err
		}
		if err := f(key, ok); err != nil {
			return err
		}
		if more, err := d.more('}'); err != nil || !more {
			return err
		}
	}
}

// str reads a string; ok is false when its bytes are not all UTF-8 (each such byte then
// reads as U+FFFD).
func (d *ldDecoder) str() (s string, ok bool, err error) {
	if err := d.take('"'); err != nil {
		return "", false, err
	}
	start := d.i
	for d.i < len(d.b) {
		switch c := d.b[d.i]; {
		case c == '"':
			raw := d.b[start:d.i]
			d.i++
			if utf8.Valid(raw) {
				return string(raw), true, nil
			}
			return string([]rune(string(raw))), false, nil
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			return "", false, d.fail("control character in a string")
		default:
			d.i++
		}
	}
	return "", false, io.ErrUnexpectedEOF
}

// escaped reads the rest of a string that holds escapes, from start, just after its quote.
func (d *ldDecoder) escaped(start int) (string, bool, error) {
	buf := append([]byte(nil), d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if utf8.Valid(buf) {
				return string(buf), true, nil
			}
			return string([]rune(string(buf))), false, nil
		case c < 0x20:
			return "", false, d.fail("control character in a string")
		case c != '\\':
			buf = append(buf, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.b) {
			return "", false, io.ErrUnexpectedEOF
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := d.hex4()
			if err != nil {
				return "", false, err
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					d.i += 2
					if r2, err = d.hex4(); err != nil {
						return "", false, err
					}
				}
				r = utf16.DecodeRune(r, r2) // U+FFFD for a lone half, as encoding/json does
			}
			buf = utf8.AppendRune(buf, r)
		default:
			d.i--
			return "", false, d.fail("invalid escape")
		}
	}
	return "", false, io.ErrUnexpectedEOF
}

// hex4 reads the four hex digits of a \u escape.
func (d *ldDecoder) hex4() (rune, error) {
	if d.i+4 > len(d.b) {
		return 0, io.ErrUnexpectedEOF
	}
	n, err := strconv.ParseUint(string(d.b[d.i:d.i+4]), 16, 16)
	if err != nil {
		return 0, d.fail("invalid \\u escape")
	}
	d.i += 4
	return rune(n), nil
}

// literal reads a number, true, false or null as its text.
func (d *ldDecoder) literal() (string, error) {
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E') {
			break
		}
		d.i++
	}
	s := string(d.b[start:d.i])
	switch {
	case s == "true" || s == "false" || s == "null":
		return s, nil
	case d.i == len(d.b):
		return "", io.ErrUnexpectedEOF
	case s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9'):
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s, nil
		}
	}
	d.i = start
	return "", d.fail("invalid value")
}

// skip reads a value of any kind and drops it.
func (d *ldDecoder) skip() error {
	b, err := d.next()
	if err != nil {
		return err
	}
	switch b {
	case '"':
		_, _, err := d.str()
		return err
	case '{':
		return d.members(func(string, bool) error { return d.skip() })
	case '[':
		d.i++
		if b, err := d.next(); err != nil {
			return err
		} else if b == ']' {
			d.i++
			return nil
		}
		for {
			if err := d.skip(); err != nil {
				return err
			}
			if more, err := d.more(']'); err != nil || !more {
				return err
			}
		}
	}
	_, err = d.literal()
	return err
}

// text reads a field value as ldText. A value of the wrong shape (errLDShape) is skipped
// and reported in bad, as are bytes that are not UTF-8 (errNotUTF8): they spoil the entry
// only. err is for the file.
func (d *ldDecoder) text(inList bool) (t ldText, bad error, err error) {
	b, err := d.next()
	if err != nil {
		return nil, nil, err
	}
	switch b {
	case '"':
		s, ok, err := d.str()
		if !ok {
			bad = errNotUTF8
		}
		return ldText{{Value: s}}, bad, err
	case '{':
		var v ldValue
		found := false
		err := d.members(func(key string, _ bool) error {
			switch key {
			case "@value":
				vt, vbad, err := d.text(true)
				if len(vt) == 1 && vbad == nil {
					v.Value, found = vt[0].Value, true
				}
				bad = firstEntryErr(bad, vbad)
				return err
			case "@language":
				vt, vbad, err := d.text(true)
				if len(vt) == 1 {
					v.Lang = vt[0].Value
				}
				bad = firstEntryErr(bad, vbad)
				return err
			}
			return d.skip()
		})
		if err == nil && !found && bad == nil {
			bad = fmt.Errorf("%w: an object without a text @value", errLDShape)
		}
		return ldText{v}, bad, err
	case '[':
		if inList {
			return nil, fmt.Errorf("%w: a list inside a list", errLDShape), d.skip()
		}
		d.i++
		if b, err := d.next(); err != nil {
			return nil, nil, err
		} else if b == ']' {
			d.i++
			return nil, nil, nil
		}
		for {
			vt, vbad, err := d.text(true)
			if err != nil {
				return nil, nil, err
			}
			t, bad = append(t, vt...), firstEntryErr(bad, vbad)
			if more, err := d.more(']'); err != nil || !more {
				return t, bad, err
			}
		}
	}
	s, err := d.literal()
	switch {
	case err != nil || s == "null":
		return nil, nil, err
	case s == "true" || s == "false":
		return nil, fmt.Errorf("%w: a boolean where text was expected", errLDShape), nil
	}
	return ldText{{Value: s}}, nil, nil
}

// cmpErr keeps the first of two entry errors.
func firstEntryErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// entry reads one entry of the graph into m. bad is what spoils the entry alone.
func (d *ldDecoder) entry(m *madbRaw) (bad error, err error) {
	if b, err := d.next(); err != nil {
		return nil, err
	} else if b != '{' {
		return fmt.Errorf("%w: an entry that is not an object", errLDShape), d.skip()
	}
	err = d.members(func(key string, ok bool) error {
		if !ok {
			bad = firstEntryErr(bad, errNotUTF8)
		}
		f := m.field(key)
		if f == nil {
			return d.skip()
		}
		v, vbad, err := d.text(false)
		*f, bad = v, firstEntryErr(bad, vbad)
		return err
	})
	return bad, err
}

// graph reads the top-level object and calls f for each entry of its "@graph" list; other
// keys ("@context") are skipped. Only white space may follow the object.
func (d *ldDecoder) graph(f func(n int) error) error {
	if !d.ws() {
		return io.EOF
	}
	if d.b[d.i] != '{' {
		if err := d.skip(); err != nil {
			return err
		}
		return errNotJSONLD
	}
	seen := false
	err := d.members(func(key string, _ bool) error {
		if key != "@graph" {
			return d.skip()
		}
		if b, err := d.next(); err != nil {
			return err
		} else if b != '[' {
			if err := d.skip(); err != nil {
				return err
			}
			return errNotJSONLD
		}
		seen = true
		d.i++
		if b, err := d.next(); err != nil {
			return err
		} else if b == ']' {
			d.i++
			return nil
		}
		for n := 1; ; n++ {
			if err := f(n); err != nil {
				return err
			}
			if more, err := d.more(']'); err != nil || !more {
				return err
			}
		}
	})
	switch {
	case err != nil:
		return err
	case !seen:
		return errNotJSONLD
	case d.ws():
		return &ldSyntaxError{Offset: d.i, What: "text after the top-level object"}
	}
	return nil
}
