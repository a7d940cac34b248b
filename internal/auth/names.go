package auth

import (
	"strings"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// NameKey is the form of an account name that must be unique: its skeleton (Unicode TR39), after
// width and case are folded, so that "ｄｅｍｏ" (full width), "dеmo" (a Cyrillic е) and "DEMO"
// are all taken when "demo" is.
func NameKey(name string) string {
	s := strings.ToLower(norm.NFKC.String(strings.Join(strings.Fields(name), " ")))
	return strings.ToLower(norm.NFC.String(confusables.Skeleton(s)))
}
