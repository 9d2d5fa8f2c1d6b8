package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// benchPage measures the hosted page's server time (p50/p99, a session with the test
// stablecoin chosen, so the QR code is drawn) beside the service's static file handler in the
// same run, and the page's weight: its HTML and everything it loads.
func benchPage(ctx context.Context, e *benchEnv, n int) error {
	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"1999"}, "line_items[0][price_data][product_data][name]": {"T-shirt"},
		"line_items[0][quantity]": {"2"}, "crypto[asset]": {payAsset(e)}}
	var sess struct {
		ID, URL string
		Crypto  struct {
			DepositAddress string `json:"deposit_address"`
		} `json:"crypto"`
	}
	if err := apiCall(ctx, e.base, e.key, http.MethodPost, "/v1/checkout/sessions", form, &sess); err != nil {
		return err
	}
	for sess.Crypto.DepositAddress == "" { // the preselected asset is quoted by the workflow
		if err := apiCall(ctx, e.base, e.key, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
			return err
		}
	}
	get := func(u string) timedOp {
		return timed(func(ctx context.Context) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer res.Body.Close()
			_, err = io.Copy(io.Discard, res.Body)
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("GET %s: %d", u, res.StatusCode)
			}
			return err
		})
	}
	static, err := measure(ctx, 1, n, get(e.base+"/static/page.css"))
	if err != nil {
		return err
	}
	page, err := measure(ctx, 1, n, get(sess.URL))
	if err != nil {
		return err
	}
	weight, parts, err := pageWeight(ctx, e.base, sess.URL)
	if err != nil {
		return err
	}
	fmt.Printf("\nhosted page (a session with ETH chosen: QR code drawn), %d requests each at concurrency 1\n", n)
	fmt.Printf("%-34s %8s %8s %8s\n", "measure", "p50 ms", "p99 ms", "p50 x")
	fmt.Printf("%-34s %8.2f %8.2f\n", "static file (/static/page.css)", ms(static.p50), ms(static.p99))
	fmt.Printf("%-34s %8.2f %8.2f %8.2f\n", "hosted page /c/<id>", ms(page.p50), ms(page.p99), ratio(page.p50, static.p50))
	fmt.Printf("page weight: %.1f KiB in %d responses (%s); its CSP allows no other origin's script, style or connection\n", float64(weight)/1024, len(parts), strings.Join(parts, ", "))
	return nil
}

// payAsset is the bench chain's native coin ("eth@<chain>"): the bench chain has no token.
func payAsset(e *benchEnv) string {
	ch := e.chains.Chains[0]
	return strings.ToLower(ch.Native.Symbol) + "@" + ch.Key
}

// pageWeight adds up the page's HTML and the files it references on our origin.
func pageWeight(ctx context.Context, base, pageURL string) (int, []string, error) {
	total := 0
	var parts []string
	for _, u := range []string{pageURL, base + "/static/page.css", base + "/static/page.js", base + "/static/favicon.svg"} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return 0, nil, err
		}
		total += len(body)
		name := u[strings.LastIndex(u, "/")+1:]
		if u == pageURL {
			name = "page HTML"
		}
		parts = append(parts, fmt.Sprintf("%s %.1f KiB", name, float64(len(body))/1024))
	}
	return total, parts, nil
}
