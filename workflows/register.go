package workflows

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/workflow"
)

// Registry is what a worker (or the test environment) registers workflows and activities on.
type Registry interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

// Register puts every workflow and the activities on r under their stable names.
func Register(r Registry, acts *SessionActivities, scans *ScanActivities, deliveries *DeliveryActivities) {
	r.RegisterWorkflowWithOptions(CheckoutSession, workflow.RegisterOptions{Name: CheckoutSessionWorkflow})
	r.RegisterWorkflowWithOptions(ChainScanner, workflow.RegisterOptions{Name: ChainScannerWorkflow})
	r.RegisterWorkflowWithOptions(WebhookDelivery, workflow.RegisterOptions{Name: WebhookDeliveryWorkflow})
	r.RegisterWorkflowWithOptions(WebhookDispatcher, workflow.RegisterOptions{Name: DispatcherWorkflow})
	r.RegisterActivityWithOptions(acts, activity.RegisterOptions{})
	r.RegisterActivityWithOptions(scans, activity.RegisterOptions{})
	r.RegisterActivityWithOptions(deliveries, activity.RegisterOptions{})
	registerRetentionWorkflows(r)
}

// RegisterSettlement puts the settlement and gas wallet workflows and their activities on r.
func RegisterSettlement(r Registry, settle *SettlementActivities, gas *GasWalletActivities) {
	r.RegisterWorkflowWithOptions(Settlement, workflow.RegisterOptions{Name: SettlementWorkflow})
	r.RegisterWorkflowWithOptions(GasWallet, workflow.RegisterOptions{Name: GasWalletWorkflow})
	r.RegisterActivityWithOptions(settle, activity.RegisterOptions{})
	r.RegisterActivityWithOptions(gas, activity.RegisterOptions{})
}

// RegisterBilling puts the subscription workflow and the billing activities on r.
func RegisterBilling(r Registry, subs *SubscriptionActivities) {
	r.RegisterWorkflowWithOptions(Subscription, workflow.RegisterOptions{Name: SubscriptionWorkflow})
	r.RegisterActivityWithOptions(subs, activity.RegisterOptions{})
}

// RegisterRefunds puts the refund workflow and the refund activities on r. Session workflows
// call ApplyResolution and ApplyLatePolicy too, so every worker that runs sessions registers them.
func RegisterRefunds(r Registry, refunds *RefundActivities) {
	r.RegisterWorkflowWithOptions(Refund, workflow.RegisterOptions{Name: RefundWorkflow})
	r.RegisterActivityWithOptions(refunds, activity.RegisterOptions{})
}
