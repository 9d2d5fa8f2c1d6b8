// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = errors.New
	_ = big.NewInt
	_ = strings.NewReader
	_ = ethereum.NotFound
	_ = bind.Bind
	_ = common.Big1
	_ = types.BloomLookup
	_ = event.NewSubscription
	_ = abi.ConvertType
	_ = time.Tick
	_ = context.Background
)

// DepositForwarderMetaData contains all meta data concerning the DepositForwarder contract.
var DepositForwarderMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"name\":\"FailedCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotAClone\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"destination\",\"outputs\":[{\"internalType\":\"addresspayable\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"flush\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"flushToken\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	Bin: "0x60a0604052306080523480156012575f5ffd5b5060805161045c61002b5f395f61015c015261045c5ff3fe608060405260043610610036575f3560e01c80636b9f96ea146100415780639cee789f14610057578063b269681d14610076575f5ffd5b3661003d57005b5f5ffd5b34801561004c575f5ffd5b506100556100a6565b005b348015610062575f5ffd5b50610055610071366004610356565b6100c1565b348015610081575f5ffd5b5061008a610151565b6040516001600160a01b03909116815260200160405180910390f35b4780156100be576100be6100b8610151565b826101b5565b50565b6040516370a0823160e01b81523060048201525f906001600160a01b038316906370a0823190602401602060405180830381865afa158015610105573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906101299190610383565b9050801561014d5761014d61013c610151565b6001600160a01b038416908361022d565b5050565b5f6001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016300361019b57604051630f3a453960e21b815260040160405180910390fd5b6101a430610267565b6101ad9061039a565b60601c905090565b804710156101e45760405163cf47918160e01b8152476004820152602481018290526044015b60405180910390fd5b6101fd828260405180602001604052805f8152506102d4565b15610206575050565b3d156102145761014d6102e9565b60405163d6bda27560e01b815260040160405180910390fd5b61023a83838360016102f4565b61026257604051635274afe760e01b81526001600160a01b03841660048201526024016101db565b505050565b60605f61027f602d6001600160a01b0385163b6103ed565b67ffffffffffffffff81111561029757610297610412565b6040519080825280601f01601f1916602001820160405280156102c1576020820181803683370190505b5090508051602d60208301853c92915050565b5f5f5f83516020850186885af1949350505050565b6040513d5f823e3d81fd5b60405163a9059cbb60e01b5f8181526001600160a01b038616600452602485905291602083604481808b5af1925060015f5114831661034a57838315161561033e573d5f823e3d81fd5b5f873b113d1516831692505b60405250949350505050565b5f60208284031215610366575f5ffd5b81356001600160a01b038116811461037c575f5ffd5b9392505050565b5f60208284031215610393575f5ffd5b5051919050565b805160208201516bffffffffffffffffffffffff198116919060148210156103e6576bffffffffffffffffffffffff196bffffffffffffffffffffffff198360140360031b1b82161692505b5050919050565b8181038181111561040c57634e487b7160e01b5f52601160045260245ffd5b92915050565b634e487b7160e01b5f52604160045260245ffdfea26469706673582212209b00d9aa7f7c22f703a8b6a94af1e153db0031123843dd30b62c9ef1638185cb64736f6c63430008250033",
}

// DepositForwarderABI is the input ABI used to generate the binding from.
// Deprecated: Use DepositForwarderMetaData.ABI instead.
var DepositForwarderABI = DepositForwarderMetaData.ABI

// DepositForwarderBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use DepositForwarderMetaData.Bin instead.
var DepositForwarderBin = DepositForwarderMetaData.Bin

// DeployDepositForwarder deploys a new Ethereum contract, binding an instance of DepositForwarder to it.
func DeployDepositForwarder(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *DepositForwarder, error) {
	parsed, err := DepositForwarderMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(DepositForwarderBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &DepositForwarder{DepositForwarderCaller: DepositForwarderCaller{contract: contract}, DepositForwarderTransactor: DepositForwarderTransactor{contract: contract}, DepositForwarderFilterer: DepositForwarderFilterer{contract: contract}}, nil
}

// DepositForwarder is an auto generated Go binding around an Ethereum contract.
type DepositForwarder struct {
	DepositForwarderCaller     // Read-only binding to the contract
	DepositForwarderTransactor // Write-only binding to the contract
	DepositForwarderFilterer   // Log filterer for contract events
}

// DepositForwarderCaller is an auto generated read-only Go binding around an Ethereum contract.
type DepositForwarderCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// DepositForwarderTransactor is an auto generated write-only Go binding around an Ethereum contract.
type DepositForwarderTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// DepositForwarderFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type DepositForwarderFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// DepositForwarderSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type DepositForwarderSession struct {
	Contract     *DepositForwarder // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// DepositForwarderCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type DepositForwarderCallerSession struct {
	Contract *DepositForwarderCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts           // Call options to use throughout this session
}

// DepositForwarderTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type DepositForwarderTransactorSession struct {
	Contract     *DepositForwarderTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts           // Transaction auth options to use throughout this session
}

// DepositForwarderRaw is an auto generated low-level Go binding around an Ethereum contract.
type DepositForwarderRaw struct {
	Contract *DepositForwarder // Generic contract binding to access the raw methods on
}

// DepositForwarderCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type DepositForwarderCallerRaw struct {
	Contract *DepositForwarderCaller // Generic read-only contract binding to access the raw methods on
}

// DepositForwarderTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type DepositForwarderTransactorRaw struct {
	Contract *DepositForwarderTransactor // Generic write-only contract binding to access the raw methods on
}

// NewDepositForwarder creates a new instance of DepositForwarder, bound to a specific deployed contract.
func NewDepositForwarder(address common.Address, backend bind.ContractBackend) (*DepositForwarder, error) {
	contract, err := bindDepositForwarder(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &DepositForwarder{DepositForwarderCaller: DepositForwarderCaller{contract: contract}, DepositForwarderTransactor: DepositForwarderTransactor{contract: contract}, DepositForwarderFilterer: DepositForwarderFilterer{contract: contract}}, nil
}

// NewDepositForwarderCaller creates a new read-only instance of DepositForwarder, bound to a specific deployed contract.
func NewDepositForwarderCaller(address common.Address, caller bind.ContractCaller) (*DepositForwarderCaller, error) {
	contract, err := bindDepositForwarder(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &DepositForwarderCaller{contract: contract}, nil
}

// NewDepositForwarderTransactor creates a new write-only instance of DepositForwarder, bound to a specific deployed contract.
func NewDepositForwarderTransactor(address common.Address, transactor bind.ContractTransactor) (*DepositForwarderTransactor, error) {
	contract, err := bindDepositForwarder(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &DepositForwarderTransactor{contract: contract}, nil
}

// NewDepositForwarderFilterer creates a new log filterer instance of DepositForwarder, bound to a specific deployed contract.
func NewDepositForwarderFilterer(address common.Address, filterer bind.ContractFilterer) (*DepositForwarderFilterer, error) {
	contract, err := bindDepositForwarder(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &DepositForwarderFilterer{contract: contract}, nil
}

// bindDepositForwarder binds a generic wrapper to an already deployed contract.
func bindDepositForwarder(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := DepositForwarderMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_DepositForwarder *DepositForwarderRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _DepositForwarder.Contract.DepositForwarderCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_DepositForwarder *DepositForwarderRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _DepositForwarder.Contract.DepositForwarderTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_DepositForwarder *DepositForwarderRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _DepositForwarder.Contract.DepositForwarderTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_DepositForwarder *DepositForwarderCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _DepositForwarder.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_DepositForwarder *DepositForwarderTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _DepositForwarder.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_DepositForwarder *DepositForwarderTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _DepositForwarder.Contract.contract.Transact(opts, method, params...)
}

// Destination is a free data retrieval call binding the contract method 0xb269681d.
//
// Solidity: function destination() view returns(address)
func (_DepositForwarder *DepositForwarderCaller) Destination(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _DepositForwarder.contract.Call(opts, &out, "destination")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Destination is a free data retrieval call binding the contract method 0xb269681d.
//
// Solidity: function destination() view returns(address)
func (_DepositForwarder *DepositForwarderSession) Destination() (common.Address, error) {
	return _DepositForwarder.Contract.Destination(&_DepositForwarder.CallOpts)
}

// Destination is a free data retrieval call binding the contract method 0xb269681d.
//
// Solidity: function destination() view returns(address)
func (_DepositForwarder *DepositForwarderCallerSession) Destination() (common.Address, error) {
	return _DepositForwarder.Contract.Destination(&_DepositForwarder.CallOpts)
}

// Flush is a paid mutator transaction binding the contract method 0x6b9f96ea.
//
// Solidity: function flush() returns()
func (_DepositForwarder *DepositForwarderTransactor) Flush(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _DepositForwarder.contract.Transact(opts, "flush")
}

// Flush is a paid mutator transaction binding the contract method 0x6b9f96ea.
//
// Solidity: function flush() returns()
func (_DepositForwarder *DepositForwarderSession) Flush() (*types.Transaction, error) {
	return _DepositForwarder.Contract.Flush(&_DepositForwarder.TransactOpts)
}

// Flush is a paid mutator transaction binding the contract method 0x6b9f96ea.
//
// Solidity: function flush() returns()
func (_DepositForwarder *DepositForwarderTransactorSession) Flush() (*types.Transaction, error) {
	return _DepositForwarder.Contract.Flush(&_DepositForwarder.TransactOpts)
}

// FlushToken is a paid mutator transaction binding the contract method 0x9cee789f.
//
// Solidity: function flushToken(address token) returns()
func (_DepositForwarder *DepositForwarderTransactor) FlushToken(opts *bind.TransactOpts, token common.Address) (*types.Transaction, error) {
	return _DepositForwarder.contract.Transact(opts, "flushToken", token)
}

// FlushToken is a paid mutator transaction binding the contract method 0x9cee789f.
//
// Solidity: function flushToken(address token) returns()
func (_DepositForwarder *DepositForwarderSession) FlushToken(token common.Address) (*types.Transaction, error) {
	return _DepositForwarder.Contract.FlushToken(&_DepositForwarder.TransactOpts, token)
}

// FlushToken is a paid mutator transaction binding the contract method 0x9cee789f.
//
// Solidity: function flushToken(address token) returns()
func (_DepositForwarder *DepositForwarderTransactorSession) FlushToken(token common.Address) (*types.Transaction, error) {
	return _DepositForwarder.Contract.FlushToken(&_DepositForwarder.TransactOpts, token)
}

// Receive is a paid mutator transaction binding the contract receive function.
//
// Solidity: receive() payable returns()
func (_DepositForwarder *DepositForwarderTransactor) Receive(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _DepositForwarder.contract.RawTransact(opts, nil) // calldata is disallowed for receive function
}

// Receive is a paid mutator transaction binding the contract receive function.
//
// Solidity: receive() payable returns()
func (_DepositForwarder *DepositForwarderSession) Receive() (*types.Transaction, error) {
	return _DepositForwarder.Contract.Receive(&_DepositForwarder.TransactOpts)
}

// Receive is a paid mutator transaction binding the contract receive function.
//
// Solidity: receive() payable returns()
func (_DepositForwarder *DepositForwarderTransactorSession) Receive() (*types.Transaction, error) {
	return _DepositForwarder.Contract.Receive(&_DepositForwarder.TransactOpts)
}
