// Package workflows holds the Temporal workflows and the activities that call the ports.
package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
)

// TaskQueue is the queue every checkout worker polls.
const TaskQueue = "checkout"

// Workflow types.
const (
	CheckoutSessionWorkflow = "CheckoutSession"
	ChainScannerWorkflow    = "ChainScanner"
	WebhookDeliveryWorkflow = "WebhookDelivery"
	DispatcherWorkflow      = "WebhookDispatcher"
	DispatcherWorkflowID    = "webhook-dispatcher"
	SettlementWorkflow      = "Settlement"
	GasWalletWorkflow       = "GasWallet"
	SubscriptionWorkflow    = "Subscription"
	RefundWorkflow          = "Refund"
)

// SignalRefundChanged tells a refund's workflow that its refund changed (claimed, marked sent,
// canceled): it looks again at once instead of at its next timer.
const SignalRefundChanged = "refund_changed"

// Updates, signals and queries on a subscription workflow: every change of a subscription
// goes through its workflow, so its schedule and the stored state never disagree.
const (
	UpdateSubscriptionCancel = "cancel"       // DELETE /v1/subscriptions/:id
	UpdateSubscription       = "update"       // POST /v1/subscriptions/:id
	UpdateTestClock          = "set_clock"    // POST /v1/test_helpers/test_clocks/:id/advance
	SignalInvoicePaid        = "invoice_paid" // a session of one of its invoices completed
)

// Signals and updates of the settlement workflows.
const (
	SignalDeposits = "deposits" // new confirmed deposits may wait for a sweep
	UpdateSendTx   = "send_tx"  // a settlement asks its chain's gas wallet to send a sweep
)

// Retention: the workflows the retention schedules start, and the schedules' IDs.
const (
	IdempotencySweepWorkflow   = "IdempotencyKeySweep"
	EventPruneWorkflow         = "EventPrune"
	IdempotencySweepScheduleID = "retention-idempotency-keys"
	EventPruneScheduleID       = "retention-events"
	ErrRetentionWindow         = "RetentionWindowInvalid" // an event window the retention rule refuses
)

// Updates, signals and queries on a session workflow.
const (
	UpdateExpire      = "expire"       // merchant's POST /v1/checkout/sessions/:id/expire
	UpdateSelectAsset = "select_asset" // shopper's (or merchant's) choice of asset
	SignalPayments    = "payments"     // the scanner recorded, confirmed or reverted a payment
	// The API assigned an asset (quote and address) in Postgres: the workflow reads it back.
	SignalAssetAssigned = "asset_assigned"
	QueryState          = "state"   // the session's live state
	UpdateResolve       = "resolve" // merchant's POST /v1/checkout/sessions/:id/resolve
)

// Application error types that activities and handlers return.
const (
	ErrSessionMissing = "SessionMissing"       // the row is gone: the workflow ends itself
	ErrNotOpen        = "SessionNotOpen"       // an update that needs an open session
	ErrNotResolvable  = "SessionNotResolvable" // a resolution while the session is still open (or orphaned)
	ErrRefundMissing  = "RefundMissing"        // the refund's row is gone: its workflow ends itself
	ErrRefused        = "Refused"              // a use case refused the request (details: apperr kind, code, param)
	ErrConfirming     = "PaymentConfirming"    // an expire request while a payment is confirming
	ErrWouldRevert    = "SweepWouldRevert"     // the node's estimate shows the sweep reverting: nothing was sent
	ErrFeeCapReached  = "FeeCapReached"        // no room under the chain's fee cap for a replacement
	ErrNonceTaken     = "NonceTaken"           // the gas wallet's key was used elsewhere: the nonce is gone
	ErrWorkerStopping = "WorkerStopping"       // a waiting activity let its worker stop: retried on another
)

// Search attributes set on every session workflow so operators can filter in the Web UI.
var (
	AttrCheckoutStatus    = temporal.NewSearchAttributeKeyKeyword("CheckoutStatus")
	AttrMerchantID        = temporal.NewSearchAttributeKeyKeyword("MerchantID")
	AttrClientReferenceID = temporal.NewSearchAttributeKeyKeyword("ClientReferenceID")
	AttrPaymentAsset      = temporal.NewSearchAttributeKeyKeyword("PaymentAsset")
	AttrWebhookEventType  = temporal.NewSearchAttributeKeyKeyword("WebhookEventType")
	AttrWebhookEndpoint   = temporal.NewSearchAttributeKeyKeyword("WebhookEndpoint")
	AttrSubscriptionState = temporal.NewSearchAttributeKeyKeyword("SubscriptionStatus")
	AttrNextPeriodEnd     = temporal.NewSearchAttributeKeyTime("NextPeriodEnd")
)

// SearchAttributes lists every custom attribute the workflows use; all are registered at start-up.
func SearchAttributes() []temporal.SearchAttributeKey {
	return []temporal.SearchAttributeKey{AttrCheckoutStatus, AttrMerchantID, AttrClientReferenceID, AttrPaymentAsset,
		AttrWebhookEventType, AttrWebhookEndpoint, AttrSubscriptionState, AttrNextPeriodEnd}
}

const sessionPrefix = "checkout/"

// SessionWorkflowID is the workflow ID of a checkout session: its business ID.
func SessionWorkflowID(sessionID string) string { return sessionPrefix + sessionID }

// SessionIDFromWorkflowID inverts SessionWorkflowID.
func SessionIDFromWorkflowID(workflowID string) (string, bool) {
	return strings.CutPrefix(workflowID, sessionPrefix)
}

// Change IDs for workflow.GetVersion: a running session replays the branch it started on.
const (
	changeMonitoringWindow = "monitoring-window"
	changeBalanceCheck     = "balance-check"
	changeBoundedDelivery  = "bounded-delivery" // an attempt whose activity retries ran out is a failed attempt
	// The dispatcher made attempt 1 straight from the outbox; the workflow starts at attempt 2.
	changeFirstAttemptByDispatcher = "first-attempt-by-dispatcher"
	// Deadlines wait for the chain to be scanned past them; quotes lapse; long runs continue as new.
	changeDeadlineScan = "deadline-scan"
	// Sessions are started only once their row is committed: no SessionRecorded look first.
	changeStartAfterCommit = "start-after-commit"
	// An idle gas wallet waits for a send instead of polling every few seconds.
	changeGasWalletIdleAwait = "gas-wallet-idle-await"
	// A completed session tells billing (a subscription to create, or an invoice paid).
	changeSessionBilling = "session-billing"
	// A charge_automatically renewal is collected through the shopper's mandate before anything else.
	changeAutoCollect = "subscription-auto-collect"
	// A session paid late in its monitoring window gets the merchant's late-payment policy.
	changeLatePolicy = "late-payment-policy"
	// a session's deadline waits out a stale view of its chain and gives the outage's time back
	changeOutageGiveBack = "outage-give-back"
	// An asset assigned by the API (signal, not Update) is learnt by a reconcile, which then
	// sets the PaymentAsset search attribute.
	changeAssetByAPI = "asset-assigned-by-api"
)

// RefundWorkflowID is refund/<refund id>.
func RefundWorkflowID(refundID string) string { return "refund/" + refundID }

// SubscriptionWorkflowID is subscription/<sub id>.
func SubscriptionWorkflowID(subscriptionID string) string { return "subscription/" + subscriptionID }

// ScannerWorkflowID is the single scanner of a chain.
func ScannerWorkflowID(chainID int64) string { return fmt.Sprintf("chain-scanner/%d", chainID) }

// SettlementWorkflowID is settlement/<merchant>/<chain id>: a chain is of one mode, so the
// pair names one merchant's funds of one mode on one chain.
func SettlementWorkflowID(merchantID string, chainID int64) string {
	return fmt.Sprintf("settlement/%s/%d", merchantID, chainID)
}

// PayoutID is the ID of the payout a settlement run opens in a round: derived from the run, so
// a retried open finds the payout it made instead of making another.
func PayoutID(runID string, round int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s/%d", runID, round))
	return "po_" + hex.EncodeToString(h[:12])
}

// GasWalletWorkflowID is the single sender of a chain's gas wallet.
func GasWalletWorkflowID(chainID int64) string { return fmt.Sprintf("gas-wallet/%d", chainID) }

// DeliveryWorkflowID is webhook/<event>/<endpoint>; a redelivery adds its delivery ID.
func DeliveryWorkflowID(eventID, endpointID, deliveryID string, redelivery bool) string {
	id := "webhook/" + eventID + "/" + endpointID
	if redelivery {
		id += "/" + deliveryID
	}
	return id
}
