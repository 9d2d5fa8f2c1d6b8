package http

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"rsc.io/qr"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/paymentlink"
)

// The dashboard's catalog section: products with their prices, and payment links with their
// URL and QR code, over the same catalog and payment link use cases as /v1.

// dashCatalogRoutes registers the dashboard's catalog pages: read for every user, write for owners.
func (s *Server) dashCatalogRoutes(read, write *gin.RouterGroup) {
	read.GET("/products", s.dashProducts)
	write.GET("/products/new", s.dashProductNew)
	write.POST("/products", s.dashProductCreate)
	read.GET("/products/:id", s.dashProduct)
	write.GET("/products/:id/edit", s.dashProductEdit)
	write.POST("/products/:id", s.dashProductUpdate)
	write.POST("/products/:id/archive", s.dashProductActive(false))
	write.POST("/products/:id/unarchive", s.dashProductActive(true))
	write.POST("/products/:id/prices", s.dashPriceCreate)
	write.POST("/prices/:id/archive", s.dashPriceActive(false))
	write.POST("/prices/:id/unarchive", s.dashPriceActive(true))

	read.GET("/payment_links", s.dashLinks)
	write.GET("/payment_links/new", s.dashLinkNew)
	write.POST("/payment_links", s.dashLinkCreate)
	read.GET("/payment_links/:id", s.dashLink)
	read.GET("/payment_links/:id/qr.png", s.dashLinkQR("png"))
	read.GET("/payment_links/:id/qr.svg", s.dashLinkQR("svg"))
	write.POST("/payment_links/:id/deactivate", s.dashLinkActive(false))
	write.POST("/payment_links/:id/activate", s.dashLinkActive(true))
}

// catActiveFilter reads a list's active filter: "true", "false" or anything else for all.
func catActiveFilter(v string) *bool {
	switch v {
	case "true":
		return catPtr(true)
	case "false":
		return catPtr(false)
	}
	return nil
}

func catPtr[T any](v T) *T { return &v }

// catFormError returns the message of an invalid-input error (the form shows it), or "" when
// err is something else (dashError explains it).
func catFormError(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) && e.Kind == apperr.KindInvalid {
		return e.Message
	}
	return ""
}

// ---- Products ----

// catPriceRow is a price as the pages show it.
type catPriceRow struct {
	ID, Amount, Currency, Period string
	Recurring, Active, Default   bool
	Created                      time.Time
}

func newCatPriceRow(p catalog.Price, defaultID string) catPriceRow {
	r := catPriceRow{ID: p.ID, Amount: formatUnit(p.UnitAmountDecimal, p.Currency), Currency: strings.ToUpper(p.Currency),
		Recurring: p.Recurring != nil, Active: p.Active, Default: p.ID == defaultID, Created: p.Created}
	if p.Recurring != nil {
		r.Period = "every " + periodWords(p.Recurring)
	} else {
		r.Period = "one time"
	}
	return r
}

type catProductRow struct {
	ID, Name   string
	Active     bool
	Prices     []catPriceRow
	MorePrices bool
	Created    time.Time
}

type catProductsBody struct {
	Rows       []catProductRow
	Active     string
	Next, Prev template.URL
}

// dashListPrices lists a product's prices, newest first, at most limit of them.
func (s *Server) dashListPrices(c *gin.Context, productID, defaultID string, limit int) ([]catPriceRow, bool, error) {
	page, err := s.catalog.ListPrices(c.Request.Context(), dashCaller(c), paging.Params{Limit: limit},
		catalog.PriceListParams{Product: &productID})
	if err != nil {
		return nil, false, err
	}
	rows := make([]catPriceRow, 0, len(page.Data))
	for _, p := range page.Data {
		rows = append(rows, newCatPriceRow(p, defaultID))
	}
	return rows, page.HasMore, nil
}

func (s *Server) dashProducts(c *gin.Context) {
	b := catProductsBody{Active: c.Query("active")}
	pg := dashPage(c)
	page, err := s.catalog.ListProducts(c.Request.Context(), dashCaller(c), pg, catalog.ProductListParams{Active: catActiveFilter(b.Active)})
	if err != nil {
		s.dashError(c, err)
		return
	}
	for _, p := range page.Data {
		row := catProductRow{ID: p.ID, Name: p.Name, Active: p.Active, Created: p.Created}
		if row.Prices, row.MorePrices, err = s.dashListPrices(c, p.ID, p.DefaultPrice, 5); err != nil {
			s.dashError(c, err)
			return
		}
		b.Rows = append(b.Rows, row)
	}
	b.Next, b.Prev = dashPager(c, page.HasMore, pg, func(r catProductRow) string { return r.ID }, b.Rows)
	s.dashRender(c, http.StatusOK, "products", "Products", "catalog", b)
}

// catProductForm is the create and edit form of a product, with what the user typed.
type catProductForm struct {
	ID, Name, Description, Images string // Images: one URL a line
	MaxImages                     int
	Err                           string
}

func (f catProductForm) FormError() string { return f.Err }

func readCatProductForm(c *gin.Context) catProductForm {
	return catProductForm{ID: c.Param("id"), Name: c.PostForm("name"), Description: c.PostForm("description"),
		Images: c.PostForm("images"), MaxImages: catalog.MaxImages}
}

// imageList is the form's image URLs, one a line, blank lines skipped; never nil (an empty
// list clears a product's images).
func (f catProductForm) imageList() []string {
	out := []string{}
	for _, l := range strings.Split(f.Images, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) dashProductNew(c *gin.Context) {
	s.dashRender(c, http.StatusOK, "product_form", "New product", "catalog", catProductForm{MaxImages: catalog.MaxImages})
}

func (s *Server) dashProductCreate(c *gin.Context) {
	f := readCatProductForm(c)
	p, err := s.catalog.CreateProduct(c.Request.Context(), dashCaller(c), catalog.ProductCreateParams{
		Name: &f.Name, Description: &f.Description, Images: f.imageList()})
	if f.Err = catFormError(err); f.Err != "" {
		s.dashRender(c, http.StatusBadRequest, "product_form", "New product", "catalog", f)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/products/"+url.PathEscape(p.ID)+"?notice=product_created")
}

func (s *Server) dashProductEdit(c *gin.Context) {
	p, err := s.catalog.GetProduct(c.Request.Context(), dashCaller(c), c.Param("id"))
	if err != nil {
		s.dashError(c, err)
		return
	}
	s.dashRender(c, http.StatusOK, "product_form", "Edit "+p.Name, "catalog", catProductForm{ID: p.ID, Name: p.Name,
		Description: p.Description, Images: strings.Join(p.Images, "\n"), MaxImages: catalog.MaxImages})
}

func (s *Server) dashProductUpdate(c *gin.Context) {
	f := readCatProductForm(c)
	_, err := s.catalog.UpdateProduct(c.Request.Context(), dashCaller(c), f.ID, catalog.ProductUpdateParams{
		Name: &f.Name, Description: &f.Description, Images: f.imageList()})
	if f.Err = catFormError(err); f.Err != "" {
		s.dashRender(c, http.StatusBadRequest, "product_form", "Edit product", "catalog", f)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/products/"+url.PathEscape(f.ID)+"?notice=product_saved")
}

func (s *Server) dashProductActive(active bool) gin.HandlerFunc {
	notice := map[bool]string{true: "product_restored", false: "product_archived"}[active]
	return func(c *gin.Context) {
		p, err := s.catalog.UpdateProduct(c.Request.Context(), dashCaller(c), c.Param("id"), catalog.ProductUpdateParams{Active: &active})
		if err != nil {
			s.dashError(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/dashboard/products/"+url.PathEscape(p.ID)+"?notice="+notice)
	}
}

// catPriceForm is the new price form of a product page, with what the user typed.
type catPriceForm struct {
	Currency, Amount, Type, Interval, IntervalCount string
	Err                                             string
}

type catProductBody struct {
	ID, Name, Description string
	Images                []string
	Active                bool
	DefaultPrice          string
	Created, Updated      time.Time
	Prices                []catPriceRow
	MorePrices            bool
	Currencies            []string
	Intervals             []string
	Form                  catPriceForm
}

func (b catProductBody) FormError() string { return b.Form.Err }

// dashProductPage shows a product with its prices and the new price form f.
func (s *Server) dashProductPage(c *gin.Context, status int, id string, f catPriceForm) {
	p, err := s.catalog.GetProduct(c.Request.Context(), dashCaller(c), id)
	if err != nil {
		s.dashError(c, err)
		return
	}
	b := catProductBody{ID: p.ID, Name: p.Name, Description: p.Description, Images: p.Images, Active: p.Active,
		DefaultPrice: p.DefaultPrice, Created: p.Created, Updated: p.Updated, Currencies: money.Currencies(),
		Intervals: []string{string(catalog.Day), string(catalog.Week), string(catalog.Month), string(catalog.Year)}, Form: f}
	if b.Prices, b.MorePrices, err = s.dashListPrices(c, p.ID, p.DefaultPrice, paging.MaxLimit); err != nil {
		s.dashError(c, err)
		return
	}
	s.dashRender(c, status, "product", p.Name, "catalog", b)
}

func (s *Server) dashProduct(c *gin.Context) {
	s.dashProductPage(c, http.StatusOK, c.Param("id"), catPriceForm{Currency: "usd", Type: string(catalog.OneTime),
		Interval: string(catalog.Month), IntervalCount: "1"})
}

func (s *Server) dashPriceCreate(c *gin.Context) {
	ctx, caller, id := c.Request.Context(), dashCaller(c), c.Param("id")
	f := catPriceForm{Currency: strings.ToLower(strings.TrimSpace(c.PostForm("currency"))), Amount: c.PostForm("amount"),
		Type: c.PostForm("type"), Interval: c.PostForm("interval"), IntervalCount: c.PostForm("interval_count")}
	if _, err := s.catalog.GetProduct(ctx, caller, id); err != nil { // another merchant's product: 404, not a form error
		s.dashError(c, err)
		return
	}
	p := catalog.PriceCreateParams{Product: &id}
	p.Currency = &f.Currency
	unit, err := money.MinorUnits("amount", f.Amount, f.Currency)
	if err == nil {
		p.UnitAmount = &unit
		err = f.recurring(&p)
	}
	if err == nil {
		_, err = s.catalog.CreatePrice(ctx, caller, p)
	}
	if f.Err = catFormError(err); f.Err != "" {
		s.dashProductPage(c, http.StatusBadRequest, id, f)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/products/"+url.PathEscape(id)+"?notice=price_created")
}

// recurring adds the form's period to p when the price is recurring.
func (f catPriceForm) recurring(p *catalog.PriceCreateParams) error {
	switch catalog.PriceType(f.Type) {
	case catalog.OneTime:
		return nil
	case catalog.Recurring:
	default:
		return apperr.Invalid("type", "parameter_invalid", "Choose whether the price is paid once or recurring.")
	}
	n, err := strconv.ParseInt(strings.TrimSpace(f.IntervalCount), 10, 64)
	if err != nil {
		return apperr.Invalid("interval_count", "parameter_invalid_integer", "Write the number of periods as a whole number, such as 1.")
	}
	iv := f.Interval
	p.Recurring = &catalog.RecurringParams{Interval: &iv, IntervalCount: &n}
	return nil
}

func (s *Server) dashPriceActive(active bool) gin.HandlerFunc {
	notice := map[bool]string{true: "price_restored", false: "price_archived"}[active]
	return func(c *gin.Context) {
		pr, err := s.catalog.UpdatePrice(c.Request.Context(), dashCaller(c), c.Param("id"), catalog.PriceUpdateParams{Active: &active})
		if err != nil {
			s.dashError(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/dashboard/products/"+url.PathEscape(pr.ProductID)+"?notice="+notice)
	}
}

// ---- Payment links ----

type catLinkRow struct {
	ID, URL, Currency string
	Active, SoldOut   bool
	Items             int
	Created           time.Time
}

type catLinksBody struct {
	Rows       []catLinkRow
	Active     string
	Next, Prev template.URL
}

func (s *Server) dashLinks(c *gin.Context) {
	b := catLinksBody{Active: c.Query("active")}
	pg := dashPage(c)
	page, err := s.links.List(c.Request.Context(), dashCaller(c), pg, paymentlink.ListParams{Active: catActiveFilter(b.Active)})
	if err != nil {
		s.dashError(c, err)
		return
	}
	for _, l := range page.Data {
		b.Rows = append(b.Rows, catLinkRow{ID: l.ID, URL: s.linkURL(l.ID), Currency: strings.ToUpper(l.Currency), Active: l.Active,
			SoldOut: l.SoldOut(), Items: len(l.LineItems), Created: l.Created})
	}
	b.Next, b.Prev = dashPager(c, page.HasMore, pg, func(r catLinkRow) string { return r.ID }, b.Rows)
	s.dashRender(c, http.StatusOK, "payment_links", "Payment links", "links", b)
}

// catLinkChoice is an active price the new link form offers, with the quantity typed for it.
type catLinkChoice struct {
	PriceID, Product, Amount, Period, Quantity string
}

type catAssetRow struct {
	ID, Label string
	Checked   bool
}

type catLinkForm struct {
	Choices []catLinkChoice
	Assets  []catAssetRow
	Err     string
}

func (f catLinkForm) FormError() string { return f.Err }

// dashLinkForm builds the form over the caller's active prices (the newest hundred) and the
// mode's assets; qty and assets are what the user sent (nil for a blank form).
func (s *Server) dashLinkForm(c *gin.Context, qty map[string]string, assets map[string]bool) (catLinkForm, error) {
	ctx, caller := c.Request.Context(), dashCaller(c)
	prices, err := s.catalog.ListPrices(ctx, caller, paging.Params{Limit: paging.MaxLimit}, catalog.PriceListParams{Active: catPtr(true)})
	if err != nil {
		return catLinkForm{}, err
	}
	var ids []string
	for _, p := range prices.Data {
		ids = append(ids, p.ProductID)
	}
	names := map[string]string{}
	if len(ids) > 0 {
		prods, err := s.catalog.ListProducts(ctx, caller, paging.Params{Limit: paging.MaxLimit},
			catalog.ProductListParams{Active: catPtr(true), IDs: catDedupe(ids)})
		if err != nil {
			return catLinkForm{}, err
		}
		for _, p := range prods.Data {
			names[p.ID] = p.Name
		}
	}
	var f catLinkForm
	for _, p := range prices.Data {
		name, ok := names[p.ProductID]
		if !ok { // an archived product: its prices cannot be sold
			continue
		}
		row := newCatPriceRow(p, "")
		f.Choices = append(f.Choices, catLinkChoice{PriceID: p.ID, Product: name, Amount: row.Amount, Period: row.Period, Quantity: qty[p.ID]})
	}
	for _, a := range s.chains.Assets(caller.Livemode) {
		label := a.Symbol + " on " + a.ChainKey
		if ch, ok := s.chains.Chain(a.ChainID); ok {
			label = a.Symbol + " on " + ch.Name
		}
		f.Assets = append(f.Assets, catAssetRow{ID: a.ID, Label: label, Checked: assets[a.ID]})
	}
	return f, nil
}

func catDedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func (s *Server) dashLinkNew(c *gin.Context) {
	f, err := s.dashLinkForm(c, nil, nil)
	if err != nil {
		s.dashError(c, err)
		return
	}
	s.dashRender(c, http.StatusOK, "payment_link_form", "New payment link", "links", f)
}

// dashLinkCreate makes a link of the rows given a quantity: the form sends each row's price
// and quantity as parallel lists, in the order shown.
func (s *Server) dashLinkCreate(c *gin.Context) {
	prices, qtys := c.PostFormArray("price"), c.PostFormArray("quantity")
	typed := map[string]string{}
	var p paymentlink.CreateParams
	var err error
	for i, id := range prices {
		q := ""
		if i < len(qtys) {
			q = strings.TrimSpace(qtys[i])
		}
		typed[id] = q
		if q == "" || q == "0" {
			continue
		}
		n, perr := strconv.ParseInt(q, 10, 64)
		if perr != nil && err == nil {
			err = apperr.Invalid("quantity", "parameter_invalid_integer", "Quantity %q is not a whole number.", q)
		}
		p.LineItems = append(p.LineItems, paymentlink.ItemParams{Price: catPtr(id), Quantity: catPtr(n)})
	}
	if err == nil && len(p.LineItems) == 0 {
		err = apperr.Invalid("line_items", "parameter_missing", "Give at least one price a quantity of 1 or more.")
	}
	checked := map[string]bool{}
	if assets := c.PostFormArray("asset"); len(assets) > 0 {
		for _, a := range assets {
			checked[a] = true
		}
		p.Crypto = &paymentlink.CryptoParams{AcceptedAssets: assets}
	}
	var l paymentlink.Link
	if err == nil {
		l, err = s.links.Create(c.Request.Context(), dashCaller(c), p)
	}
	if msg := catFormError(err); msg != "" {
		f, ferr := s.dashLinkForm(c, typed, checked)
		if ferr != nil {
			s.dashError(c, ferr)
			return
		}
		f.Err = msg
		s.dashRender(c, http.StatusBadRequest, "payment_link_form", "New payment link", "links", f)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/payment_links/"+url.PathEscape(l.ID)+"?notice=link_created")
}

type catLinkLine struct {
	PriceID, ProductID, Product, Unit, Period, Total string
	Quantity                                         int64
}

type catLinkBody struct {
	ID, URL, Currency, AfterCompletion, Redirect string
	Active, SoldOut                              bool
	Completed, Limit                             int64
	Assets                                       []string
	Lines                                        []catLinkLine
	Created                                      time.Time
}

func (s *Server) dashLink(c *gin.Context) {
	ctx, caller, id := c.Request.Context(), dashCaller(c), c.Param("id")
	l, err := s.links.Get(ctx, caller, id)
	if err != nil {
		s.dashError(c, err)
		return
	}
	b := catLinkBody{ID: l.ID, URL: s.linkURL(l.ID), Currency: strings.ToUpper(l.Currency), AfterCompletion: l.AfterCompletion,
		Redirect: l.RedirectURL, Active: l.Active, SoldOut: l.SoldOut(), Completed: l.CompletedSessions,
		Limit: l.CompletedLimit, Assets: l.AcceptedAssets, Created: l.Created}
	lines, err := s.links.LineItems(ctx, caller, id, paging.Params{Limit: paging.MaxLimit})
	if err != nil {
		s.dashError(c, err)
		return
	}
	for _, x := range lines.Data {
		row := newCatPriceRow(x.Price, "")
		line := catLinkLine{PriceID: x.Item.PriceID, ProductID: x.Product.ID, Product: x.Product.Name, Unit: row.Amount,
			Period: row.Period, Quantity: x.Item.Quantity}
		if total, ok := money.LineTotal(x.Price.UnitAmountDecimal, x.Item.Quantity); ok {
			line.Total = formatMoney(total, x.Price.Currency)
		}
		b.Lines = append(b.Lines, line)
	}
	s.dashRender(c, http.StatusOK, "payment_link", "Payment link", "links", b)
}

func (s *Server) dashLinkActive(active bool) gin.HandlerFunc {
	notice := map[bool]string{true: "link_activated", false: "link_deactivated"}[active]
	return func(c *gin.Context) {
		l, err := s.links.Update(c.Request.Context(), dashCaller(c), c.Param("id"), paymentlink.UpdateParams{Active: &active})
		if err != nil {
			s.dashError(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/dashboard/payment_links/"+url.PathEscape(l.ID)+"?notice="+notice)
	}
}

// dashLinkQR serves the QR code of one of the caller's links, as PNG or SVG, from the same
// bitmap.
func (s *Server) dashLinkQR(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		l, err := s.links.Get(c.Request.Context(), dashCaller(c), c.Param("id"))
		if err != nil {
			s.dashError(c, err)
			return
		}
		code, err := qr.Encode(s.linkURL(l.ID), qr.M)
		if err != nil {
			s.dashError(c, fmt.Errorf("QR of %s: %w", l.ID, err))
			return
		}
		c.Header("Content-Disposition", fmt.Sprintf(`inline; filename="%s-qr.%s"`, l.ID, format))
		if format == "svg" {
			c.Data(http.StatusOK, "image/svg+xml", linkQRSVG(code))
			return
		}
		c.Data(http.StatusOK, "image/png", code.PNG())
	}
}

// linkQRQuiet is the blank margin around a QR code, in modules (the PNG's, and the standard's).
const linkQRQuiet = 4

// linkQRSVG draws code as an SVG: one path of black runs per row, over a white square with the
// quiet zone, crisp at any size.
func linkQRSVG(code *qr.Code) []byte {
	n := code.Size + 2*linkQRQuiet
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n*code.Scale, n*code.Scale, n, n)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			start := x
			for x < code.Size && code.Black(x, y) {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start+linkQRQuiet, y+linkQRQuiet, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>` + "\n")
	return []byte(b.String())
}
