package catalog

import (
	"fmt"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/metadata"
	"github.com/chaincheckout/checkout/core/text"
)

// NewProduct checks POST /v1/products; with default_price_data it also returns that price,
// which becomes the product's default_price.
func NewProduct(p ProductCreateParams, c merchant.Caller, now time.Time) (Product, *Price, error) {
	prod := Product{ID: ident.New("prod"), MerchantID: c.MerchantID, Livemode: c.Livemode, Active: true,
		Created: now, Updated: now}
	var err error
	if prod.Name, err = requiredName("name", p.Name); err != nil {
		return Product{}, nil, err
	}
	if err := prod.describe(p.Description, p.Images); err != nil {
		return Product{}, nil, err
	}
	if p.Active != nil {
		prod.Active = *p.Active
	}
	if prod.Metadata, err = metadata.Validate("metadata", p.Metadata); err != nil {
		return Product{}, nil, err
	}
	if p.DefaultPriceData == nil {
		return prod, nil, nil
	}
	pr, err := PriceFromData("default_price_data", p.DefaultPriceData.PriceDataParams)
	if err != nil {
		return Product{}, nil, err
	}
	if pr.Metadata, err = metadata.Validate("default_price_data[metadata]", p.DefaultPriceData.Metadata); err != nil {
		return Product{}, nil, err
	}
	pr.ID, pr.MerchantID, pr.Livemode, pr.ProductID, pr.Active, pr.Created = ident.New("price"), c.MerchantID, c.Livemode, prod.ID, true, now
	prod.DefaultPrice = pr.ID
	return prod, &pr, nil
}

func requiredName(param string, name *string) (string, error) {
	if name == nil || strings.TrimSpace(*name) == "" {
		return "", apperr.Missing(param)
	}
	return *name, text.Check(param, *name, MaxNameLength)
}

// describe sets the description and images that were given (nil: unchanged).
func (p *Product) describe(desc *string, images []string) error {
	if desc != nil {
		if err := text.Check("description", *desc, MaxDescLength); err != nil {
			return err
		}
		p.Description = *desc
	}
	if images == nil {
		return nil
	}
	imgs, err := CheckImages("images", images)
	if err != nil {
		return err
	}
	p.Images = imgs
	return nil
}

// CheckImages accepts at most MaxImages absolute http(s) URLs (the page shows them).
func CheckImages(param string, images []string) ([]string, error) {
	if len(images) > MaxImages {
		return nil, apperr.Invalid(param, "parameter_invalid", "At most %d images are allowed.", MaxImages)
	}
	out := make([]string, 0, len(images))
	for i, img := range images {
		if err := text.HTTPURL(fmt.Sprintf("%s[%d]", param, i), img); err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}

// Apply changes the product as POST /v1/products/:id asks. defaultPrice is the price named
// by default_price (nil when none was named or it was emptied): it must be one of this
// product's active prices.
func (p *Product) Apply(u ProductUpdateParams, defaultPrice *Price, now time.Time) error {
	if u.Name != nil {
		name, err := requiredName("name", u.Name)
		if err != nil {
			return err
		}
		p.Name = name
	}
	if err := p.describe(u.Description, u.Images); err != nil {
		return err
	}
	if u.Active != nil {
		p.Active = *u.Active
	}
	md, err := metadata.Merge("metadata", p.Metadata, u.Metadata)
	if err != nil {
		return err
	}
	p.Metadata = md
	if u.DefaultPrice != nil {
		if err := p.setDefaultPrice(*u.DefaultPrice, defaultPrice); err != nil {
			return err
		}
	}
	p.Updated = now
	return nil
}

func (p *Product) setDefaultPrice(id string, pr *Price) error {
	switch {
	case id == "":
		p.DefaultPrice = ""
		return nil
	case pr == nil || pr.ID != id:
		return apperr.Invalid("default_price", "resource_missing", "No such price: '%s'", id)
	case pr.ProductID != p.ID:
		return apperr.Invalid("default_price", "parameter_invalid",
			"The price %s belongs to another product; default_price must be a price of %s.", id, p.ID)
	case !pr.Active:
		return apperr.Invalid("default_price", "parameter_invalid", "The price %s is not active; a default price must be active.", id)
	}
	p.DefaultPrice = id
	return nil
}

// CheckDelete allows deleting a product only while nothing refers to it: a product that was
// sold (or that a payment link sells) is deactivated instead, so history keeps its IDs.
func (p Product) CheckDelete(u Usage) error {
	switch {
	case u.Sold:
		return apperr.Invalid("", "product_in_use",
			"The product %s was sold in a checkout session and cannot be deleted; deactivate it instead (active=false).", p.ID)
	case u.Links > 0:
		return apperr.Invalid("", "product_in_use",
			"The product %s is sold by %d payment link(s) and cannot be deleted; deactivate it instead (active=false).", p.ID, u.Links)
	}
	return nil
}
