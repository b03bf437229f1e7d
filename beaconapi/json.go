package beaconapi

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// members returns the raw values of the members of the top-level JSON
// object in b, by name, as sub-slices of b: no value is copied, so that
// the "data" of a 1 GB JSON state is handed to ssz.FromJSON in place. It
// checks the object's structure (strings, nesting) but not the values,
// which their decoders check.
func members(b []byte) (map[string][]byte, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, errors.New("JSON: not an object")
	}
	out := map[string][]byte{}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return out, checkEnd(b, i+1)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, fmt.Errorf("JSON: object key expected at byte %d", i)
		}
		end, err := skipString(b, i)
		if err != nil {
			return nil, err
		}
		var key string
		if err := json.Unmarshal(b[i:end], &key); err != nil {
			return nil, fmt.Errorf("JSON: key at byte %d: %v", i, err)
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, fmt.Errorf("JSON: ':' expected at byte %d", i)
		}
		i = skipSpace(b, i+1)
		vend, err := skipValue(b, i)
		if err != nil {
			return nil, err
		}
		out[key] = b[i:vend]
		i = skipSpace(b, vend)
		if i >= len(b) {
			return nil, errors.New("JSON: unexpected end of input")
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return out, checkEnd(b, i+1)
		default:
			return nil, fmt.Errorf("JSON: ',' or '}' expected at byte %d", i)
		}
	}
}

func checkEnd(b []byte, i int) error {
	if i = skipSpace(b, i); i != len(b) {
		return fmt.Errorf("JSON: unexpected data after the object at byte %d", i)
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the JSON string starting at b[i].
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("JSON: unterminated string at byte %d", i)
}

// skipValue returns the index after the JSON value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("JSON: value expected at the end of input")
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, fmt.Errorf("JSON: unterminated value at byte %d", i)
	}
	j := i
	for j < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[j])) {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("JSON: value expected at byte %d", i)
	}
	return j, nil
}

// quint is a uint64 written as the beacon API writes it, a decimal
// string, or as a JSON number.
type quint uint64

func (q *quint) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not a uint64", b)
	}
	*q = quint(v)
	return nil
}

// hexBytes is a 0x-prefixed hex string.
type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return fmt.Errorf("%q is not 0x-prefixed hex", s)
	}
	v, err := hex.DecodeString(s[2:])
	if err != nil {
		return fmt.Errorf("%q is not 0x-prefixed hex", s)
	}
	*h = v
	return nil
}

// fixed copies h into dst, which must have the same length.
func (h hexBytes) fixed(dst []byte, what string) error {
	if len(h) != len(dst) {
		return fmt.Errorf("%s: %d bytes, want %d", what, len(h), len(dst))
	}
	copy(dst, h)
	return nil
}
