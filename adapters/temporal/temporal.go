// Package temporal implements the orchestrator port on a Temporal cluster and runs the worker.
package temporal

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/idempotency"
	"github.com/chaincheckout/checkout/core/webhook"
	"github.com/chaincheckout/checkout/workflows"
)

// Connection says how to reach the cluster.
type Connection struct {
	HostPort      string
	Namespace     string
	TLSCert       string // PEM client certificate file for mutual TLS, with TLSKey
	TLSKey        string // PEM private key file of TLSCert
	TLSCA         string // PEM file of the CAs that sign the server's certificate (empty: system roots)
	TLSServerName string // the name the server's certificate must carry, when not the host dialled
	APIKey        string // sent as a bearer token on every call; turns TLS on
	// Metrics receives the SDK's metrics (nil: none are kept); see PrometheusMetrics.
	Metrics client.MetricsHandler
}

// Options builds the client options; a TLS file that cannot be read or used is an error naming it.
func (c Connection) Options(logger *slog.Logger) (client.Options, error) {
	opts := client.Options{HostPort: c.HostPort, Namespace: c.Namespace, Logger: sdklog.NewStructuredLogger(logger),
		MetricsHandler: c.Metrics}
	tlsCfg, err := c.tlsConfig()
	if err != nil {
		return client.Options{}, err
	}
	opts.ConnectionOptions.TLS = tlsCfg
	if c.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(c.APIKey)
	}
	if tlsCfg == nil && c.APIKey == "" { // a plain connection is a local or in-cluster server: gzip costs CPU, saves nothing
		opts.ConnectionOptions.GrpcCompression = &client.GrpcCompressionNone{}
	}
	return opts, nil
}

// tlsConfig is nil (plain, or TLS with system roots for an API key) unless a TLS setting is given.
func (c Connection) tlsConfig() (*tls.Config, error) {
	if c.TLSCert == "" && c.TLSKey == "" && c.TLSCA == "" && c.TLSServerName == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.TLSServerName}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return nil, fmt.Errorf("temporal TLS: a client certificate needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY")
	}
	if c.TLSCert != "" {
		pair, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("temporal TLS: load client certificate %s with key %s: %w", c.TLSCert, c.TLSKey, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if c.TLSCA != "" {
		pem, err := os.ReadFile(c.TLSCA)
		if err != nil {
			return nil, fmt.Errorf("temporal TLS: read CA file: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("temporal TLS: CA file %s holds no PEM certificate", c.TLSCA)
		}
	}
	return cfg, nil
}

// Dial connects to the cluster.
func Dial(ctx context.Context, conn Connection, logger *slog.Logger) (client.Client, error) {
	opts, err := conn.Options(logger)
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to temporal at %s: %w", conn.HostPort, err)
	}
	return c, nil
}

// EnsureSearchAttributes registers the project's custom search attributes when missing.
// Upserting an unregistered attribute fails workflow tasks forever, so this runs before workers.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	ops := c.OperatorService()
	have, err := ops.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for _, k := range workflows.SearchAttributes() {
		if _, ok := have.GetCustomAttributes()[k.GetName()]; !ok {
			missing[k.GetName()] = enumspb.IndexedValueType(k.GetValueType())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = ops.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) { // another worker registered them first
		return fmt.Errorf("add search attributes: %w", err)
	}
	return nil
}

// Orchestrator implements checkout.Orchestrator with workflows.
type Orchestrator struct {
	c client.Client
	// WebhookFirstRetry is the first backoff of new delivery workflows (0: the default).
	WebhookFirstRetry time.Duration
}

// NewOrchestrator wraps a connected client.
func NewOrchestrator(c client.Client) (*Orchestrator, error) {
	if c == nil {
		return nil, fmt.Errorf("temporal.NewOrchestrator: nil client")
	}
	return &Orchestrator{c: c}, nil
}

// sessionStart is how a session's workflow is started: by its creation, by a retry of that,
// or by the first request that needs the workflow (Update-With-Start). The ID is the session's;
// a workflow that exists is used, and one that existed and closed is never run again.
func sessionStart(s *checkout.Session) (client.StartWorkflowOptions, workflows.SessionInput) {
	return client.StartWorkflowOptions{
			ID:                       workflows.SessionWorkflowID(s.ID),
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				workflows.AttrCheckoutStatus.ValueSet(string(s.Status)),
				workflows.AttrMerchantID.ValueSet(s.MerchantID),
				workflows.AttrClientReferenceID.ValueSet(s.ClientReferenceID),
				workflows.AttrPaymentAsset.ValueSet(s.Crypto.PreselectAsset),
			),
		}, workflows.SessionInput{
			SessionID: s.ID, MerchantID: s.MerchantID, Livemode: s.Livemode,
			ClientReferenceID: s.ClientReferenceID, ExpiresAt: s.ExpiresAt, PreselectAsset: s.Crypto.PreselectAsset,
		}
}

// StartSession starts checkout/<id>. A workflow that exists (or existed) under that ID is the
// session's own: starting again after a crash or a retry is a success, never a second run.
func (o *Orchestrator) StartSession(ctx context.Context, s *checkout.Session) error {
	opts, in := sessionStart(s)
	// A worker of this process's client takes the first task from the start's own answer,
	// sparing the server a dispatch through matching; with no local worker it is a plain start.
	opts.EnableEagerStart = true
	_, err := o.c.ExecuteWorkflow(ctx, opts, workflows.CheckoutSessionWorkflow, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return apperr.Unavailable("Could not start the session's workflow; retry the request.",
			fmt.Errorf("start workflow for %s: %w", s.ID, err))
	}
	return nil
}

// RequestExpiry sends the expire update (starting the workflow if it was not yet) and waits
// for its result.
func (o *Orchestrator) RequestExpiry(ctx context.Context, s *checkout.Session) error {
	return o.update(ctx, s, workflows.UpdateExpire, workflows.ExpireRequest{Request: event.RequestFrom(ctx)})
}

// AssetAssigned signals the asset the session was given (starting the workflow if it was not
// yet): Signal-With-Start, answered once the server has recorded it.
func (o *Orchestrator) AssetAssigned(ctx context.Context, s *checkout.Session) error {
	opts, in := sessionStart(s)
	_, err := o.c.SignalWithStartWorkflow(ctx, opts.ID, workflows.SignalAssetAssigned,
		workflows.AssetAssigned{Asset: s.Crypto.AssetID}, opts, workflows.CheckoutSessionWorkflow, in)
	var closed *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case err == nil:
		return nil
	case errors.As(err, &closed): // its workflow closed: it ran its course
		return apperr.Conflict("checkout_session_not_open", "The Checkout Session %s is no longer open.", s.ID)
	default:
		return apperr.Unavailable("Could not reach the session's workflow; retry the request.",
			fmt.Errorf("asset_assigned signal for %s: %w", s.ID, err))
	}
}

// updateID makes an update idempotent by the request's Idempotency-Key: a retry of the same
// request (after a crash) attaches to the first update instead of running a second one.
func updateID(ctx context.Context, id, name string) string {
	k, ok := idempotency.KeyFrom(ctx)
	if !ok {
		return ""
	}
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%t|%s|%s|%s", k.MerchantID, k.Livemode, k.Value, id, name))
	return name + "-" + hex.EncodeToString(h[:16])
}

// update runs a session update to completion, with Update-With-Start so that a session whose
// workflow has not been started yet behaves exactly like one whose workflow has, and maps its
// failures to the API's errors.
func (o *Orchestrator) update(ctx context.Context, s *checkout.Session, name string, arg any) error {
	id := s.ID
	opts, in := sessionStart(s)
	h, err := o.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: o.c.NewWithStartWorkflowOperation(opts, workflows.CheckoutSessionWorkflow, in),
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID:     updateID(ctx, id, name),
			WorkflowID:   workflows.SessionWorkflowID(id),
			UpdateName:   name,
			Args:         []any{arg},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	if err == nil {
		var st workflows.SessionState
		err = h.Get(ctx, &st)
	}
	var notFound *serviceerror.NotFound
	var closed *serviceerror.WorkflowExecutionAlreadyStarted
	var appErr *temporal.ApplicationError
	if refused, ok := workflows.RefusalOf(err); ok {
		return refused
	}
	switch {
	case err == nil:
		return nil
	case errors.As(err, &notFound), errors.As(err, &closed): // its workflow closed: it ran its course
		return apperr.Conflict("checkout_session_not_open", "The Checkout Session %s is no longer open.", id)
	case errors.As(err, &appErr) && appErr.Type() == workflows.ErrConfirming:
		return apperr.Conflict("payment_confirming",
			"A payment to the Checkout Session %s is confirming; it cannot expire until the payment is confirmed or reverted.", id)
	case errors.As(err, &appErr) && appErr.Type() == workflows.ErrNotOpen:
		return apperr.Conflict("checkout_session_not_open", "The Checkout Session %s is no longer open.", id)
	default:
		return apperr.Unavailable("Could not reach the session's workflow; retry the request.",
			fmt.Errorf("%s update for %s: %w", name, id, err))
	}
}

// QueryState returns a session workflow's live state.
func (o *Orchestrator) QueryState(ctx context.Context, id string) (workflows.SessionState, error) {
	var st workflows.SessionState
	v, err := o.c.QueryWorkflow(ctx, workflows.SessionWorkflowID(id), "", workflows.QueryState)
	if err != nil {
		return st, fmt.Errorf("query state of %s: %w", id, err)
	}
	return st, v.Get(&st)
}

// StartScanner starts chain-scanner/<id> unless it runs already: one scanner per chain
// however many workers start it.
func StartScanner(ctx context.Context, c client.Client, chainID int64) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.ScannerWorkflowID(chainID),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, workflows.ChainScannerWorkflow, workflows.ScannerInput{ChainID: chainID})
	if err != nil {
		return fmt.Errorf("start scanner of chain %d: %w", chainID, err)
	}
	return nil
}

// StartDelivery starts a delivery's retry workflow (attempt 1 made at firstAttempt); one
// already started (running or done) is fine, so the dispatcher may start it twice after a crash.
func (o *Orchestrator) StartDelivery(ctx context.Context, d webhook.Delivery, firstAttempt time.Time) error {
	_, err := o.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.DeliveryWorkflowID(d.EventID, d.EndpointID, d.ID, d.Redelivery),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.AttrWebhookEventType.ValueSet(d.EventType),
			workflows.AttrWebhookEndpoint.ValueSet(d.EndpointID),
			workflows.AttrMerchantID.ValueSet(d.MerchantID),
		),
	}, workflows.WebhookDeliveryWorkflow, workflows.DeliveryInput{DeliveryID: d.ID, EventID: d.EventID, EndpointID: d.EndpointID,
		FirstRetry: o.WebhookFirstRetry, FirstAttemptAt: firstAttempt})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start delivery %s: %w", d.ID, err)
	}
	return nil
}

// StartDispatcher starts the webhook dispatcher unless it runs already.
func StartDispatcher(ctx context.Context, c client.Client) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.DispatcherWorkflowID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, workflows.DispatcherWorkflow)
	if err != nil {
		return fmt.Errorf("start webhook dispatcher: %w", err)
	}
	return nil
}

// Supervisor brings back the long-running workflows (each chain's scanner, the webhook
// dispatcher) whenever one has ended, e.g. terminated by an operator or failed.
//
// It is a loop in every worker process rather than a Temporal Schedule: a schedule starts
// workflows under IDs suffixed with the scheduled time, while these must keep their fixed IDs
// (the ID is what keeps one scanner per chain), and a loop in the worker runs exactly where
// they can run. Any number of workers may loop: the starts use the existing run if there is one.
type Supervisor struct {
	c        client.Client
	chainIDs []int64
	period   time.Duration
	log      *slog.Logger
	repairs  []func(context.Context) error
}

// Repair adds a task each round runs too (e.g. starting sessions whose start after commit
// never happened); its failure is logged and retried like a start.
func (s *Supervisor) Repair(task func(context.Context) error) { s.repairs = append(s.repairs, task) }

// NewSupervisor supervises the scanners of chainIDs and the dispatcher, every period (± 20 %).
func NewSupervisor(c client.Client, chainIDs []int64, period time.Duration, log *slog.Logger) (*Supervisor, error) {
	if c == nil || log == nil || period <= 0 {
		return nil, fmt.Errorf("temporal.NewSupervisor: nil client or logger, or no period")
	}
	return &Supervisor{c: c, chainIDs: slices.Clone(chainIDs), period: period, log: log}, nil
}

// EnsureRunning starts each supervised workflow that is not running; it returns every failure.
func (s *Supervisor) EnsureRunning(ctx context.Context) error {
	var errs []error
	for _, id := range s.chainIDs {
		errs = append(errs, StartScanner(ctx, s.c, id))
	}
	errs = append(errs, StartDispatcher(ctx, s.c))
	for _, repair := range s.repairs {
		errs = append(errs, repair(ctx))
	}
	return errors.Join(errs...)
}

// Run calls EnsureRunning every period until ctx ends; a failure is logged as an error and
// tried again on the next round.
func (s *Supervisor) Run(ctx context.Context) {
	for {
		jitter := time.Duration(rand.Int64N(int64(s.period)/5*2+1)) - s.period/5 // workers spread their rounds
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.period + jitter):
		}
		if err := s.EnsureRunning(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("could not restart a scanner or the webhook dispatcher; retrying next round",
				"err", err, "retry_in", s.period)
		}
	}
}

// retentionSchedules are the retention schedules, visible in the Web UI under Schedules:
// idempotency keys hourly, events daily. A run never overlaps the previous one.
func retentionSchedules(eventWindowDays int) []client.ScheduleOptions {
	schedule := func(id, workflow string, every, jitter, timeout time.Duration, args ...any) client.ScheduleOptions {
		return client.ScheduleOptions{ID: id,
			Spec:    client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: every}}, Jitter: jitter},
			Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: every,
			Action: &client.ScheduleWorkflowAction{ID: id, Workflow: workflow, Args: args, TaskQueue: workflows.TaskQueue,
				WorkflowExecutionTimeout: timeout}}
	}
	return []client.ScheduleOptions{
		schedule(workflows.IdempotencySweepScheduleID, workflows.IdempotencySweepWorkflow, time.Hour, 5*time.Minute, time.Hour),
		schedule(workflows.EventPruneScheduleID, workflows.EventPruneWorkflow, 24*time.Hour, 30*time.Minute, 6*time.Hour,
			workflows.EventPruneInput{WindowDays: eventWindowDays}),
	}
}

// EnsureRetentionSchedules creates the retention schedules, or brings existing ones to this
// configuration (keeping an operator's pause), so every worker start-up may call it.
func EnsureRetentionSchedules(ctx context.Context, c client.Client, eventWindowDays int) error {
	for _, o := range retentionSchedules(eventWindowDays) {
		_, err := c.ScheduleClient().Create(ctx, o)
		if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
			err = c.ScheduleClient().GetHandle(ctx, o.ID).Update(ctx, client.ScheduleUpdateOptions{
				DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
					s := in.Description.Schedule
					s.Action, s.Spec = o.Action, &o.Spec
					s.Policy = &client.SchedulePolicies{Overlap: o.Overlap, CatchupWindow: o.CatchupWindow}
					return &client.ScheduleUpdate{Schedule: &s}, nil
				}})
		}
		if err != nil {
			return fmt.Errorf("create or update schedule %s: %w", o.ID, err)
		}
	}
	return nil
}

// Capabilities are the activity structs a worker runs, one per capability.
type Capabilities struct {
	Sessions   *workflows.SessionActivities
	Scans      *workflows.ScanActivities
	Deliveries *workflows.DeliveryActivities
	Retention  *workflows.Retention
	Settlement *workflows.SettlementActivities // nil: the worker settles nothing (no chain has a gas wallet)
	GasWallets *workflows.GasWalletActivities
	Billing    *workflows.SubscriptionActivities
	Refunds    *workflows.RefundActivities // nil: no refund workflows, and resolve updates fail (tests that need neither)
}

// WorkerStopTimeout is how long a stopping worker (SIGTERM) lets its running activities finish
// before their contexts are canceled; the long waits end at once and are retried elsewhere.
const WorkerStopTimeout = 30 * time.Second

// NewWorker registers the workflows and each capability's activities on the task queue.
func NewWorker(c client.Client, caps Capabilities) worker.Worker {
	w := worker.New(c, workflows.TaskQueue, worker.Options{WorkerStopTimeout: WorkerStopTimeout})
	workflows.Register(w, caps.Sessions, caps.Scans, caps.Deliveries)
	workflows.RegisterRetention(w, caps.Retention)
	workflows.RegisterBilling(w, caps.Billing)
	if caps.Refunds != nil {
		workflows.RegisterRefunds(w, caps.Refunds)
	}
	if caps.Settlement != nil && caps.GasWallets != nil {
		workflows.RegisterSettlement(w, caps.Settlement, caps.GasWallets)
	}
	return w
}
