package wiring_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/workflows"
)

func sessionCount(t *testing.T, merchantID string) int {
	t.Helper()
	var n int
	if err := it.app.DB().Get(&n, `SELECT count(*) FROM checkout_sessions WHERE merchant_id = $1`, merchantID); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	key, merchantID := newMerchant(t, "Bad Input Store")
	ok := validForm()
	now := time.Now()
	hundredAndOne := with(ok)
	for i := 1; i <= 100; i++ {
		p := fmt.Sprintf("line_items[%d]", i)
		hundredAndOne.Set(p+"[price_data][currency]", "usd")
		hundredAndOne.Set(p+"[price_data][unit_amount]", "100")
		hundredAndOne.Set(p+"[price_data][product_data][name]", "x")
		hundredAndOne.Set(p+"[quantity]", "1")
	}
	manyMeta := with(ok)
	for i := 0; i < 51; i++ {
		manyMeta.Set(fmt.Sprintf("metadata[k%d]", i), "v")
	}
	cases := []struct {
		name        string
		form        url.Values
		raw, ctype  string // a raw body instead of form
		code, param string
	}{
		{name: "malformed JSON", raw: `{"mode": "payment",`, ctype: "application/json", code: "parameter_invalid"},
		{name: "malformed form", raw: "mode=%zz", ctype: "application/x-www-form-urlencoded", code: "parameter_invalid"},
		{name: "unknown parameter", form: with(ok, "colour", "red"), code: "parameter_unknown", param: "colour"},
		{name: "unknown nested parameter", form: with(ok, "line_items[0][price_data][flavour]", "x"), code: "parameter_unknown", param: "line_items[0][price_data][flavour]"},
		{name: "wrong type quantity", form: with(ok, "line_items[0][quantity]", "two"), code: "parameter_invalid_integer", param: "line_items[0][quantity]"},
		{name: "wrong type in JSON", raw: `{"mode":"payment","line_items":[{"quantity":"1","price_data":{"currency":"usd","unit_amount":true,"product_data":{"name":"x"}}}]}`, ctype: "application/json", code: "parameter_invalid_integer", param: "line_items[0][price_data][unit_amount]"},
		{name: "missing mode", form: without(ok, "mode"), code: "parameter_missing", param: "mode"},
		{name: "no line items", form: url.Values{"mode": {"payment"}}, code: "parameter_missing", param: "line_items"},
		{name: "101 line items", form: hundredAndOne, code: "parameter_invalid", param: "line_items"},
		{name: "quantity zero", form: with(ok, "line_items[0][quantity]", "0"), code: "parameter_invalid_integer", param: "line_items[0][quantity]"},
		{name: "quantity missing", form: without(ok, "line_items[0][quantity]"), code: "parameter_missing", param: "line_items[0][quantity]"},
		{name: "zero amount", form: with(ok, "line_items[0][price_data][unit_amount]", "0"), code: "amount_too_small", param: "line_items[0][price_data][unit_amount]"},
		{name: "negative amount", form: with(ok, "line_items[0][price_data][unit_amount]", "-5"), code: "amount_too_small", param: "line_items[0][price_data][unit_amount]"},
		{name: "amount too large", form: with(ok, "line_items[0][price_data][unit_amount]", "100000000"), code: "amount_too_large", param: "line_items[0][price_data][unit_amount]"},
		{name: "unknown currency", form: with(ok, "line_items[0][price_data][currency]", "xyz"), code: "parameter_invalid", param: "line_items[0][price_data][currency]"},
		{name: "ftp success_url", form: with(ok, "success_url", "ftp://shop.example/ok"), code: "url_invalid", param: "success_url"},
		{name: "relative cancel_url", form: with(ok, "cancel_url", "/cart"), code: "url_invalid", param: "cancel_url"},
		{name: "51 metadata keys", form: manyMeta, code: "parameter_invalid", param: "metadata"},
		{name: "metadata key over 40", form: with(ok, "metadata["+strings.Repeat("k", 41)+"]", "v"), code: "parameter_invalid", param: "metadata[" + strings.Repeat("k", 41) + "]"},
		{name: "metadata value over 500", form: with(ok, "metadata[note]", strings.Repeat("v", 501)), code: "parameter_invalid", param: "metadata[note]"},
		{name: "expires_at too soon", form: with(ok, "expires_at", strconv.FormatInt(now.Add(29*time.Minute-time.Minute).Unix(), 10)), code: "parameter_invalid_integer", param: "expires_at"},
		{name: "expires_at too late", form: with(ok, "expires_at", strconv.FormatInt(now.Add(25*time.Hour).Unix(), 10)), code: "parameter_invalid_integer", param: "expires_at"},
		{name: "mixed currencies", form: with(ok, "line_items[1][price_data][currency]", "eur", "line_items[1][price_data][unit_amount]", "100",
			"line_items[1][price_data][product_data][name]", "y", "line_items[1][quantity]", "1"), code: "parameter_invalid", param: "line_items[1][price_data][currency]"},
		{name: "price and price_data", form: with(ok, "line_items[0][price]", "price_123"), code: "parameters_exclusive", param: "line_items[0]"},
		{name: "unknown price", form: url.Values{"mode": {"payment"}, "line_items[0][price]": {"price_nope"}, "line_items[0][quantity]": {"1"}}, code: "resource_missing", param: "line_items[0][price]"},
		{name: "no product name", form: with(without(ok, "line_items[0][price_data][product_data][name]"), "line_items[0][price_data][product_data][description]", "d"), code: "parameter_missing", param: "line_items[0][price_data][product_data][name]"},
		{name: "bad email", form: with(ok, "customer_email", "not-an-email"), code: "email_invalid", param: "customer_email"},
		{name: "sparse array", form: with(without(ok, "line_items[0][quantity]"), "line_items[2][quantity]", "1"), code: "parameter_invalid", param: "line_items[1]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.raw != "" {
				r = call(t, http.MethodPost, "/v1/checkout/sessions", key, strings.NewReader(tc.raw), tc.ctype, nil)
			} else {
				r = postForm(t, "/v1/checkout/sessions", key, tc.form, nil)
			}
			if r.status != http.StatusBadRequest || r.errField("type") != "invalid_request_error" {
				t.Fatalf("status %d body %s, want 400 invalid_request_error", r.status, r.raw)
			}
			if r.errField("code") != tc.code || r.errField("param") != tc.param || r.errField("message") == "" {
				t.Fatalf("code/param = %q/%q (%s), want %q/%q", r.errField("code"), r.errField("param"), r.errField("message"), tc.code, tc.param)
			}
		})
	}
	if n := sessionCount(t, merchantID); n != 0 {
		t.Fatalf("%d sessions written by refused requests", n)
	}
	// Visibility is eventually consistent: a session started after the refused requests is the
	// marker; once it is listed, a stray workflow started before it would be listed too.
	marker := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	var listed []string
	eventually(t, "the marker session in visibility", func() (bool, error) {
		res, err := it.temporal.ListWorkflow(context.Background(), listReq(`MerchantID="`+merchantID+`"`))
		listed = nil
		for _, e := range res.GetExecutions() {
			listed = append(listed, e.GetExecution().GetWorkflowId())
		}
		return slices.Contains(listed, workflows.SessionWorkflowID(marker)), err
	})
	if len(listed) != 1 {
		t.Fatalf("workflows started by refused requests: %v (the marker is %s)", listed, marker)
	}
}

func TestFormAndJSONAreJudgedAlike(t *testing.T) {
	key, _ := newMerchant(t, "Encoding Store")
	form := with(validForm(), "metadata[order]", "7", "expand[]", "line_items")
	viaForm := postForm(t, "/v1/checkout/sessions", key, form, nil)
	viaJSON := postJSON(t, "/v1/checkout/sessions", key, map[string]any{
		"mode": "payment", "metadata": map[string]string{"order": "7"}, "expand": []string{"line_items"},
		"line_items": []any{map[string]any{"quantity": 2, "price_data": map[string]any{
			"currency": "usd", "unit_amount": 1999, "product_data": map[string]any{"name": "T-shirt"}}}},
	})
	for _, r := range []response{viaForm, viaJSON} {
		if r.status != 200 || r.body["amount_total"] != float64(3998) || r.body["metadata"].(map[string]any)["order"] != "7" {
			t.Fatalf("status %d body %s", r.status, r.raw)
		}
		items := r.body["line_items"].(map[string]any)
		if items["object"] != "list" || len(items["data"].([]any)) != 1 {
			t.Fatalf("expanded line_items = %v", items)
		}
	}
}

func TestSubMinorUnitPricesRoundOncePerLine(t *testing.T) {
	key, _ := newMerchant(t, "Decimal Store")
	r := postForm(t, "/v1/checkout/sessions", key, url.Values{
		"mode": {"payment"}, "line_items[0][price_data][currency]": {"eur"},
		"line_items[0][price_data][unit_amount_decimal]": {"1999.5"},
		"line_items[0][price_data][product_data][name]":  {"Beans"}, "line_items[0][quantity]": {"3"},
	}, nil)
	if r.status != 200 || r.body["amount_total"] != float64(5999) { // 3 × 19.995 = 59.985 → 59.99
		t.Fatalf("status %d body %s", r.status, r.raw)
	}
}

func TestAuthAndMerchantIsolation(t *testing.T) {
	keyA, _ := newMerchant(t, "Store A")
	keyB, _ := newMerchant(t, "Store B")
	created := postForm(t, "/v1/checkout/sessions", keyA, validForm(), nil)
	id := created.str("id")

	for _, tc := range []struct {
		name, key string
	}{{"missing key", ""}, {"unknown key", "sk_test_" + strings.Repeat("x", 32)}, {"not a key", "hello"}} {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, "/v1/checkout/sessions/"+id, tc.key)
			if r.status != 401 || r.errField("type") != "invalid_request_error" || r.errField("message") == "" {
				t.Fatalf("status %d body %s", r.status, r.raw)
			}
		})
	}
	// HTTP Basic with the key as user name, as curl -u sk_test_...: sends it.
	req, _ := http.NewRequest(http.MethodGet, it.base+"/v1/checkout/sessions/"+id, nil)
	req.SetBasicAuth(keyA, "")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("basic auth: %v %v", res.Status, err)
	}
	res.Body.Close()
	// Another merchant sees nothing: 404 on every route, and an empty list.
	for _, r := range []response{
		get(t, "/v1/checkout/sessions/"+id, keyB),
		get(t, "/v1/checkout/sessions/"+id+"/line_items", keyB),
		postForm(t, "/v1/checkout/sessions/"+id+"/expire", keyB, nil, nil),
	} {
		if r.status != 404 || r.errField("code") != "resource_missing" {
			t.Fatalf("other merchant got %d %s", r.status, r.raw)
		}
	}
	if l := get(t, "/v1/checkout/sessions", keyB); len(l.body["data"].([]any)) != 0 {
		t.Fatalf("other merchant lists %s", l.raw)
	}
	if r := get(t, "/v1/nothing-here", keyA); r.status != 404 || r.errField("type") != "invalid_request_error" {
		t.Fatalf("unknown route: %d %s", r.status, r.raw)
	}
}

func TestIdempotencyKeys(t *testing.T) {
	key, merchantID := newMerchant(t, "Idempotent Store")
	h := map[string]string{"Idempotency-Key": "order-77-attempt"}
	first := postForm(t, "/v1/checkout/sessions", key, validForm(), h)
	again := postForm(t, "/v1/checkout/sessions", key, validForm(), h)
	if first.status != 200 || again.status != 200 || first.str("id") != again.str("id") {
		t.Fatalf("replay: %d %s / %d %s", first.status, first.str("id"), again.status, again.str("id"))
	}
	if again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay not marked: %v", again.header)
	}
	other := postForm(t, "/v1/checkout/sessions", key, with(validForm(), "line_items[0][quantity]", "5"), h)
	if other.status != 400 || other.errField("type") != "idempotency_error" {
		t.Fatalf("reuse with other params: %d %s", other.status, other.raw)
	}
	// A refused request keeps nothing: the same key may be used again once corrected.
	h2 := map[string]string{"Idempotency-Key": "fix-and-retry"}
	if r := postForm(t, "/v1/checkout/sessions", key, without(validForm(), "mode"), h2); r.status != 400 {
		t.Fatalf("invalid request: %d", r.status)
	}
	// A request that executed and failed is kept and replayed, as Stripe does: here a 404.
	hMissing := map[string]string{"Idempotency-Key": "expire-missing"}
	for i, want := range []string{"", "true"} {
		r := postForm(t, "/v1/checkout/sessions/cs_test_missing/expire", key, nil, hMissing)
		if r.status != 404 || r.errField("code") != "resource_missing" || r.header.Get("Idempotent-Replayed") != want {
			t.Fatalf("expire of a missing session, call %d: %d %s, replayed %q", i+1, r.status, r.raw, r.header.Get("Idempotent-Replayed"))
		}
	}
	if r := postForm(t, "/v1/checkout/sessions", key, validForm(), h2); r.status != 200 {
		t.Fatalf("corrected retry: %d %s", r.status, r.raw)
	}
	// Concurrent requests with one key: exactly one executes.
	h3 := map[string]string{"Idempotency-Key": "burst"}
	var wg sync.WaitGroup
	results := make([]response, 12)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = postForm(t, "/v1/checkout/sessions", key, validForm(), h3)
		}()
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, r := range results {
		switch r.status {
		case 200:
			ids[r.str("id")] = true
		case 409:
			if r.errField("type") != "idempotency_error" {
				t.Fatalf("409 body %s", r.raw)
			}
		default:
			t.Fatalf("burst answer %d %s", r.status, r.raw)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("burst created %d distinct sessions: %v", len(ids), ids)
	}
	if n := sessionCount(t, merchantID); n != 3 {
		t.Fatalf("%d sessions stored, want 3", n)
	}
}

func TestListPagingAndFilters(t *testing.T) {
	key, _ := newMerchant(t, "List Store")
	var ids []string // oldest first
	for i := 0; i < 5; i++ {
		r := postForm(t, "/v1/checkout/sessions", key, with(validForm(), "client_reference_id", fmt.Sprintf("ref-%d", i%2)), nil)
		ids = append(ids, r.str("id"))
	}
	page := func(q string) (got []string, more bool) {
		r := get(t, "/v1/checkout/sessions?"+q, key)
		if r.status != 200 || r.body["object"] != "list" || r.body["url"] != "/v1/checkout/sessions" {
			t.Fatalf("list %s: %d %s", q, r.status, r.raw)
		}
		for _, d := range r.body["data"].([]any) {
			got = append(got, d.(map[string]any)["id"].(string))
		}
		return got, r.body["has_more"].(bool)
	}
	eq := func(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }
	if got, more := page("limit=2"); !eq(got, []string{ids[4], ids[3]}) || !more {
		t.Fatalf("first page %v more=%v", got, more)
	}
	if got, more := page("limit=2&starting_after=" + ids[3]); !eq(got, []string{ids[2], ids[1]}) || !more {
		t.Fatalf("second page %v more=%v", got, more)
	}
	if got, more := page("limit=2&starting_after=" + ids[1]); !eq(got, []string{ids[0]}) || more {
		t.Fatalf("last page %v more=%v", got, more)
	}
	if got, more := page("limit=2&ending_before=" + ids[1]); !eq(got, []string{ids[3], ids[2]}) || !more {
		t.Fatalf("page before %v more=%v", got, more)
	}
	if got, _ := page("client_reference_id=ref-1"); !eq(got, []string{ids[3], ids[1]}) {
		t.Fatalf("by client_reference_id %v", got)
	}
	expire(t, key, ids[2])
	if got, _ := page("status=expired"); !eq(got, []string{ids[2]}) {
		t.Fatalf("by status %v", got)
	}
	future := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	if got, _ := page("created[gte]=" + future); len(got) != 0 {
		t.Fatalf("created in the future: %v", got)
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "status=paid", "starting_after=cs_test_nope", "colour=red"} {
		if r := get(t, "/v1/checkout/sessions?"+q, key); r.status != 400 || r.errField("type") != "invalid_request_error" {
			t.Fatalf("list %s: %d %s", q, r.status, r.raw)
		}
	}
}

func TestHostedPage(t *testing.T) {
	key, _ := newMerchant(t, "Page & Co")
	r := postForm(t, "/v1/checkout/sessions", key, with(validForm(), "cancel_url", "https://shop.example/cart"), nil)
	id := r.str("id")
	page := call(t, http.MethodGet, "/c/"+id, "", nil, "", nil)
	html := string(page.raw)
	for _, want := range []string{"Page &amp; Co", "T-shirt", "2 × $19.99", "$39.98", "Choose how to pay", "Time left", "https://shop.example/cart", "Test mode"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	csp := page.header.Get("Content-Security-Policy")
	if page.status != 200 || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("status %d csp %q", page.status, csp)
	}
	expire(t, key, id)
	after := string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw)
	if !strings.Contains(after, "Expired") || strings.Contains(after, "Choose how to pay") {
		t.Fatalf("expired page:\n%s", after)
	}
	row, err := it.app.API.Sessions.LoadSession(context.Background(), id)
	if err != nil || row.ExpiredAt == nil || time.Since(*row.ExpiredAt) > time.Minute {
		t.Fatalf("expired_at = %v (%v), want just now", row.ExpiredAt, err)
	}
	if want := "expired at " + row.ExpiredAt.Format("15:04 MST, 2 Jan 2006"); !strings.Contains(after, want) {
		t.Fatalf("expired page lacks %q (when it expired, not when it was due to)", want)
	}
	status := call(t, http.MethodGet, "/c/"+id+"/status", "", nil, "", nil)
	if status.body["status"] != "expired" {
		t.Fatalf("status endpoint: %s", status.raw)
	}
	if nf := call(t, http.MethodGet, "/c/cs_test_doesnotexist", "", nil, "", nil); nf.status != 404 || !strings.Contains(string(nf.raw), "not found") {
		t.Fatalf("unknown session page: %d", nf.status)
	}
	css := call(t, http.MethodGet, "/static/page.css", "", nil, "", nil)
	if css.status != 200 || !strings.Contains(string(css.raw), ".card") {
		t.Fatalf("css: %d", css.status)
	}
}

// A workflow with no row (started by hand, or its row deleted; the service starts one only
// after its row's commit) ends itself at its deadline instead of expiring a session nobody can see.
func TestWorkflowWithoutRowEndsItself(t *testing.T) {
	ctx := context.Background()
	_, merchantID := newMerchant(t, "Orphan Store")
	ghost := &checkout.Session{ID: "cs_test_ghost" + strconv.FormatInt(time.Now().UnixNano(), 10), MerchantID: merchantID,
		Status: checkout.StatusOpen, ExpiresAt: time.Now().Add(2 * time.Second)}
	if err := it.app.Orch.StartSession(ctx, ghost); err != nil {
		t.Fatal(err)
	}
	var st workflows.SessionState
	if err := it.temporal.GetWorkflow(ctx, workflows.SessionWorkflowID(ghost.ID), "").Get(ctx, &st); err != nil {
		t.Fatal(err)
	}
	if !st.Orphaned {
		t.Fatalf("state = %+v, want orphaned", st)
	}
}

// storedWithoutWorkflow writes a session as if the process died between the commit and the
// workflow start (the after-commit hook never runs).
func storedWithoutWorkflow(t *testing.T, merchantID string, created time.Time) *checkout.Session {
	t.Helper()
	one := int64(100)
	s := &checkout.Session{ID: "cs_test_crash" + strconv.FormatInt(time.Now().UnixNano(), 10), MerchantID: merchantID,
		Mode: checkout.ModePayment, Status: checkout.StatusOpen, PaymentStatus: checkout.PaymentUnpaid, Currency: "usd",
		AmountSubtotal: 100, AmountTotal: 100, Metadata: map[string]string{}, CreatedAt: created, ExpiresAt: time.Now().Add(time.Hour),
		Crypto: checkout.Crypto{AcceptedAssets: []string{"tusd@sim"}, State: chain.StateAwaitingAsset},
		LineItems: []checkout.LineItem{{ID: "li_" + strconv.FormatInt(time.Now().UnixNano(), 10), PriceID: "price_c", ProductID: "prod_c",
			Name: "x", Currency: "usd", UnitAmount: &one, Quantity: 1, AmountSubtotal: 100, AmountTotal: 100}}}
	if err := it.app.API.Sessions.CreateSession(context.Background(), s, func(context.Context) {}); err != nil {
		t.Fatal(err)
	}
	return s
}

// A crash between commit and start loses nothing: the first request that needs the workflow
// starts it, and so does the sweep for sessions nobody touched.
func TestWorkflowStartedAfterCrashBetweenCommitAndStart(t *testing.T) {
	ctx := context.Background()
	_, merchantID := newMerchant(t, "Crash Store")
	caller := merchant.Caller{MerchantID: merchantID}

	touched := storedWithoutWorkflow(t, merchantID, time.Now())
	sess, err := it.app.Sessions.SelectAsset(ctx, caller, touched.ID, "tusd@sim")
	if err != nil || sess.Crypto.DepositAddress == "" || sess.Crypto.AmountDue.String() != "1000000" {
		t.Fatalf("select_asset on a session whose workflow never started: %v %+v", err, sess)
	}

	untouched := storedWithoutWorkflow(t, merchantID, time.Now().Add(-time.Minute))
	if _, err := it.app.Sessions.StartPending(ctx); err != nil {
		t.Fatal(err)
	}
	desc, err := it.temporal.DescribeWorkflowExecution(ctx, workflows.SessionWorkflowID(untouched.ID), "")
	if err != nil || desc.WorkflowExecutionInfo.Status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("sweep did not start the workflow: %v", err)
	}
	var pending int
	_ = it.app.DB().Get(&pending, `SELECT count(*) FROM checkout_sessions WHERE id IN ($1, $2) AND NOT workflow_started`,
		touched.ID, untouched.ID)
	if pending != 0 {
		t.Fatalf("%d sessions still marked unstarted", pending)
	}
}

// Requests that need a session's workflow behave the same before its start happened: 16
// concurrent select_asset requests on a session whose start never ran (Update-With-Start)
// all get the one quote and address, and there is exactly one workflow run; the shopper pays
// at once and the scanner's signal reaches that run, which completes the session.
func TestSelectAssetHammeredBeforeTheWorkflowStarted(t *testing.T) {
	ctx := context.Background()
	key, merchantID := newMerchant(t, "Hammer Store")
	caller := merchant.Caller{MerchantID: merchantID}
	sess := storedWithoutWorkflow(t, merchantID, time.Now())
	var wg sync.WaitGroup
	addresses := make([]string, 16)
	errs := make([]error, 16)
	for i := range addresses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := it.app.Sessions.SelectAsset(ctx, caller, sess.ID, "tusd@sim")
			if errs[i] = err; err == nil {
				addresses[i] = got.Crypto.DepositAddress
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil || addresses[i] == "" || addresses[i] != addresses[0] {
			t.Fatalf("request %d: %v, address %q (first %q)", i, err, addresses[i], addresses[0])
		}
	}
	res, err := it.temporal.ListWorkflow(ctx, listReq(`WorkflowId="`+workflows.SessionWorkflowID(sess.ID)+`"`))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Executions); n > 1 {
		t.Fatalf("%d workflow runs for one session", n)
	}
	var allocated int
	_ = it.app.DB().Get(&allocated, `SELECT count(*) FROM deposit_addresses WHERE session_id = $1`, sess.ID)
	if allocated != 1 {
		t.Fatalf("%d addresses allocated for one session", allocated)
	}
	selected := get(t, "/v1/checkout/sessions/"+sess.ID, key)
	it.chain.payToken(t, addresses[0], dueOf(t, selected))
	it.chain.mine(3)
	waitFor(t, key, sess.ID, "complete", func(r response) bool { return r.str("status") == "complete" })
}

func TestSearchAttributesRegisteredByTheService(t *testing.T) {
	// The dev server in TestMain starts without them; wiring.New registered them.
	res, err := it.temporal.ListWorkflow(context.Background(), listReq(`CheckoutStatus="open" AND MerchantID="nobody"`))
	if err != nil || len(res.Executions) != 0 {
		t.Fatalf("query on our attributes: %v", err)
	}
}
