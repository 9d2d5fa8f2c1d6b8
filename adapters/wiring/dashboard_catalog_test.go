package wiring_test

import (
	"encoding/xml"
	"errors"
	"html"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/core/account"
)

// catPost sends a dashboard form with the page's CSRF token (read from a GET of page first).
func (u *dashUser) catPost(page, path string, form url.Values) (int, string, string) {
	u.t.Helper()
	if st, _, _ := u.do(http.MethodGet, page, nil); st != http.StatusOK {
		u.t.Fatalf("GET %s: %d", page, st)
	}
	f := url.Values{"csrf": {u.csrf}}
	for k, v := range form {
		f[k] = v
	}
	return u.do(http.MethodPost, path, f)
}

// catList is the data of an API list.
func catList(t *testing.T, path, key string) []map[string]any {
	t.Helper()
	r := get(t, path, key)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, r.status, r.raw)
	}
	var out []map[string]any
	for _, x := range r.body["data"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

var catCreatedID = regexp.MustCompile(`^/dashboard/(?:products|payment_links)/([a-z]+_[A-Za-z0-9]+)\?notice=`)

// An owner makes a product and its prices through the forms and the API sees them with the
// exact amounts; bad input is the form again (400) and makes nothing; a read-only user's
// changes are refused (403); another merchant's IDs are 404.
func TestDashboardCatalogProducts(t *testing.T) {
	key, merchantID := newMerchant(t, "Catalog Store")
	_, otherID := newMerchant(t, "Other Catalog Store")
	owner := signInAs(t, merchantID, "owner@catalog.example", account.RoleOwner)
	viewer := signInAs(t, merchantID, "viewer@catalog.example", account.RoleReadOnly)
	stranger := signInAs(t, otherID, "owner@other-catalog.example", account.RoleOwner)

	// Bad product input: the form again with the service's message, nothing made.
	for _, bad := range []struct{ name, images, says string }{
		{"", "", "Missing required param: name."},
		{"Tee", "ftp://img.example/tee.png", "Not a valid URL"},
	} {
		st, _, body := owner.catPost("/dashboard/products/new", "/dashboard/products", url.Values{"name": {bad.name}, "images": {bad.images}})
		if st != http.StatusBadRequest || !strings.Contains(body, `class="error"`) || !strings.Contains(body, bad.says) ||
			!strings.Contains(body, `value="`+bad.name+`"`) {
			t.Fatalf("bad product %+v: %d", bad, st)
		}
	}
	if n := len(catList(t, "/v1/products", key)); n != 0 {
		t.Fatalf("bad forms made %d products", n)
	}

	st, loc, _ := owner.catPost("/dashboard/products/new", "/dashboard/products", url.Values{"name": {"Dashboard Tee"},
		"description": {"Soft cotton"}, "images": {"https://img.example/tee.png\n\n https://img.example/back.png \n"}})
	m := catCreatedID.FindStringSubmatch(loc)
	if st != http.StatusSeeOther || m == nil {
		t.Fatalf("create product: %d %q", st, loc)
	}
	prodID, page := m[1], "/dashboard/products/"+m[1]
	prices := func() []map[string]any { return catList(t, "/v1/prices?product="+prodID, key) }

	// Prices: 15.00 USD once and 9.99 USD every 3 months; a bad amount is refused in words.
	if st, _, _ := owner.catPost(page, page+"/prices", url.Values{"currency": {"usd"}, "amount": {"15.00"}, "type": {"one_time"},
		"interval": {"month"}, "interval_count": {"1"}}); st != http.StatusSeeOther {
		t.Fatalf("one-time price: %d", st)
	}
	if st, _, _ := owner.catPost(page, page+"/prices", url.Values{"currency": {"usd"}, "amount": {"9.99"}, "type": {"recurring"},
		"interval": {"month"}, "interval_count": {"3"}}); st != http.StatusSeeOther {
		t.Fatalf("recurring price: %d", st)
	}
	for _, bad := range []struct{ amount, count, says string }{
		{"15.001", "1", "USD amounts have at most 2 decimals"},
		{"abc", "1", "positive number"},
		{"0", "1", "greater than zero"},
		{"5", "40", "interval_count must be at least 1"},
	} {
		st, _, body := owner.catPost(page, page+"/prices", url.Values{"currency": {"usd"}, "amount": {bad.amount}, "type": {"recurring"},
			"interval": {"month"}, "interval_count": {bad.count}})
		if st != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), bad.says) || !strings.Contains(body, `value="`+html.EscapeString(bad.amount)+`"`) {
			t.Fatalf("bad price %+v: %d", bad, st)
		}
	}
	got := prices()
	if len(got) != 2 {
		t.Fatalf("prices after the bad forms: %d", len(got))
	}
	recurring, once := got[0], got[1] // newest first
	if once["unit_amount"] != float64(1500) || once["currency"] != "usd" || once["type"] != "one_time" || once["unit_amount_decimal"] != "1500" {
		t.Fatalf("one-time price = %v", once)
	}
	rec, _ := recurring["recurring"].(map[string]any)
	if recurring["unit_amount"] != float64(999) || rec["interval"] != "month" || rec["interval_count"] != float64(3) {
		t.Fatalf("recurring price = %v", recurring)
	}
	products := catList(t, "/v1/products", key)
	if len(products) != 1 || products[0]["id"] != prodID || products[0]["name"] != "Dashboard Tee" || products[0]["description"] != "Soft cotton" ||
		len(products[0]["images"].([]any)) != 2 {
		t.Fatalf("products = %v", products)
	}

	// The pages show it, to the viewer too; the viewer's changes are refused server-side.
	if st, _, body := viewer.do(http.MethodGet, "/dashboard/products", nil); st != http.StatusOK || !strings.Contains(body, "Dashboard Tee") ||
		!strings.Contains(body, "$15.00") || strings.Contains(body, "New product") {
		t.Fatalf("products as viewer: %d", st)
	}
	if st, _, body := viewer.do(http.MethodGet, page, nil); st != http.StatusOK || !strings.Contains(body, "every 3 months") || strings.Contains(body, "Add a price") {
		t.Fatalf("product as viewer: %d", st)
	}
	for path, form := range map[string]url.Values{
		"/dashboard/products": {"name": {"Viewer's product"}},
		page + "/prices":      {"currency": {"usd"}, "amount": {"1.00"}, "type": {"one_time"}},
		page + "/archive":     {},
		"/dashboard/prices/" + once["id"].(string) + "/archive": {},
	} {
		if st, _, _ := viewer.catPost(page, path, form); st != http.StatusForbidden {
			t.Fatalf("viewer POST %s: %d", path, st)
		}
	}
	if len(catList(t, "/v1/products", key)) != 1 || len(prices()) != 2 {
		t.Fatal("a viewer's POST changed the catalog")
	}

	// Edit, archive a price, archive and restore the product.
	if st, _, _ := owner.catPost(page+"/edit", page, url.Values{"name": {"Dashboard Tee v2"}, "description": {""}, "images": {""}}); st != http.StatusSeeOther {
		t.Fatalf("edit: %d", st)
	}
	if st, loc, _ := owner.catPost(page, "/dashboard/prices/"+once["id"].(string)+"/archive", nil); st != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?") {
		t.Fatalf("archive price: %d %q", st, loc)
	}
	if st, _, _ := owner.catPost(page, page+"/archive", nil); st != http.StatusSeeOther {
		t.Fatalf("archive product: %d", st)
	}
	p := get(t, "/v1/products/"+prodID, key)
	if p.str("name") != "Dashboard Tee v2" || p.body["description"] != nil || len(p.body["images"].([]any)) != 0 || p.body["active"] != false {
		t.Fatalf("after edit and archive: %s", p.raw)
	}
	if pr := get(t, "/v1/prices/"+once["id"].(string), key); pr.body["active"] != false {
		t.Fatalf("archived price: %s", pr.raw)
	}
	if st, _, body := owner.do(http.MethodGet, "/dashboard/products?active=false", nil); st != http.StatusOK || !strings.Contains(body, "Dashboard Tee v2") {
		t.Fatalf("archived filter: %d", st)
	}
	if st, _, body := owner.do(http.MethodGet, "/dashboard/products?active=true", nil); st != http.StatusOK || strings.Contains(body, "Dashboard Tee v2") {
		t.Fatalf("active filter: %d", st)
	}
	if st, _, _ := owner.catPost(page, page+"/unarchive", nil); st != http.StatusSeeOther || get(t, "/v1/products/"+prodID, key).body["active"] != true {
		t.Fatalf("unarchive: %d", st)
	}

	// Another merchant sees and changes nothing of it.
	if st, _, _ := stranger.do(http.MethodGet, page, nil); st != http.StatusNotFound {
		t.Fatalf("another merchant's product page: %d", st)
	}
	for path, form := range map[string]url.Values{
		page:              {"name": {"Stolen"}},
		page + "/prices":  {"currency": {"usd"}, "amount": {"1.00"}, "type": {"one_time"}},
		page + "/archive": {},
		"/dashboard/prices/" + recurring["id"].(string) + "/archive": {},
	} {
		if st, _, _ := stranger.catPost("/dashboard/products", path, form); st != http.StatusNotFound {
			t.Fatalf("another merchant's POST %s: %d", path, st)
		}
	}
	if get(t, "/v1/products/"+prodID, key).str("name") != "Dashboard Tee v2" || len(prices()) != 2 {
		t.Fatal("another merchant changed the product")
	}
}

// An owner makes a payment link from a price; its page shows its URL and QR code (a PNG and
// well-formed SVG); deactivated, its URL opens no checkout. A viewer cannot change it and
// another merchant cannot see it.
func TestDashboardCatalogPaymentLinks(t *testing.T) {
	key, merchantID := newMerchant(t, "Link Dashboard Store")
	_, otherID := newMerchant(t, "Other Link Dashboard Store")
	owner := signInAs(t, merchantID, "owner@links.example", account.RoleOwner)
	viewer := signInAs(t, merchantID, "viewer@links.example", account.RoleReadOnly)
	stranger := signInAs(t, otherID, "owner@other-links.example", account.RoleOwner)

	prod := postForm(t, "/v1/products", key, url.Values{"name": {"Workshop seat"},
		"default_price_data[currency]": {"usd"}, "default_price_data[unit_amount]": {"4000"}}, nil)
	if prod.status != http.StatusOK {
		t.Fatalf("product: %d %s", prod.status, prod.raw)
	}
	priceID := prod.str("default_price")

	st, _, body := owner.do(http.MethodGet, "/dashboard/payment_links/new", nil)
	if st != http.StatusOK || !strings.Contains(body, priceID) || !strings.Contains(body, "tusd@sim") {
		t.Fatalf("new link form: %d", st)
	}
	if st, _, body := owner.catPost("/dashboard/payment_links/new", "/dashboard/payment_links", url.Values{"price": {priceID}, "quantity": {""}}); st != http.StatusBadRequest ||
		!strings.Contains(body, "Give at least one price a quantity") {
		t.Fatalf("link without a quantity: %d", st)
	}
	if st, _, body := owner.catPost("/dashboard/payment_links/new", "/dashboard/payment_links", url.Values{"price": {priceID}, "quantity": {"2"},
		"asset": {"nope@sim"}}); st != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), `Unknown asset "nope@sim"`) || !strings.Contains(body, `value="2"`) {
		t.Fatalf("link with an unknown asset: %d", st)
	}
	if n := len(catList(t, "/v1/payment_links", key)); n != 0 {
		t.Fatalf("bad forms made %d links", n)
	}
	if st, _, _ := viewer.catPost("/dashboard/payment_links", "/dashboard/payment_links", url.Values{"price": {priceID}, "quantity": {"1"}}); st != http.StatusForbidden {
		t.Fatalf("viewer creates a link: %d", st)
	}

	st, loc, _ := owner.catPost("/dashboard/payment_links/new", "/dashboard/payment_links", url.Values{"price": {priceID}, "quantity": {"2"},
		"asset": {"tusd@sim"}})
	m := catCreatedID.FindStringSubmatch(loc)
	if st != http.StatusSeeOther || m == nil {
		t.Fatalf("create link: %d %q", st, loc)
	}
	id, page := m[1], "/dashboard/payment_links/"+m[1]
	link := get(t, "/v1/payment_links/"+id, key)
	if link.body["active"] != true || link.str("currency") != "usd" || link.body["crypto"].(map[string]any)["accepted_assets"].([]any)[0] != "tusd@sim" {
		t.Fatalf("link over the API: %s", link.raw)
	}
	items := catList(t, "/v1/payment_links/"+id+"/line_items", key)
	if len(items) != 1 || items[0]["quantity"] != float64(2) || items[0]["amount_total"] != float64(8000) {
		t.Fatalf("link items: %v", items)
	}

	st, _, body = owner.do(http.MethodGet, page, nil)
	if st != http.StatusOK || !strings.Contains(body, it.base+"/l/"+id) || !strings.Contains(body, "/dashboard/payments?payment_link="+id) ||
		!strings.Contains(body, "$80.00") || !strings.Contains(body, `src="/static/dashboard_copy.js"`) {
		t.Fatalf("link page: %d", st)
	}
	if st, _, body := owner.do(http.MethodGet, "/dashboard/payment_links?active=true", nil); st != http.StatusOK || !strings.Contains(body, id) {
		t.Fatalf("links list: %d", st)
	}
	if st, _, _ := owner.do(http.MethodGet, "/static/dashboard_copy.js", nil); st != http.StatusOK {
		t.Fatalf("copy script: %d", st)
	}

	// The QR code: a PNG, and an SVG that is well-formed XML with an svg root.
	st, _, raw := viewer.do(http.MethodGet, page+"/qr.png", nil)
	img, err := png.Decode(strings.NewReader(raw))
	if st != http.StatusOK || err != nil || img.Bounds().Dx() < 100 || img.Bounds().Dx() != img.Bounds().Dy() {
		t.Fatalf("QR PNG: %d %v", st, err)
	}
	st, _, raw = viewer.do(http.MethodGet, page+"/qr.svg", nil)
	if st != http.StatusOK {
		t.Fatalf("QR SVG: %d", st)
	}
	dec, root := xml.NewDecoder(strings.NewReader(raw)), ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("QR SVG is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" || !strings.Contains(raw, `<path fill="#000" d="M`) {
		t.Fatalf("QR SVG root %q", root)
	}
	// Both draw the same modules: every black run of the SVG's path is black in the PNG
	// (8 pixels a module, the same quiet zone), and nothing else is.
	var n int
	if m := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`).FindStringSubmatch(raw); m != nil {
		n, _ = strconv.Atoi(m[1])
	}
	if n == 0 || img.Bounds().Dx() != n*8 {
		t.Fatalf("QR sizes: SVG %d modules, PNG %d px", n, img.Bounds().Dx())
	}
	black := make([]bool, n*n)
	for _, run := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)`).FindAllStringSubmatch(raw, -1) {
		x, _ := strconv.Atoi(run[1])
		y, _ := strconv.Atoi(run[2])
		w, _ := strconv.Atoi(run[3])
		for i := range w {
			black[y*n+x+i] = true
		}
	}
	for y := range n {
		for x := range n {
			r, _, _, _ := img.At(img.Bounds().Min.X+x*8+4, img.Bounds().Min.Y+y*8+4).RGBA()
			if (r < 0x8000) != black[y*n+x] {
				t.Fatalf("QR module (%d, %d): PNG black %v, SVG black %v", x, y, r < 0x8000, black[y*n+x])
			}
		}
	}

	// Open, then deactivated by its owner (not a viewer): the URL opens no checkout.
	if st, sid := visit(t, "/l/"+id); st != http.StatusSeeOther || sid == "" {
		t.Fatalf("visit the active link: %d", st)
	}
	if st, _, _ := viewer.catPost(page, page+"/deactivate", nil); st != http.StatusForbidden || get(t, "/v1/payment_links/"+id, key).body["active"] != true {
		t.Fatalf("viewer deactivates: %d", st)
	}
	if st, loc, _ := owner.catPost(page, page+"/deactivate", nil); st != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?notice=") {
		t.Fatalf("deactivate: %d %q", st, loc)
	}
	if st, _ := visit(t, "/l/"+id); st != http.StatusGone {
		t.Fatalf("visit the deactivated link: %d, want 410", st)
	}
	if r := postForm(t, "/v1/checkout/sessions", key, url.Values{"payment_link": {id}}, nil); r.status != 400 || r.errField("code") != "payment_link_inactive" {
		t.Fatalf("API session of the deactivated link: %d %s", r.status, r.raw)
	}
	if st, _, body := owner.do(http.MethodGet, "/dashboard/payment_links?active=false", nil); st != http.StatusOK || !strings.Contains(body, id) {
		t.Fatalf("inactive filter: %d", st)
	}
	if st, _, _ := owner.catPost(page, page+"/activate", nil); st != http.StatusSeeOther || get(t, "/v1/payment_links/"+id, key).body["active"] != true {
		t.Fatalf("activate: %d", st)
	}

	// Another merchant: 404 for the page, the QR codes and the switch.
	for _, path := range []string{page, page + "/qr.png", page + "/qr.svg"} {
		if st, _, _ := stranger.do(http.MethodGet, path, nil); st != http.StatusNotFound {
			t.Fatalf("another merchant's GET %s: %d", path, st)
		}
	}
	if st, _, _ := stranger.catPost("/dashboard/payment_links", page+"/deactivate", nil); st != http.StatusNotFound ||
		get(t, "/v1/payment_links/"+id, key).body["active"] != true {
		t.Fatalf("another merchant deactivates: %d", st)
	}
}
