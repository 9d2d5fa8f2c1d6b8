package http

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/catalog"
)

type productJSON struct {
	ID                  string            `json:"id"`
	Object              string            `json:"object"`
	Active              bool              `json:"active"`
	Created             int64             `json:"created"`
	DefaultPrice        *string           `json:"default_price"`
	Description         *string           `json:"description"`
	Images              []string          `json:"images"`
	Livemode            bool              `json:"livemode"`
	MarketingFeatures   []struct{}        `json:"marketing_features"`
	Metadata            map[string]string `json:"metadata"`
	Name                string            `json:"name"`
	PackageDimensions   *struct{}         `json:"package_dimensions"`
	Shippable           *bool             `json:"shippable"`
	StatementDescriptor *string           `json:"statement_descriptor"`
	TaxCode             *string           `json:"tax_code"`
	UnitLabel           *string           `json:"unit_label"`
	Updated             int64             `json:"updated"`
	URL                 *string           `json:"url"`
}

func renderProduct(p catalog.Product) productJSON {
	return productJSON{ID: p.ID, Object: "product", Active: p.Active, Created: p.Created.Unix(),
		DefaultPrice: opt(p.DefaultPrice), Description: opt(p.Description), Images: nonNil(p.Images), Livemode: p.Livemode,
		MarketingFeatures: []struct{}{}, Metadata: nonNilMap(p.Metadata), Name: p.Name, Updated: p.Updated.Unix()}
}

// EncodeProduct and EncodePrice implement catalog.Encoder: the objects as the API shows them,
// for their events.
func (s *Renderer) EncodeProduct(_ context.Context, p catalog.Product) ([]byte, error) {
	return json.Marshal(renderProduct(p))
}

func (s *Renderer) EncodePrice(_ context.Context, p catalog.Price) ([]byte, error) {
	return json.Marshal(renderPrice(p))
}

func renderPrice(p catalog.Price) priceJSON {
	out := priceJSON{ID: p.ID, Object: "price", Active: p.Active, BillingScheme: "per_unit", Created: p.Created.Unix(),
		Currency: p.Currency, Livemode: p.Livemode, LookupKey: opt(p.LookupKey), Metadata: nonNilMap(p.Metadata),
		Product: p.ProductID, TaxBehavior: "unspecified", Type: string(p.Type), UnitAmount: p.UnitAmount,
		UnitAmountDecimal: p.UnitAmountDecimal.String()}
	if p.Recurring != nil {
		r := renderRecurring(p.Recurring.Interval, p.Recurring.IntervalCount)
		out.Recurring = &r
	}
	return out
}

// renderRecurring is a price's recurring object: every period is billed as sold (licensed).
func renderRecurring(iv catalog.Interval, count int64) recurringJSON {
	return recurringJSON{Interval: string(iv), IntervalCount: count, UsageType: "licensed"}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

type productListParams struct {
	pageParams
	catalog.ProductListParams
	Created *createdFilter `json:"created"` // accepted for Stripe's clients; not filtered on
}

type priceListParams struct {
	pageParams
	catalog.PriceListParams
	Created *createdFilter `json:"created"`
}

func (s *Server) createProduct(c *gin.Context) {
	var p catalog.ProductCreateParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	prod, err := s.catalog.CreateProduct(c.Request.Context(), callerOf(c), p)
	s.respond(c, err, func() any { return renderProduct(prod) })
}

func (s *Server) getProduct(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	prod, err := s.catalog.GetProduct(c.Request.Context(), callerOf(c), c.Param("id"))
	s.respond(c, err, func() any { return renderProduct(prod) })
}

func (s *Server) updateProduct(c *gin.Context) {
	var p catalog.ProductUpdateParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	prod, err := s.catalog.UpdateProduct(c.Request.Context(), callerOf(c), c.Param("id"), p)
	s.respond(c, err, func() any { return renderProduct(prod) })
}

func (s *Server) deleteProduct(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	id := c.Param("id")
	err := s.catalog.DeleteProduct(c.Request.Context(), callerOf(c), id)
	s.respond(c, err, func() any { return gin.H{"id": id, "object": "product", "deleted": true} })
}

func (s *Server) listProducts(c *gin.Context) {
	var p productListParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	page, err := s.catalog.ListProducts(c.Request.Context(), callerOf(c), p.paging(), p.ProductListParams)
	s.respond(c, err, func() any { return newList("/v1/products", page, renderProduct) })
}

func (s *Server) createPrice(c *gin.Context) {
	var p catalog.PriceCreateParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	pr, err := s.catalog.CreatePrice(c.Request.Context(), callerOf(c), p)
	s.respond(c, err, func() any { return renderPrice(pr) })
}

func (s *Server) getPrice(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	pr, err := s.catalog.GetPrice(c.Request.Context(), callerOf(c), c.Param("id"))
	s.respond(c, err, func() any { return renderPrice(pr) })
}

func (s *Server) updatePrice(c *gin.Context) {
	var p catalog.PriceUpdateParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	pr, err := s.catalog.UpdatePrice(c.Request.Context(), callerOf(c), c.Param("id"), p)
	s.respond(c, err, func() any { return renderPrice(pr) })
}

func (s *Server) listPrices(c *gin.Context) {
	var p priceListParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	page, err := s.catalog.ListPrices(c.Request.Context(), callerOf(c), p.paging(), p.PriceListParams)
	s.respond(c, err, func() any { return newList("/v1/prices", page, renderPrice) })
}

// respond writes err as Stripe's error object, or the rendered object with 200.
func (s *Server) respond(c *gin.Context, err error, render func() any) {
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, render())
}
