package main

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chaincheckout/checkout/core/checkout"
)

// sessionView is what the bench reads of a session from the API.
type sessionView struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Crypto struct {
		DepositAddress string `json:"deposit_address"`
		AmountDue      string `json:"amount_due"`
	} `json:"crypto"`
}

// payAmong pays k sessions picked at random among the open ones this run created, one after
// another, from geth's dev account, and times each from the block that carries the payment
// to the API answering complete.
func (s *stack) payAmong(ctx context.Context, k int) ([]time.Duration, error) {
	var accounts []common.Address
	if err := s.geth.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		return nil, fmt.Errorf("geth's dev account: %v", err)
	}
	var out []time.Duration
	for _, i := range rand.Perm(len(s.created)) {
		if len(out) == k {
			break
		}
		var sess sessionView
		if err := s.call(ctx, s.apis[0], http.MethodGet, "/v1/checkout/sessions/"+s.created[i], nil, &sess); err != nil {
			return nil, err
		}
		if sess.Status != string(checkout.StatusOpen) || sess.Crypto.AmountDue == "" {
			continue // paid at an earlier step
		}
		d, err := s.payOne(ctx, accounts[0], sess)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
		s.paid = append(s.paid, sess.ID)
	}
	return out, nil
}

// payOne sends what sess is due and waits for the API to say complete.
func (s *stack) payOne(ctx context.Context, from common.Address, sess sessionView) (time.Duration, error) {
	due, ok := new(big.Int).SetString(sess.Crypto.AmountDue, 10)
	if !ok {
		return 0, fmt.Errorf("session %s: amount_due %q", sess.ID, sess.Crypto.AmountDue)
	}
	var hash common.Hash
	if err := s.geth.CallContext(ctx, &hash, "eth_sendTransaction", map[string]any{"from": from,
		"to": common.HexToAddress(sess.Crypto.DepositAddress), "value": "0x" + due.Text(16)}); err != nil {
		return 0, fmt.Errorf("pay %s: %w", sess.ID, err)
	}
	eth := ethclient.NewClient(s.geth)
	var mined time.Time
	for mined.IsZero() {
		if r, err := eth.TransactionReceipt(ctx, hash); err == nil && r != nil {
			mined = time.Now()
		} else if err := sleep(ctx, 10*time.Millisecond); err != nil {
			return 0, err
		}
	}
	for sess.Status != string(checkout.StatusComplete) {
		if time.Since(mined) > 2*time.Minute {
			return 0, fmt.Errorf("session %s not complete 2 minutes after its payment was mined", sess.ID)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return 0, err
		}
		if err := s.call(ctx, s.apis[0], http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
			return 0, err
		}
	}
	return time.Since(mined), nil
}
