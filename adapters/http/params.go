package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/chaincheckout/checkout/core/apperr"
)

// maxBody bounds a request body; 100 line items with long names fit in far less.
const maxBody = 1 << 20

// readParams decodes the query string and the body (form or JSON) into one tree of
// map[string]any / []any / string / json.Number / bool / nil, so both encodings are judged alike.
func readParams(r *http.Request) (map[string]any, error) {
	tree := map[string]any{}
	if err := addForm(tree, r.URL.RawQuery); err != nil {
		return nil, err
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodDelete {
		return tree, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, apperr.Invalid("", "parameter_invalid", "Could not read the request body.")
	}
	if len(body) > maxBody {
		return nil, apperr.Invalid("", "parameter_invalid", "The request body is larger than %d bytes.", maxBody)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return tree, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil || dec.More() {
			return nil, apperr.Invalid("", "parameter_invalid",
				"Invalid JSON body: send one JSON object (or form-encoded parameters).")
		}
		for k, v := range obj {
			tree[k] = v
		}
		return tree, nil
	case "application/x-www-form-urlencoded", "":
		if err := addForm(tree, string(body)); err != nil {
			return nil, err
		}
		return tree, nil
	default:
		return nil, apperr.Invalid("", "parameter_invalid",
			"Unsupported Content-Type %q: use application/x-www-form-urlencoded or application/json.", ct)
	}
}

// addForm parses Stripe's bracket notation: a[b][0][c]=v, a[]=v.
func addForm(tree map[string]any, raw string) error {
	if raw == "" {
		return nil
	}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return apperr.Invalid("", "parameter_invalid", "Malformed form encoding near %q.", truncate(k, 60))
		}
		path, ok := splitKey(key)
		if !ok {
			return apperr.Invalid(key, "parameter_invalid", "Malformed parameter name: %s.", truncate(key, 100))
		}
		if err := insert(tree, path, val, key); err != nil {
			return err
		}
	}
	return nil
}

func splitKey(key string) ([]string, bool) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return []string{key}, key != ""
	}
	if i == 0 {
		return nil, false
	}
	path := []string{key[:i]}
	rest := key[i:]
	for rest != "" {
		if rest[0] != '[' {
			return nil, false
		}
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return nil, false
		}
		path = append(path, rest[1:j])
		rest = rest[j+1:]
	}
	return path, true
}

// insert stores val at path; "" segments append to a list (a[]=x).
func insert(node map[string]any, path []string, val, full string) error {
	head := path[0]
	if len(path) == 1 {
		node[head] = val // a repeated scalar: the last one wins
		return nil
	}
	if path[1] == "" { // a[]=v
		if len(path) != 2 {
			return apperr.Invalid(full, "parameter_invalid", "Malformed parameter name: %s.", truncate(full, 100))
		}
		list, _ := node[head].([]any)
		node[head] = append(list, val)
		return nil
	}
	child, ok := node[head].(map[string]any)
	if !ok {
		if _, isScalar := node[head]; isScalar {
			return apperr.Invalid(full, "parameter_invalid", "Parameter %s was given both as a value and as an object.", head)
		}
		child = map[string]any{}
		node[head] = child
	}
	return insert(child, path[1:], val, full)
}

// binder is implemented by parameter types that decode themselves (e.g. created[gte]).
type binder interface {
	bindParam(node any, path string) error
}

var binderType = reflect.TypeOf((*binder)(nil)).Elem()

// bindParams fills dst (a pointer to a struct) from the tree, refusing unknown parameters.
func bindParams(tree map[string]any, dst any) error {
	return bind(tree, reflect.ValueOf(dst).Elem(), "")
}

func child(path, key string) string {
	if path == "" {
		return key
	}
	return path + "[" + key + "]"
}

// bind decodes node into v; path names the parameter in errors (line_items[0][quantity]).
func bind(node any, v reflect.Value, path string) error {
	if node == nil { // JSON null: leave unset
		return nil
	}
	if v.CanAddr() && v.Addr().Type().Implements(binderType) {
		return v.Addr().Interface().(binder).bindParam(node, path)
	}
	switch v.Kind() {
	case reflect.Pointer:
		return bindPointer(node, v, path)
	case reflect.Struct:
		return bindStruct(node, v, path)
	case reflect.Map:
		return bindMap(node, v, path)
	case reflect.Slice:
		return bindSlice(node, v, path)
	case reflect.String, reflect.Int64, reflect.Int, reflect.Bool:
		return bindScalar(node, v, path)
	}
	return fmt.Errorf("bind %s: unsupported kind %s", path, v.Kind())
}

func bindPointer(node any, v reflect.Value, path string) error {
	if s, ok := node.(string); ok && s == "" && v.Type().Elem().Kind() != reflect.String {
		return nil // an empty form value unsets a non-string parameter
	}
	nv := reflect.New(v.Type().Elem())
	if err := bind(node, nv.Elem(), path); err != nil {
		return err
	}
	v.Set(nv)
	return nil
}

// bindStruct fills the fields named by json tags, refusing a parameter no field takes.
func bindStruct(node any, v reflect.Value, path string) error {
	if v.NumField() == 0 { // checkout.Ignored: accept anything
		return nil
	}
	m, ok := node.(map[string]any)
	if !ok {
		return apperr.Invalid(path, "parameter_invalid", "Invalid %s: must be an object.", path)
	}
	fields := fieldIndex(v.Type())
	for _, k := range sortedKeys(m) {
		idx, ok := fields[k]
		if !ok {
			return apperr.Invalid(child(path, k), "parameter_unknown", "Received unknown parameter: %s", child(path, k))
		}
		if err := bind(m[k], v.FieldByIndex(idx), child(path, k)); err != nil {
			return err
		}
	}
	return nil
}

func bindMap(node any, v reflect.Value, path string) error {
	m, ok := node.(map[string]any)
	if !ok {
		if s, isStr := node.(string); isStr && s == "" {
			return nil // metadata= (empty) clears nothing on create
		}
		return apperr.Invalid(path, "parameter_invalid", "Invalid %s: must be an object of key/value pairs.", path)
	}
	out := reflect.MakeMapWithSize(v.Type(), len(m))
	for _, k := range sortedKeys(m) {
		ev := reflect.New(v.Type().Elem()).Elem()
		if err := bind(m[k], ev, child(path, k)); err != nil {
			return err
		}
		out.SetMapIndex(reflect.ValueOf(k), ev)
	}
	v.Set(out)
	return nil
}

func bindSlice(node any, v reflect.Value, path string) error {
	items, err := listItems(node, path)
	if err != nil {
		return err
	}
	out := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, it := range items {
		if err := bind(it.node, out.Index(i), fmt.Sprintf("%s[%d]", path, it.index)); err != nil {
			return err
		}
	}
	v.Set(out)
	return nil
}

// bindScalar takes a string, a whole number (JSON number or its form text) or a boolean.
func bindScalar(node any, v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.String:
		s, ok := node.(string)
		if !ok {
			return apperr.Invalid(path, "parameter_invalid_string", "Invalid string: %s must be a string.", path)
		}
		v.SetString(s)
		return nil
	case reflect.Int64, reflect.Int:
		n, ok := toInt(node)
		if !ok {
			return apperr.Invalid(path, "parameter_invalid_integer", "Invalid integer: %s must be a whole number.", path)
		}
		v.SetInt(n)
		return nil
	}
	switch b := node.(type) {
	case bool:
		v.SetBool(b)
		return nil
	case string:
		if b == "true" || b == "false" {
			v.SetBool(b == "true")
			return nil
		}
	}
	return apperr.Invalid(path, "parameter_invalid", "Invalid boolean: %s must be true or false.", path)
}

type listItem struct {
	index int
	node  any
}

// listItems accepts a JSON array, a form list (a[]=) or an indexed form object (a[0]=, a[1]=).
func listItems(node any, path string) ([]listItem, error) {
	switch n := node.(type) {
	case []any:
		out := make([]listItem, len(n))
		for i, it := range n {
			out[i] = listItem{i, it}
		}
		return out, nil
	case map[string]any:
		out := make([]listItem, 0, len(n))
		for k, it := range n {
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i > 10_000 {
				return nil, apperr.Invalid(child(path, k), "parameter_invalid",
					"Invalid array: %s must be indexed with integers, as in %s[0].", path, path)
			}
			out = append(out, listItem{i, it})
		}
		sort.Slice(out, func(a, b int) bool { return out[a].index < out[b].index })
		for i := range out {
			if out[i].index != i {
				return nil, apperr.Invalid(fmt.Sprintf("%s[%d]", path, i), "parameter_invalid",
					"Invalid array: %s has no element at index %d.", path, i)
			}
		}
		return out, nil
	case string:
		if n == "" {
			return nil, nil
		}
	}
	return nil, apperr.Invalid(path, "parameter_invalid", "Invalid array: %s must be a list.", path)
}

func toInt(node any) (int64, bool) {
	var s string
	switch n := node.(type) {
	case json.Number:
		s = n.String()
	case string:
		s = n
	default:
		return 0, false
	}
	i, err := strconv.ParseInt(s, 10, 64)
	return i, err == nil
}

// fieldIndex maps parameter names to fields, looking through embedded structs.
func fieldIndex(t reflect.Type) map[string][]int {
	m := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = f.Index
		}
	}
	return m
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// takeExpand removes expand / expand[] from the tree and returns the paths asked for.
func takeExpand(tree map[string]any) ([]string, error) {
	node, ok := tree["expand"]
	if !ok {
		return nil, nil
	}
	delete(tree, "expand")
	var out []string
	if err := bind(node, reflect.ValueOf(&out).Elem(), "expand"); err != nil {
		return nil, err
	}
	return out, nil
}
