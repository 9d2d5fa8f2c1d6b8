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

// InternalPayerMetaData contains all meta data concerning the InternalPayer contract.
var InternalPayerMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"addresspayable\",\"name\":\"to\",\"type\":\"address\"}],\"name\":\"pay\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"}]",
	Bin: "0x6080604052348015600e575f5ffd5b506101228061001c5f395ff3fe608060405260043610601b575f3560e01c80630c11dedd14601f575b5f5ffd5b602e602a36600460c1565b6030565b005b5f816001600160a01b0316346040515f6040518083038185875af1925050503d805f81146077576040519150601f19603f3d011682016040523d82523d5f602084013e607c565b606091505b505090508060bd5760405162461bcd60e51b815260206004820152600a6024820152691c185e4819985a5b195960b21b604482015260640160405180910390fd5b5050565b5f6020828403121560d0575f5ffd5b81356001600160a01b038116811460e5575f5ffd5b939250505056fea26469706673582212200c55f70d55e033f6383e48a291cbf13906b6efa23b23796adf8696c6c55e0bf564736f6c63430008250033",
}

// InternalPayerABI is the input ABI used to generate the binding from.
// Deprecated: Use InternalPayerMetaData.ABI instead.
var InternalPayerABI = InternalPayerMetaData.ABI

// InternalPayerBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use InternalPayerMetaData.Bin instead.
var InternalPayerBin = InternalPayerMetaData.Bin

// DeployInternalPayer deploys a new Ethereum contract, binding an instance of InternalPayer to it.
func DeployInternalPayer(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *InternalPayer, error) {
	parsed, err := InternalPayerMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(InternalPayerBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &InternalPayer{InternalPayerCaller: InternalPayerCaller{contract: contract}, InternalPayerTransactor: InternalPayerTransactor{contract: contract}, InternalPayerFilterer: InternalPayerFilterer{contract: contract}}, nil
}

// InternalPayer is an auto generated Go binding around an Ethereum contract.
type InternalPayer struct {
	InternalPayerCaller     // Read-only binding to the contract
	InternalPayerTransactor // Write-only binding to the contract
	InternalPayerFilterer   // Log filterer for contract events
}

// InternalPayerCaller is an auto generated read-only Go binding around an Ethereum contract.
type InternalPayerCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// InternalPayerTransactor is an auto generated write-only Go binding around an Ethereum contract.
type InternalPayerTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// InternalPayerFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type InternalPayerFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// InternalPayerSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type InternalPayerSession struct {
	Contract     *InternalPayer    // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// InternalPayerCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type InternalPayerCallerSession struct {
	Contract *InternalPayerCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts        // Call options to use throughout this session
}

// InternalPayerTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type InternalPayerTransactorSession struct {
	Contract     *InternalPayerTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts        // Transaction auth options to use throughout this session
}

// InternalPayerRaw is an auto generated low-level Go binding around an Ethereum contract.
type InternalPayerRaw struct {
	Contract *InternalPayer // Generic contract binding to access the raw methods on
}

// InternalPayerCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type InternalPayerCallerRaw struct {
	Contract *InternalPayerCaller // Generic read-only contract binding to access the raw methods on
}

// InternalPayerTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type InternalPayerTransactorRaw struct {
	Contract *InternalPayerTransactor // Generic write-only contract binding to access the raw methods on
}

// NewInternalPayer creates a new instance of InternalPayer, bound to a specific deployed contract.
func NewInternalPayer(address common.Address, backend bind.ContractBackend) (*InternalPayer, error) {
	contract, err := bindInternalPayer(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &InternalPayer{InternalPayerCaller: InternalPayerCaller{contract: contract}, InternalPayerTransactor: InternalPayerTransactor{contract: contract}, InternalPayerFilterer: InternalPayerFilterer{contract: contract}}, nil
}

// NewInternalPayerCaller creates a new read-only instance of InternalPayer, bound to a specific deployed contract.
func NewInternalPayerCaller(address common.Address, caller bind.ContractCaller) (*InternalPayerCaller, error) {
	contract, err := bindInternalPayer(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &InternalPayerCaller{contract: contract}, nil
}

// NewInternalPayerTransactor creates a new write-only instance of InternalPayer, bound to a specific deployed contract.
func NewInternalPayerTransactor(address common.Address, transactor bind.ContractTransactor) (*InternalPayerTransactor, error) {
	contract, err := bindInternalPayer(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &InternalPayerTransactor{contract: contract}, nil
}

// NewInternalPayerFilterer creates a new log filterer instance of InternalPayer, bound to a specific deployed contract.
func NewInternalPayerFilterer(address common.Address, filterer bind.ContractFilterer) (*InternalPayerFilterer, error) {
	contract, err := bindInternalPayer(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &InternalPayerFilterer{contract: contract}, nil
}

// bindInternalPayer binds a generic wrapper to an already deployed contract.
func bindInternalPayer(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := InternalPayerMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_InternalPayer *InternalPayerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _InternalPayer.Contract.InternalPayerCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_InternalPayer *InternalPayerRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _InternalPayer.Contract.InternalPayerTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_InternalPayer *InternalPayerRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _InternalPayer.Contract.InternalPayerTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_InternalPayer *InternalPayerCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _InternalPayer.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_InternalPayer *InternalPayerTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _InternalPayer.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_InternalPayer *InternalPayerTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _InternalPayer.Contract.contract.Transact(opts, method, params...)
}

// Pay is a paid mutator transaction binding the contract method 0x0c11dedd.
//
// Solidity: function pay(address to) payable returns()
func (_InternalPayer *InternalPayerTransactor) Pay(opts *bind.TransactOpts, to common.Address) (*types.Transaction, error) {
	return _InternalPayer.contract.Transact(opts, "pay", to)
}

// Pay is a paid mutator transaction binding the contract method 0x0c11dedd.
//
// Solidity: function pay(address to) payable returns()
func (_InternalPayer *InternalPayerSession) Pay(to common.Address) (*types.Transaction, error) {
	return _InternalPayer.Contract.Pay(&_InternalPayer.TransactOpts, to)
}

// Pay is a paid mutator transaction binding the contract method 0x0c11dedd.
//
// Solidity: function pay(address to) payable returns()
func (_InternalPayer *InternalPayerTransactorSession) Pay(to common.Address) (*types.Transaction, error) {
	return _InternalPayer.Contract.Pay(&_InternalPayer.TransactOpts, to)
}
