package ethereum

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chaincheckout/checkout/core/chain"
)

const (
	baseChainID  = 8453
	opBlockNum   = 0x1a2b3c4
	opBlockHash  = "0x5b0c1a4f2f6e0d9f8c3a7b6e5d4c3b2a190817263544536271809faebdcc0011"
	opParentHash = "0x7a1e2f3d4c5b6a798877665544332211ffeeddccbbaa99887766554433221100"
	usdcOnBase   = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"
	depositAddr  = "0x6f2c2b5e0a4cfa1e2a4d3c9b8e7f6a5d4c3b2a19"
	payerAddr    = "0x4838b106fce9647bdf1e7877bf73ce8b0bad5f97"
	depositTx    = "0x0a7c0b4a7c2e8a7de5dca0f0a8a3a6e0fb7c3b6e1a2d4c5e6f708192a3b4c5d6"
	userDeposit  = "0x1b8d1c5b8d3f9b8ef6edb1f1b9b4b7f10c8d4c7f2b3e5d6f7081920a3b4c5d6e"
	normalTx     = "0x2c9e2d6c9e4a0c9f07fec2a2cac5c8a21d9e5d8a3c4f6e7081920a1b4c5d6e7f"
)

// opStackBlock is a Base block as op-geth serves it: an L1-info deposit (type 0x7e) first, a
// user deposit minting ETH to an address, and an EIP-1559 transfer. Its bloom names USDC's
// Transfer unless withoutUSDC.
func opStackBlock(full, withUSDC bool) map[string]any {
	var bloom types.Bloom
	if withUSDC {
		bloom.Add(common.HexToAddress(usdcOnBase).Bytes())
		bloom.Add(TransferTopic.Bytes())
	}
	bloomHex, _ := bloom.MarshalText()
	raw := fmt.Sprintf(`{
	"baseFeePerGas": "0xf4c2a", "blobGasUsed": "0x0", "difficulty": "0x0", "excessBlobGas": "0x0",
	"extraData": "0x00000000fa00000006", "gasLimit": "0x8f0d180", "gasUsed": "0x2a5f1c0",
	"hash": %[1]q, "logsBloom": %[2]q, "miner": "0x4200000000000000000000000000000000000011",
	"mixHash": "0x9d1b7ac4d1e1b2c3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b", "nonce": "0x0000000000000000",
	"number": "0x1a2b3c4", "parentBeaconBlockRoot": "0x3e1f0ab2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e",
	"parentHash": %[3]q, "receiptsRoot": "0x6fa2c0e0d96b8f3e5c1a4b7d2e9f0a3b6c8d1e4f7a0b3c6d9e2f5a8b1c4d7e0f",
	"requestsHash": "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347", "size": "0x1f4a3",
	"stateRoot": "0x0b2d7e0f3c1a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29180f7e6d5c4b3a21", "timestamp": "0x67e4c0a1",
	"transactionsRoot": "0x8a6f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5",
	"uncles": [], "withdrawals": [], "withdrawalsRoot": "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
	"transactions": [
	{"blockHash": %[1]q, "blockNumber": "0x1a2b3c4", "depositReceiptVersion": "0x1",
	 "from": "0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001", "gas": "0xf4240", "gasPrice": "0x0", "hash": %[4]q,
	 "input": "0x098999be000008dd00101c120000000000000004000000006780f5e7000000000145be4e", "mint": "0x0",
	 "nonce": "0x1a2b3c5", "r": "0x0", "s": "0x0",
	 "sourceHash": "0x3b5d1c9d0f7a2e6b8c4d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
	 "to": "0x4200000000000000000000000000000000000015", "transactionIndex": "0x0", "type": "0x7e",
	 "v": "0x0", "value": "0x0", "yParity": "0x0"},
	{"blockHash": %[1]q, "blockNumber": "0x1a2b3c4", "depositReceiptVersion": "0x1",
	 "from": "0x977f82a600a1414e583f7f13623f1ac5d58b1c0b", "gas": "0x186a0", "gasPrice": "0x0", "hash": %[5]q,
	 "input": "0x", "isSystemTx": false, "mint": "0x2386f26fc10000", "nonce": "0x0", "r": "0x0", "s": "0x0",
	 "sourceHash": "0x4c6e2dae1f8b3f7c9d5e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c",
	 "to": %[6]q, "transactionIndex": "0x1", "type": "0x7e", "v": "0x0", "value": "0x2386f26fc10000", "yParity": "0x0"},
	{"accessList": [], "blockHash": %[1]q, "blockNumber": "0x1a2b3c4", "chainId": "0x2105",
	 "from": %[7]q, "gas": "0x5208", "gasPrice": "0x10c8e0", "hash": %[8]q, "input": "0x",
	 "maxFeePerGas": "0x1e8480", "maxPriorityFeePerGas": "0xf4240", "nonce": "0x2f",
	 "r": "0x8f1a6b0c2d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708",
	 "s": "0x1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9012",
	 "to": %[6]q, "transactionIndex": "0x2", "type": "0x2", "v": "0x1", "value": "0x470de4df820000", "yParity": "0x1"}
	]}`, opBlockHash, string(bloomHex), opParentHash, depositTx, userDeposit, depositAddr, payerAddr, normalTx)
	var b map[string]any
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		panic(err)
	}
	if !full {
		var hashes []any
		for _, tx := range b["transactions"].([]any) {
			hashes = append(hashes, tx.(map[string]any)["hash"])
		}
		b["transactions"] = hashes
	}
	return b
}

// fakeRPC is a JSON-RPC node over HTTP answering what a test sets.
type fakeRPC struct {
	mu       sync.Mutex
	usdc     bool // the block's bloom names USDC's Transfer
	logs     func(filter map[string]any) (any, *rpcError)
	requests []string // "method params"
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (f *fakeRPC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params []any           `json:"params"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	params, _ := json.Marshal(req.Params)
	f.requests = append(f.requests, req.Method+" "+string(params))
	f.mu.Unlock()
	var result any
	var rerr *rpcError
	switch req.Method {
	case "eth_blockNumber":
		result = "0x1a2b3c4"
	case "eth_getBlockByNumber":
		if req.Params[0] == "0x1a2b3c4" {
			result = opStackBlock(req.Params[1] == true, f.usdc)
		}
	case "eth_getBalance":
		result = "0x470de4df820000"
	case "eth_getLogs":
		result, rerr = f.logs(req.Params[0].(map[string]any))
	default:
		rerr = &rpcError{Code: -32601, Message: "the method " + req.Method + " does not exist/is not available"}
	}
	out := map[string]any{"jsonrpc": "2.0", "id": req.ID}
	if rerr != nil {
		out["error"] = rerr
	} else {
		out["result"] = result
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func dialFake(t *testing.T, f *fakeRPC) *ethclient.Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := ethclient.DialContext(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestReaderReadsOPStackBlocks(t *testing.T) {
	ctx := context.Background()
	c := dialFake(t, &fakeRPC{usdc: true})
	if _, err := c.BlockByNumber(ctx, big.NewInt(opBlockNum)); err == nil {
		t.Fatal("go-ethereum decoded a deposit transaction: the lenient read may no longer be needed")
	}
	b, err := NewReader(c, baseChainID).Block(ctx, opBlockNum)
	if err != nil {
		t.Fatalf("read OP-stack block: %v", err)
	}
	if b.Number != opBlockNum || b.Hash != opBlockHash || b.ParentHash != opParentHash || !b.Time.Equal(time.Unix(0x67e4c0a1, 0)) {
		t.Fatalf("block ref %+v", b.BlockRef)
	}
	want := []chain.Transfer{
		{TxHash: userDeposit, LogIndex: chain.NativeLogIndex, BlockNumber: opBlockNum, BlockHash: opBlockHash,
			From: "0x977f82a600a1414e583f7f13623f1ac5d58b1c0b", To: depositAddr, Amount: big.NewInt(10_000_000_000_000_000)},
		{TxHash: normalTx, LogIndex: chain.NativeLogIndex, BlockNumber: opBlockNum, BlockHash: opBlockHash,
			From: payerAddr, To: depositAddr, Amount: big.NewInt(20_000_000_000_000_000)},
	}
	if len(b.Native) != len(want) {
		t.Fatalf("native transfers %+v, want %+v", b.Native, want)
	}
	for i := range want {
		g, w := b.Native[i], want[i]
		if g.TxHash != w.TxHash || g.From != w.From || g.To != w.To || g.Amount.Cmp(w.Amount) != 0 || g.BlockHash != w.BlockHash || g.LogIndex != w.LogIndex {
			t.Fatalf("transfer %d: %+v, want %+v", i, g, w)
		}
	}
	if !b.Logs.MayHaveTransfer(usdcOnBase) || b.Logs.MayHaveTransfer("0x0000000000000000000000000000000000000bad") {
		t.Fatal("the logs bloom does not answer for USDC alone")
	}
}

func TestReaderBlockNotFound(t *testing.T) {
	c := dialFake(t, &fakeRPC{})
	if _, err := NewReader(c, baseChainID).Block(context.Background(), opBlockNum+1); !errors.Is(err, chain.ErrBlockNotFound) {
		t.Fatalf("a block the node lacks: %v", err)
	}
}

func TestBalanceOnOPStackUsesTheHeader(t *testing.T) {
	c := dialFake(t, &fakeRPC{})
	bal, at, err := NewBalances(map[int64]Client{baseChainID: c}).NativeBalance(context.Background(), baseChainID, depositAddr, opBlockNum)
	if err != nil {
		t.Fatalf("balance on an OP-stack chain: %v", err)
	}
	if bal.Cmp(big.NewInt(20_000_000_000_000_000)) != 0 || !at.Equal(time.Unix(0x67e4c0a1, 0)) {
		t.Fatalf("balance %s at %s", bal, at)
	}
}

// transferLog is a USDC Transfer log into depositAddr in the OP block.
func transferLog(blockHash string) map[string]any {
	return map[string]any{"address": usdcOnBase, "blockHash": blockHash, "blockNumber": "0x1a2b3c4",
		"data": "0x00000000000000000000000000000000000000000000000000000000004c4b40", "logIndex": "0x3", "removed": false,
		"topics":          []string{TransferTopic.Hex(), "0x000000000000000000000000" + payerAddr[2:], "0x000000000000000000000000" + depositAddr[2:]},
		"transactionHash": normalTx, "transactionIndex": "0x2"}
}

func TestReaderRecognisesRefusedLogRanges(t *testing.T) {
	for _, refusal := range []rpcError{
		{-32005, "query returned more than 10000 results. Try with this block range [0x1A2B3C4, 0x1A2B3D0]."},
		{-32602, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"},
		{-32000, "block range too large"},
		{-32600, "eth_getLogs is limited to a 10,000 range"},
		{-32005, "limit exceeded"},
	} {
		t.Run(refusal.Message, func(t *testing.T) {
			c := dialFake(t, &fakeRPC{logs: func(map[string]any) (any, *rpcError) { return nil, &refusal }})
			_, err := NewReader(c, baseChainID).TokenTransfers(context.Background(), 1, 5000, []string{usdcOnBase})
			if !errors.Is(err, chain.ErrTooManyResults) {
				t.Fatalf("refusal not recognised: %v", err)
			}
		})
	}
	c := dialFake(t, &fakeRPC{logs: func(map[string]any) (any, *rpcError) { return nil, &rpcError{-32000, "internal error"} }})
	if _, err := NewReader(c, baseChainID).TokenTransfers(context.Background(), 1, 2, []string{usdcOnBase}); err == nil || errors.Is(err, chain.ErrTooManyResults) {
		t.Fatalf("an internal error taken for a refused range: %v", err)
	}
}

func TestReaderReadsTransferLogsOfARange(t *testing.T) {
	var asked map[string]any
	f := &fakeRPC{logs: func(q map[string]any) (any, *rpcError) {
		asked = q
		nft := transferLog(opBlockHash) // an ERC-721 Transfer: the id is a fourth topic, no data
		nft["topics"] = append(nft["topics"].([]string), "0x0000000000000000000000000000000000000000000000000000000000000007")
		nft["data"] = "0x"
		return []any{transferLog(opBlockHash), nft}, nil
	}}
	logs, err := NewReader(dialFake(t, f), baseChainID).TokenTransfers(context.Background(), opBlockNum-1, opBlockNum, []string{usdcOnBase})
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 1 || logs[0].To != depositAddr || logs[0].From != payerAddr || logs[0].Amount.Int64() != 5_000_000 ||
		logs[0].LogIndex != 3 || logs[0].Contract != usdcOnBase || logs[0].TxHash != normalTx {
		t.Fatalf("logs %+v", logs)
	}
	if asked["fromBlock"] != "0x1a2b3c3" || asked["toBlock"] != "0x1a2b3c4" {
		t.Fatalf("query %v", asked)
	}
}

func TestReaderReadsLogsByBlockHash(t *testing.T) {
	var asked map[string]any
	f := &fakeRPC{logs: func(q map[string]any) (any, *rpcError) {
		asked = q
		if q["blockHash"] != opBlockHash {
			return nil, &rpcError{-32000, "unknown block"}
		}
		return []any{transferLog(opBlockHash)}, nil
	}}
	r := NewReader(dialFake(t, f), baseChainID)
	logs, err := r.BlockTokenTransfers(context.Background(), chain.BlockRef{Number: opBlockNum, Hash: opBlockHash}, []string{usdcOnBase})
	if err != nil || len(logs) != 1 || logs[0].BlockHash != opBlockHash {
		t.Fatalf("logs %+v, err %v", logs, err)
	}
	if _, ranged := asked["fromBlock"]; ranged {
		t.Fatalf("the query named a range, not the hash: %v", asked)
	}
	_, err = r.BlockTokenTransfers(context.Background(), chain.BlockRef{Number: opBlockNum + 1, Hash: opParentHash}, []string{usdcOnBase})
	if !errors.Is(err, chain.ErrBlockNotFound) {
		t.Fatalf("a node without the block: %v", err)
	}
}
