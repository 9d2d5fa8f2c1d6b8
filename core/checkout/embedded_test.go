package checkout

import (
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
)

func TestUIModeRules(t *testing.T) {
	base := func() CreateParams {
		return CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{item("usd", 100, 1)}}
	}
	for _, tc := range []struct {
		name   string
		change func(*CreateParams)
		param  string // of the refusal; "" when accepted
		mode   UIMode
		origin string // EmbedOrigin with the right secret
	}{
		{"hosted by default", func(*CreateParams) {}, "", UIHosted, ""},
		{"hosted with success_url", func(p *CreateParams) { p.SuccessURL = ptr("https://shop.example/ok") }, "", UIHosted, ""},
		{"hosted refuses return_url", func(p *CreateParams) { p.ReturnURL = ptr("https://shop.example/back") }, "return_url", "", ""},
		{"embedded", func(p *CreateParams) {
			p.UIMode, p.ReturnURL = ptr("embedded"), ptr("https://Shop.Example:8443/back?s={CHECKOUT_SESSION_ID}")
		},
			"", UIEmbedded, "https://shop.example:8443"},
		{"embedded needs return_url", func(p *CreateParams) { p.UIMode = ptr("embedded") }, "return_url", "", ""},
		{"embedded refuses success_url", func(p *CreateParams) {
			p.UIMode, p.ReturnURL, p.SuccessURL = ptr("embedded"), ptr("https://shop.example/back"), ptr("https://shop.example/ok")
		}, "success_url", "", ""},
		{"embedded refuses cancel_url", func(p *CreateParams) {
			p.UIMode, p.ReturnURL, p.CancelURL = ptr("embedded"), ptr("https://shop.example/back"), ptr("https://shop.example/no")
		}, "cancel_url", "", ""},
		{"embedded refuses a script URL", func(p *CreateParams) { p.UIMode, p.ReturnURL = ptr("embedded"), ptr("javascript:alert(1)") }, "return_url", "", ""},
		{"unknown ui_mode", func(p *CreateParams) { p.UIMode = ptr("custom") }, "ui_mode", "", ""},
	} {
		p := base()
		tc.change(&p)
		s, err := Build(p, caller, now, testAssets, catalog.Listing{})
		if tc.param != "" {
			if e, ok := apperr.As(err); !ok || e.Param != tc.param {
				t.Errorf("%s: %v, want a refusal of %s", tc.name, err, tc.param)
			}
			continue
		}
		if err != nil || s.UIMode != tc.mode {
			t.Errorf("%s: %v, mode %q", tc.name, err, s.UIMode)
			continue
		}
		if got := s.EmbedOrigin(s.ClientSecret); got != tc.origin {
			t.Errorf("%s: origin %q, want %q", tc.name, got, tc.origin)
		}
		if tc.mode == UIEmbedded {
			if !strings.HasPrefix(s.ClientSecret, s.ID+"_secret_") || s.EmbedOrigin(s.ClientSecret+"x") != "" || s.EmbedOrigin("") != "" {
				t.Errorf("%s: secret %q frames with a wrong secret", tc.name, s.ClientSecret)
			}
			if s.ReturnTo() != "https://Shop.Example:8443/back?s="+s.ID {
				t.Errorf("%s: returns to %q", tc.name, s.ReturnTo())
			}
		}
	}
}
