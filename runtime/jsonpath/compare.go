package jsonpath

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// equal implements == of RFC 9535 §2.3.5.2.2; ok == false is Nothing, which equals only
// Nothing.
func equal(a any, aok bool, b any, bok bool) bool {
	if !aok || !bok {
		return aok == bok
	}
	return deepEqual(a, b)
}

// less implements <: numbers compare numerically, strings by Unicode scalar values (the
// byte order of UTF-8), and anything else, Nothing included, is not ordered.
func less(a any, aok bool, b any, bok bool) bool {
	if !aok || !bok {
		return false
	}
	if as, ok := a.(string); ok {
		bs, ok := b.(string)
		return ok && as < bs
	}
	if !isNumber(a) || !isNumber(b) {
		return false
	}
	return compareNumbers(a, b) < 0
}

func deepEqual(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !deepEqual(a[i], bl[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !deepEqual(av, bv) {
				return false
			}
		}
		return true
	}
	return isNumber(a) && isNumber(b) && compareNumbers(a, b) == 0
}

func isNumber(v any) bool {
	switch v.(type) {
	case float64, json.Number, int, int64:
		return true
	}
	return false
}

// toFloat converts a number to the nearest float64. A json.Number that does not parse (it
// can only come from a caller's own value) is NaN, which compares unequal to everything.
func toFloat(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil && !isRangeErr(err) {
			return math.NaN()
		}
		return f
	case int:
		return float64(v)
	case int64:
		return float64(v)
	}
	return math.NaN()
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// compareNumbers returns -1, 0 or +1, or 2 when either is NaN (unordered). Rounding to
// float64 is monotonic, so differing floats order the exact values too; equal floats beyond
// 2^53 may still be distinct integers (IDs decoded as json.Number), which are then compared
// exactly. Non-integers that round to the same float64 compare equal.
func compareNumbers(a, b any) int {
	fa, fb := toFloat(a), toFloat(b)
	switch {
	case fa < fb:
		return -1
	case fa > fb:
		return 1
	case fa != fb:
		return 2
	}
	if math.Abs(fa) < 1<<53 || math.IsInf(fa, 0) {
		return 0
	}
	ia, aok := exactInt(a)
	ib, bok := exactInt(b)
	if !aok || !bok {
		return 0
	}
	return ia.Cmp(ib)
}

// exactInt returns the exact integer value of a number written or stored as an integer.
func exactInt(v any) (*big.Int, bool) {
	switch v := v.(type) {
	case float64:
		if v != math.Trunc(v) {
			return nil, false
		}
		i, _ := big.NewFloat(v).Int(nil)
		return i, true
	case json.Number:
		s := string(v)
		if strings.ContainsAny(s, ".eE") {
			return nil, false
		}
		return new(big.Int).SetString(s, 10)
	case int:
		return big.NewInt(int64(v)), true
	case int64:
		return big.NewInt(v), true
	}
	return nil, false
}
