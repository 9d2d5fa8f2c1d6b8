package ethereum_test

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/settlement"
)

// forwarderChain is a simulated chain with a ForwarderFactory, both kinds of ERC-20 and
// three funded accounts: the deployer, a stranger (anyone at all) and a payer.
type forwarderChain struct {
	t                         *testing.T
	backend                   *simulated.Backend
	client                    simulated.Client
	factoryAt                 common.Address
	factory                   *contracts.ForwarderFactory
	tokenAt, usdtAt           common.Address
	token                     *contracts.TestToken
	usdt                      *contracts.NoReturnToken
	deployer, stranger, payer *ecdsa.PrivateKey
}

func newForwarderChain(t *testing.T) *forwarderChain {
	t.Helper()
	c := &forwarderChain{t: t}
	c.deployer, c.stranger, c.payer = mustKey(t), mustKey(t), mustKey(t)
	eth := new(big.Int).Exp(big.NewInt(10), big.NewInt(21), nil)
	alloc := types.GenesisAlloc{}
	for _, k := range []*ecdsa.PrivateKey{c.deployer, c.stranger, c.payer} {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: eth}
	}
	c.backend = simulated.NewBackend(alloc)
	t.Cleanup(func() { _ = c.backend.Close() })
	c.client = c.backend.Client()
	// A block after each deployment: the pool adds a transaction in the background, so a
	// PendingNonceAt right after a send may not count it yet and hand out its nonce again.
	var err error
	if c.factoryAt, _, c.factory, err = contracts.DeployForwarderFactory(c.auth(c.deployer), c.client); err != nil {
		t.Fatal(err)
	}
	c.backend.Commit()
	if c.tokenAt, _, c.token, err = contracts.DeployTestToken(c.auth(c.deployer), c.client, "Test USD", "tUSD", 6, big.NewInt(0)); err != nil {
		t.Fatal(err)
	}
	c.backend.Commit()
	if c.usdtAt, _, c.usdt, err = contracts.DeployNoReturnToken(c.auth(c.deployer), c.client, "Tether-like", "tUSDT", 6); err != nil {
		t.Fatal(err)
	}
	c.backend.Commit()
	return c
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (c *forwarderChain) auth(k *ecdsa.PrivateKey) *bind.TransactOpts {
	a, err := bind.NewKeyedTransactorWithChainID(k, big.NewInt(1337))
	if err != nil {
		c.t.Fatal(err)
	}
	return a
}

// mined commits the block holding tx and fails the test unless tx succeeded.
func (c *forwarderChain) mined(tx *types.Transaction, err error) *types.Receipt {
	c.t.Helper()
	if err != nil {
		c.t.Fatal(err)
	}
	c.backend.Commit()
	r, err := c.client.TransactionReceipt(context.Background(), tx.Hash())
	if err != nil || r.Status != types.ReceiptStatusSuccessful {
		c.t.Fatalf("transaction %s failed: %v %+v", tx.Hash(), err, r)
	}
	return r
}

// sendETH pays value wei from k to to, with gas enough for a forwarder's receive.
func (c *forwarderChain) sendETH(k *ecdsa.PrivateKey, to common.Address, value *big.Int) {
	c.t.Helper()
	ctx := context.Background()
	from := crypto.PubkeyToAddress(k.PublicKey)
	nonce, _ := c.client.PendingNonceAt(ctx, from)
	tip, _ := c.client.SuggestGasTipCap(ctx)
	head, _ := c.client.HeaderByNumber(ctx, nil)
	fee := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	tx, err := types.SignNewTx(k, types.LatestSignerForChainID(big.NewInt(1337)), &types.DynamicFeeTx{
		ChainID: big.NewInt(1337), Nonce: nonce, GasTipCap: tip, GasFeeCap: fee, Gas: 60_000, To: &to, Value: value})
	if err != nil {
		c.t.Fatal(err)
	}
	c.mined(tx, c.client.SendTransaction(ctx, tx))
}

func (c *forwarderChain) ethOf(a common.Address) *big.Int {
	b, err := c.client.BalanceAt(context.Background(), a, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return b
}

func (c *forwarderChain) tokensOf(a common.Address) (tusd, usdt *big.Int) {
	var err error
	if tusd, err = c.token.BalanceOf(nil, a); err != nil {
		c.t.Fatal(err)
	}
	if usdt, err = c.usdt.BalanceOf(nil, a); err != nil {
		c.t.Fatal(err)
	}
	return tusd, usdt
}

func addr(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// The address computed off chain is the factory's, for the factory's own implementation.
func TestForwarderAddressComputedOffChain(t *testing.T) {
	c := newForwarderChain(t)
	impl, err := c.factory.Implementation(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := common.Address(settlement.Implementation(settlement.Address(c.factoryAt))); got != impl {
		t.Fatalf("implementation: off chain %s, factory %s", got, impl)
	}
	for _, tc := range []struct{ destination, session string }{
		{"0x1111111111111111111111111111111111111111", "cs_test_a"},
		{"0x1111111111111111111111111111111111111111", "cs_test_b"},
		{"0xfedcba9876543210fedcba9876543210fedcba98", "cs_test_a"},
	} {
		dest, _ := settlement.ParseAddress(tc.destination)
		nonce := settlement.SessionNonce(tc.session)
		onChain, err := c.factory.AddressOf(nil, common.Address(dest), nonce)
		if err != nil {
			t.Fatal(err)
		}
		if got := settlement.ForwarderAddress(settlement.Address(c.factoryAt), dest, nonce); common.Address(got) != onChain {
			t.Errorf("%s/%s: off chain %s, factory %s", tc.destination, tc.session, got, onChain)
		}
		salt, _ := c.factory.SaltOf(nil, common.Address(dest), nonce)
		if salt != settlement.Salt(dest, nonce) {
			t.Errorf("%s/%s: salt differs", tc.destination, tc.session)
		}
	}
}

// Funds paid before any contract exists, in native coin, a returning ERC-20 and a USDT-like
// one, and coin paid after deployment, all reach the destination through anyone's sweep or
// flush; a deploy for another destination cannot take the address.
func TestForwarderPaysOnlyItsDestination(t *testing.T) {
	ctx := context.Background()
	c := newForwarderChain(t)
	merchant := common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	nonce := settlement.SessionNonce("cs_test_forwarder")
	deposit := common.Address(settlement.ForwarderAddress(settlement.Address(c.factoryAt), settlement.Address(merchant), nonce))

	// Paid while the address holds no code.
	c.mined(c.token.Mint(c.auth(c.payer), deposit, big.NewInt(1_500_000)))
	c.mined(c.usdt.Mint(c.auth(c.payer), deposit, big.NewInt(2_500_000)))
	c.sendETH(c.payer, deposit, big.NewInt(3e15))
	if code, _ := c.client.CodeAt(ctx, deposit, nil); len(code) != 0 {
		t.Fatal("the address has code before any deployment")
	}

	// A stranger deploys the same nonce for itself: that lands elsewhere and moves nothing.
	c.mined(c.factory.Deploy(c.auth(c.stranger), addr(c.stranger), nonce))
	if code, _ := c.client.CodeAt(ctx, deposit, nil); len(code) != 0 {
		t.Fatal("a deploy with another destination took the address")
	}

	// Anyone sweeps: the stranger pays the gas, the merchant gets everything.
	strangerBefore := c.ethOf(addr(c.stranger))
	batch := ethereum.SweepBatch([]settlement.Sweep{{Destination: settlement.Address(merchant), Nonce: nonce,
		Tokens: []settlement.Address{settlement.Address(c.tokenAt), settlement.Address(c.usdtAt)}}})
	c.mined(c.factory.Sweep(c.auth(c.stranger), batch))
	if tusd, usdt := c.tokensOf(merchant); tusd.Int64() != 1_500_000 || usdt.Int64() != 2_500_000 {
		t.Fatalf("merchant holds %s tUSD and %s tUSDT", tusd, usdt)
	}
	if got := c.ethOf(merchant); got.Cmp(big.NewInt(3e15)) != 0 {
		t.Fatalf("merchant holds %s wei", got)
	}
	if c.ethOf(addr(c.stranger)).Cmp(strangerBefore) >= 0 {
		t.Fatal("the sweeper gained or paid no gas?")
	}
	if tusd, usdt := c.tokensOf(addr(c.stranger)); tusd.Sign() != 0 || usdt.Sign() != 0 {
		t.Fatal("the sweeper received tokens")
	}
	fwd, err := contracts.NewDepositForwarder(deposit, c.client)
	if err != nil {
		t.Fatal(err)
	}
	if dest, _ := fwd.Destination(nil); dest != merchant {
		t.Fatalf("deployed forwarder pays %s", dest)
	}

	// After deployment: coin and tokens arrive again; a stranger's direct flush pays the merchant.
	c.sendETH(c.payer, deposit, big.NewInt(1e15))
	c.mined(c.usdt.Mint(c.auth(c.payer), deposit, big.NewInt(700)))
	c.mined(fwd.Flush(c.auth(c.stranger)))
	c.mined(fwd.FlushToken(c.auth(c.stranger), c.usdtAt))
	if got := c.ethOf(merchant); got.Cmp(big.NewInt(4e15)) != 0 {
		t.Fatalf("merchant holds %s wei after the second flush", got)
	}
	if _, usdt := c.tokensOf(merchant); usdt.Int64() != 2_500_700 {
		t.Fatalf("merchant holds %s tUSDT after the second flush", usdt)
	}
	// A sweep of an empty, deployed forwarder is harmless (a reorged sweep is simply repeated).
	c.mined(c.factory.Sweep(c.auth(c.stranger), batch))
	if got := c.ethOf(deposit); got.Sign() != 0 {
		t.Fatalf("forwarder still holds %s wei", got)
	}
}

// The implementation contract has no destination: a flush of it pays nobody.
func TestForwarderImplementationHasNoDestination(t *testing.T) {
	c := newForwarderChain(t)
	impl, _ := c.factory.Implementation(nil)
	fwd, err := contracts.NewDepositForwarder(impl, c.client)
	if err != nil {
		t.Fatal(err)
	}
	if dest, err := fwd.Destination(nil); err == nil {
		t.Fatalf("the implementation names destination %s", dest)
	}
	c.mined(c.token.Mint(c.auth(c.payer), impl, big.NewInt(5)))
	if _, err := fwd.FlushToken(c.auth(c.stranger), c.tokenAt); err == nil {
		t.Fatal("a flush of the implementation went through")
	}
}
