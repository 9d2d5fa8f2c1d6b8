package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/lib/pq"
)

// outboxChannel is the NOTIFY channel of the webhook outbox: insertDeliveries notifies it in
// the transaction that queues deliveries, so Postgres delivers it at that commit (and not on
// a rollback), once per transaction however many rows it queued.
const outboxChannel = "webhook_outbox"

// unlistenedPoll is how often AwaitOutbox of a repository without a listener returns: it
// cannot tell when rows are queued, so it polls as the dispatcher used to.
const unlistenedPoll = 40 * time.Millisecond

// OutboxListener holds one connection that LISTENs on the outbox's channel, for the whole
// process; pq.Listener reconnects it by itself. Waiters share it: each notification wakes
// all of them.
type OutboxListener struct {
	l    *pq.Listener
	done chan struct{} // closed once the notifications stop (Close)

	mu   sync.Mutex
	last time.Time     // when the last notification (or reconnect) arrived
	wake chan struct{} // closed and replaced at each notification
}

// ListenOutbox connects a listener to url (the pool's database) and waits, within ctx, until
// it listens; log hears of its disconnects and reconnects (meanwhile claims fall back to polls).
func ListenOutbox(ctx context.Context, url string, log *slog.Logger) (*OutboxListener, error) {
	events := func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
			log.Warn("webhook outbox listener lost its connection; first attempts wait for the fallback poll meanwhile", "err", err)
		case pq.ListenerEventReconnected:
			log.Info("webhook outbox listener reconnected")
		}
	}
	o := &OutboxListener{l: pq.NewListener(url, 100*time.Millisecond, 10*time.Second, events),
		done: make(chan struct{}), wake: make(chan struct{})}
	go o.run()
	listening := make(chan error, 1)
	go func() { listening <- o.l.Listen(outboxChannel) }() // blocks until connected
	select {
	case err := <-listening:
		if err == nil {
			return o, nil
		}
		_ = o.Close()
		return nil, fmt.Errorf("listen for queued webhook deliveries: %w", err)
	case <-ctx.Done():
		_ = o.Close() // ends the Listen too
		return nil, fmt.Errorf("listen for queued webhook deliveries: %w", ctx.Err())
	}
}

// run wakes the waiters at each notification; pq.Listener sends nil after a reconnect, when
// notifications may have been lost while it was down: that wakes them too.
func (o *OutboxListener) run() {
	defer close(o.done)
	for range o.l.Notify { // pq.Listener blocks on this channel: drain it always
		o.mu.Lock()
		o.last = time.Now()
		close(o.wake)
		o.wake = make(chan struct{})
		o.mu.Unlock()
	}
}

// await returns once a notification arrived after since, or after atMost.
func (o *OutboxListener) await(ctx context.Context, since time.Time, atMost time.Duration) error {
	o.mu.Lock()
	last, wake := o.last, o.wake
	o.mu.Unlock()
	if !last.IsZero() && !last.Before(since) {
		return nil
	}
	t := time.NewTimer(atMost)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-wake:
	case <-t.C:
	}
	return nil
}

// Close disconnects the listener; waiters fall back to their atMost.
func (o *OutboxListener) Close() error {
	err := o.l.Close()
	<-o.done
	return err
}
