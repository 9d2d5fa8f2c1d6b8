package checkout

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/merchant"
)

// SearchKind is what a search query names.
type SearchKind string

const (
	SearchNothing   SearchKind = ""        // not the shape of anything searchable
	SearchSessionID SearchKind = "session" // cs_…
	SearchAddress   SearchKind = "address" // a deposit address: 0x and 40 hex digits, any case
	SearchTxHash    SearchKind = "tx_hash" // a payment's transaction hash: 0x and 64 hex digits
)

// MaxSearchResults bounds the sessions one search returns (a transaction may pay several).
const MaxSearchResults = 25

// maxSearchLength bounds a query: anything longer names nothing.
const maxSearchLength = 255

// ClassifySearch tells what q names and returns it as stored: addresses and hashes are stored
// in lower case, so they match whatever case was pasted (an EIP-55 checksummed address too).
func ClassifySearch(q string) (SearchKind, string) {
	q = strings.TrimSpace(q)
	if len(q) > maxSearchLength {
		return SearchNothing, q
	}
	if strings.HasPrefix(q, "cs_") && len(q) > len("cs_") && identChars(q) {
		return SearchSessionID, q
	}
	if len(q) < 2 || (q[:2] != "0x" && q[:2] != "0X") {
		return SearchNothing, q
	}
	digits := strings.ToLower(q[2:])
	if _, err := hex.DecodeString(digits); err != nil {
		return SearchNothing, q
	}
	switch len(digits) {
	case 40:
		return SearchAddress, "0x" + digits
	case 64:
		return SearchTxHash, "0x" + digits
	}
	return SearchNothing, q
}

// identChars reports whether s has only the characters of our IDs.
func identChars(s string) bool {
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// SessionSearch is what FindSessions looks for: the session whose deposit address is Address,
// or the sessions paid by transaction TxHash on one of ChainIDs. Exactly one of the two is set.
type SessionSearch struct {
	Address  string
	TxHash   string
	ChainIDs []int64
}

// Find returns the caller's sessions that q names (SearchKind), newest first, each with its
// payments as retrieving one shows it; none when nothing matches or q names nothing. A session
// of another merchant or mode is never found.
func (s *Service) Find(ctx context.Context, caller merchant.Caller, q string) ([]*Session, error) {
	kind, v := ClassifySearch(q)
	var found []*Session
	var err error
	switch kind {
	case SearchSessionID:
		sess, err := s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, v)
		if apperr.IsKind(err, apperr.KindNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		found = []*Session{sess}
	case SearchAddress:
		found, err = s.store.FindSessions(ctx, caller.MerchantID, caller.Livemode, SessionSearch{Address: v}, MaxSearchResults)
	case SearchTxHash:
		ids := s.chainIDs(caller.Livemode)
		if len(ids) == 0 {
			return nil, nil
		}
		found, err = s.store.FindSessions(ctx, caller.MerchantID, caller.Livemode, SessionSearch{TxHash: v, ChainIDs: ids}, MaxSearchResults)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("search sessions by %s: %w", kind, err)
	}
	if len(found) == 0 {
		return nil, nil
	}
	return found, s.fillListed(ctx, found, false)
}

// chainIDs lists the chains of a mode: a payment of that mode's sessions is on one of them.
func (s *Service) chainIDs(livemode bool) []int64 {
	var ids []int64
	for _, ch := range s.chains.Chains {
		if ch.Livemode == livemode {
			ids = append(ids, ch.ID)
		}
	}
	return ids
}
