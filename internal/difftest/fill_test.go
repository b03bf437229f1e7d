package difftest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
)

// structFiller fills go-eth2-client's Go structs with random values that
// their own SSZ encoders accept, reading the same struct tags the encoders
// were generated from (mainnet sizes):
//
//	ssz-size:"8192,32"   vector lengths per dimension ("?" for a list)
//	ssz-max:"2048"       list limits per list dimension (bit limit for a Bitlist)
//	ssz-type:"progressive-list" / "progressive-bitlist" / "uint256"
//
// It is the second, independent source of random objects: the bytes come
// from the peer's encoder, not from this module's schemas.
type structFiller struct {
	r *rand.Rand
}

func newStructFiller(seed uint64) *structFiller {
	return &structFiller{r: rand.New(rand.NewPCG(seed, 0xf111_e4))}
}

// fill fills the struct that ptr points to.
func (f *structFiller) fill(ptr any) {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("structFiller: %T is not a pointer to a struct", ptr))
	}
	f.structValue(v.Elem(), 0)
}

func (f *structFiller) structValue(v reflect.Value, depth int) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Tag.Get("ssz") == "-" {
			continue
		}
		f.value(v.Field(i), parseTags(sf.Tag), depth)
	}
}

// tags are the SSZ annotations of one field, one entry per dimension.
type tags struct {
	size []string // "8192", "?" or ""
	max  []string // limits of the dimensions that are lists
	typ  []string // "progressive-list", "progressive-bitlist", "uint256", ...
}

func parseTags(tag reflect.StructTag) tags {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ",")
	}
	return tags{size: split(tag.Get("ssz-size")), max: split(tag.Get("ssz-max")), typ: split(tag.Get("ssz-type"))}
}

// inner returns the tags of the next dimension in.
func (tg tags) inner() tags {
	out := tags{}
	if len(tg.size) > 1 {
		out.size = tg.size[1:]
	}
	if len(tg.typ) > 1 {
		out.typ = tg.typ[1:]
	}
	// ssz-max lists only the dimensions that are lists, in order.
	if len(tg.max) > 0 && tg.isList() {
		out.max = tg.max[1:]
	} else {
		out.max = tg.max
	}
	return out
}

func (tg tags) first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func (tg tags) isList() bool {
	s := tg.first(tg.size)
	return s == "" || s == "?"
}

func (tg tags) progressive() bool {
	return strings.HasPrefix(tg.first(tg.typ), "progressive")
}

func atoi(s string) int {
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil {
		panic(fmt.Sprintf("structFiller: bad number %q in a tag", s))
	}
	return int(n)
}

func (f *structFiller) value(v reflect.Value, tg tags, depth int) {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(f.r.IntN(2) == 1)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(f.r.Uint64())
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		f.value(nv.Elem(), tg, depth)
		v.Set(nv)
	case reflect.Struct:
		f.structValue(v, depth)
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			fillRandom(f.r, v.Slice(0, v.Len()).Bytes())
			return
		}
		for i := 0; i < v.Len(); i++ {
			f.value(v.Index(i), tg.inner(), depth)
		}
	case reflect.Slice:
		f.slice(v, tg, depth)
	default:
		panic(fmt.Sprintf("structFiller: cannot fill %s", v.Type()))
	}
}

func (f *structFiller) slice(v reflect.Value, tg tags, depth int) {
	st := v.Type()
	name := st.Name()
	switch {
	case name == "Bitlist":
		limit := 300
		if !tg.progressive() {
			limit = min(limit, atoi(tg.first(tg.max)))
		}
		v.SetBytes(appendBitlist(nil, f.r, f.length(limit)))
		return
	case strings.HasPrefix(name, "Bitvector"):
		bits := atoi(strings.TrimPrefix(name, "Bitvector"))
		n := atoi(tg.first(tg.size))
		b := make([]byte, n)
		fillRandom(f.r, b)
		if bits < 8*n && bits%8 != 0 {
			b[n-1] &= byte(1)<<(bits%8) - 1
		}
		v.SetBytes(b)
		return
	}
	var n int
	if tg.isList() {
		limit := 1 << 40
		if !tg.progressive() && len(tg.max) > 0 {
			limit = atoi(tg.first(tg.max))
		}
		n = f.length(min(limit, f.listCap(st.Elem(), tg.progressive(), depth)))
		depth++
	} else {
		n = atoi(tg.first(tg.size))
	}
	nv := reflect.MakeSlice(st, n, n)
	if st.Elem().Kind() == reflect.Uint8 {
		fillRandom(f.r, nv.Bytes())
	} else {
		in := tg.inner()
		for i := 0; i < n; i++ {
			f.value(nv.Index(i), in, depth)
		}
	}
	v.Set(nv)
}

// listCap mirrors schemaGen.listCap on Go types.
func (f *structFiller) listCap(elem reflect.Type, progressive bool, depth int) int {
	basic := map[reflect.Kind]int{reflect.Uint8: 1, reflect.Uint16: 2, reflect.Uint32: 4, reflect.Uint64: 8, reflect.Bool: 1}
	if sz, ok := basic[elem.Kind()]; ok {
		chunks := 12
		if progressive && f.r.IntN(3) == 0 {
			chunks = 90
		}
		return chunks * 32 / sz
	}
	if depth > 0 {
		return 4
	}
	if elem.Kind() == reflect.Array || (elem.Kind() == reflect.Slice && elem.Elem().Kind() == reflect.Uint8) {
		// Roots, commitments, transactions.
		if progressive && f.r.IntN(3) == 0 {
			return 23
		}
		return 8
	}
	small := elem.Kind() == reflect.Pointer && elem.Elem().Kind() == reflect.Struct && fixedStruct(elem.Elem())
	switch {
	case small && progressive && f.r.IntN(3) == 0:
		return 90
	case small:
		return 40
	case progressive && f.r.IntN(3) == 0:
		return 23
	default:
		return 5
	}
}

// fixedStruct reports whether a struct has only fixed-size fields: numbers,
// arrays and pointers to such structs (validators, withdrawals, ...).
func fixedStruct(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		ft := t.Field(i).Type
		switch ft.Kind() {
		case reflect.Bool, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Array:
		case reflect.Slice:
			if t.Field(i).Tag.Get("ssz-size") == "" || strings.Contains(t.Field(i).Tag.Get("ssz-size"), "?") {
				return false
			}
		case reflect.Pointer:
			if ft.Elem().Kind() == reflect.Struct && !fixedStruct(ft.Elem()) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func (f *structFiller) length(limit int) int {
	switch f.r.IntN(8) {
	case 0:
		return 0
	case 1:
		return limit
	default:
		return f.r.IntN(limit + 1)
	}
}
