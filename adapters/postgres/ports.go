package postgres

import (
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/idempotency"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paymentlink"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/core/retention"
	"github.com/chaincheckout/checkout/core/settlement"
	"github.com/chaincheckout/checkout/core/webhook"
)

// The core ports each repository implements.
var (
	_ checkout.Store          = (*Sessions)(nil)
	_ chain.ScanStore         = (*ChainState)(nil)
	_ event.Store             = (*Events)(nil)
	_ webhook.Store           = (*Endpoints)(nil)
	_ webhook.DeliveryStore   = (*Deliveries)(nil)
	_ merchant.Store          = (*Merchants)(nil)
	_ checkout.MerchantNames  = (*Merchants)(nil)
	_ idempotency.Store       = (*Idempotency)(nil)
	_ retention.Store         = (*Retention)(nil)
	_ catalog.Products        = (*Products)(nil)
	_ catalog.Prices          = (*Prices)(nil)
	_ checkout.Library        = (*Prices)(nil)
	_ paymentlink.Store       = (*PaymentLinks)(nil)
	_ settlement.Store        = (*Settlement)(nil)
	_ settlement.Ledger       = (*Payouts)(nil)
	_ settlement.PayoutReader = (*Payouts)(nil)
	_ refund.Store            = (*Refunds)(nil)
)
