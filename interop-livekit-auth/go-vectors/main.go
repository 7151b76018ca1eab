// Generates the hash vectors bundles/livekit-auth checks LiveKitNames against, with the very functions of
// lk-jwt-service's helper.go (json.Marshal of []string, SHA-256, unpadded std base64). Run with any Go:
//   go run main.go > ../../bundles/livekit-auth/src/test/resources/dev/mxrtc/livekit/auth/go-hash-vectors.tsv
// Each line: <JSON array of the inputs>\t<json.Marshal bytes as hex>\t<hash>. Go < 1.22 writes \b and \f as
// \u0008 and \u000c (1.22+ as \b, \f): those two characters are left out here and tested apart.
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

func main() {
	cases := [][]string{
		{"!roomid:example.com", "slot1234"},
		{"@alice:example.com", "DEVICE123", "memberABC"},
		{"!r<o>o&m:example.org", "m.call#ROOM"},
		{"@a&b:ex.org", "<DEV>", "m&m"},
		{"!room:example.org", "m.call#<script>&amp;"},
		{"@bob:example.org", "DEV\u2028X\u2029", "line\nbreak\ttab\rcr"},
		{"@ctl:example.org", "\u0001\u001f\u007f", "quote\"back\\slash/"},
		{"@émile:exämple.org", "DÉVICE", "😀 member"},
		{"", "", ""},
		{"!r:hs", "m.call#ROOM"},
		{"@u:hs:with:colons", "ABCDEFGH", "7c1e0b5a-2f44-4a09-9d1c-0d6f6f3c9b11"},
	}
	for _, c := range cases {
		in, _ := json.Marshal(c)
		b, _ := json.Marshal(c) // exactly marshalStrings of helper.go
		h := sha256.Sum256(b)
		fmt.Printf("%s\t%s\t%s\n", in, hex.EncodeToString(b), base64.StdEncoding.WithPadding(base64.NoPadding).EncodeToString(h[:]))
	}
}
