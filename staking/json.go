package staking

import (
	"bytes"
	"encoding/json"
)

func jsonObject(kv ...string) json.RawMessage { return appendFields(json.RawMessage("{}"), kv...) }

// appendFields returns the JSON object v with the string fields kv (key,
// value, ...) added at its end.
func appendFields(v json.RawMessage, kv ...string) json.RawMessage {
	vals := make([]any, len(kv))
	for i, s := range kv {
		vals[i] = s
	}
	return appendRaw(v, vals...)
}

// appendRaw returns the JSON object v with the fields kv (string key, any
// value, ...) added at its end.
func appendRaw(v json.RawMessage, kv ...any) json.RawMessage {
	out := bytes.TrimRight(append([]byte(nil), v...), " \t\r\n")
	out = out[:len(out)-1] // the closing brace
	empty := len(bytes.TrimSpace(out)) == 1
	for i := 0; i+1 < len(kv); i += 2 {
		if !empty {
			out = append(out, ',')
		}
		empty = false
		k, _ := json.Marshal(kv[i])
		val, _ := json.Marshal(kv[i+1])
		out = append(append(append(out, k...), ':'), val...)
	}
	return append(out, '}')
}

// prependFields returns the JSON object v with the string fields kv (key,
// value, ...) put first.
func prependFields(v json.RawMessage, kv ...string) json.RawMessage {
	if len(kv) == 0 {
		return v
	}
	head := jsonObject(kv...)
	rest := bytes.TrimSpace(v)
	if len(bytes.TrimSpace(rest[1:len(rest)-1])) == 0 {
		return head
	}
	return append(append(head[:len(head)-1:len(head)-1], ','), rest[1:]...)
}
