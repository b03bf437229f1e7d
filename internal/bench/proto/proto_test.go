package proto

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func serve(t *testing.T, in string, run func(Request, *Response) error) (Response, int) {
	t.Helper()
	var out bytes.Buffer
	code := Serve(strings.NewReader(in), &out, run)
	var r Response
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	return r, code
}

func TestServe(t *testing.T) {
	r, code := serve(t, `{"method":"m","validator":7}`, func(req Request, r *Response) error {
		if req.Method != "m" || req.Validator != 7 {
			t.Errorf("request %+v", req)
		}
		tm := NewTimer(r)
		tm.Stage("a")
		tm.Restart()
		_ = tm.Elapsed()
		tm.Stage("b")
		r.Set("x", 2)
		r.Root = "0x01"
		return nil
	})
	if code != 0 || r.Error != "" || r.Method != "m" || len(r.Stages) != 2 || r.Values["x"] != 2 || r.Root != "0x01" || r.Total() < 0 {
		t.Errorf("%d %+v", code, r)
	}

	r, code = serve(t, `{"method":"m"}`, func(Request, *Response) error { return errors.New("boom") })
	if code != 0 || r.Error != "boom" {
		t.Errorf("%d %+v", code, r)
	}
	r, _ = serve(t, `{"method":"m"}`, func(Request, *Response) error { panic("oops") })
	if !strings.Contains(r.Error, "panic: oops") {
		t.Errorf("%+v", r)
	}
	r, code = serve(t, `not json`, func(Request, *Response) error { return nil })
	if code != 2 || !strings.Contains(r.Error, "bad request") {
		t.Errorf("%d %+v", code, r)
	}
}
