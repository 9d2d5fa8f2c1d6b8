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
	ABI: "[{\"inputs\":[],\"name\":\"FailedCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotAClone\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"NativeFlushed\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"destination\",\"outputs\":[{\"internalType\":\"addresspayable\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"flush\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"flushToken\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	Bin: "0x60a0604052306080523480156012575f5ffd5b5060805161049061002b5f395f61019001526104905ff3fe608060405260043610610036575f3560e01c80636b9f96ea146100415780639cee789f14610057578063b269681d14610076575f5ffd5b3661003d57005b5f5ffd5b34801561004c575f5ffd5b506100556100a6565b005b348015610062575f5ffd5b5061005561007136600461038a565b6100f5565b348015610081575f5ffd5b5061008a610185565b6040516001600160a01b03909116815260200160405180910390f35b4780156100f2576100be6100b8610185565b826101e9565b6040518181527f3cd0523e0d411de0c4111f5d158aa332ab47187a3974bf6c6ddff5040590e44f9060200160405180910390a15b50565b6040516370a0823160e01b81523060048201525f906001600160a01b038316906370a0823190602401602060405180830381865afa158015610139573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061015d91906103b7565b9050801561018157610181610170610185565b6001600160a01b0384169083610261565b5050565b5f6001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001630036101cf57604051630f3a453960e21b815260040160405180910390fd5b6101d83061029b565b6101e1906103ce565b60601c905090565b804710156102185760405163cf47918160e01b8152476004820152602481018290526044015b60405180910390fd5b610231828260405180602001604052805f815250610308565b1561023a575050565b3d156102485761018161031d565b60405163d6bda27560e01b815260040160405180910390fd5b61026e8383836001610328565b61029657604051635274afe760e01b81526001600160a01b038416600482015260240161020f565b505050565b60605f6102b3602d6001600160a01b0385163b610421565b67ffffffffffffffff8111156102cb576102cb610446565b6040519080825280601f01601f1916602001820160405280156102f5576020820181803683370190505b5090508051602d60208301853c92915050565b5f5f5f83516020850186885af1949350505050565b6040513d5f823e3d81fd5b60405163a9059cbb60e01b5f8181526001600160a01b038616600452602485905291602083604481808b5af1925060015f5114831661037e578383151615610372573d5f823e3d81fd5b5f873b113d1516831692505b60405250949350505050565b5f6020828403121561039a575f5ffd5b81356001600160a01b03811681146103b0575f5ffd5b9392505050565b5f602082840312156103c7575f5ffd5b5051919050565b805160208201516bffffffffffffffffffffffff1981169190601482101561041a576bffffffffffffffffffffffff196bffffffffffffffffffffffff198360140360031b1b82161692505b5050919050565b8181038181111561044057634e487b7160e01b5f52601160045260245ffd5b92915050565b634e487b7160e01b5f52604160045260245ffdfea264697066735822122047a8eece084907a997e801219f6d01fdf7fe1fff80497abd1ad27d509759a42b64736f6c63430008250033",
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

// DepositForwarderNativeFlushedIterator is returned from FilterNativeFlushed and is used to iterate over the raw logs and unpacked data for NativeFlushed events raised by the DepositForwarder contract.
type DepositForwarderNativeFlushedIterator struct {
	Event *DepositForwarderNativeFlushed // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *DepositForwarderNativeFlushedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(DepositForwarderNativeFlushed)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(DepositForwarderNativeFlushed)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *DepositForwarderNativeFlushedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *DepositForwarderNativeFlushedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// DepositForwarderNativeFlushed represents a NativeFlushed event raised by the DepositForwarder contract.
type DepositForwarderNativeFlushed struct {
	Amount *big.Int
	Raw    types.Log // Blockchain specific contextual infos
}

// FilterNativeFlushed is a free log retrieval operation binding the contract event 0x3cd0523e0d411de0c4111f5d158aa332ab47187a3974bf6c6ddff5040590e44f.
//
// Solidity: event NativeFlushed(uint256 amount)
func (_DepositForwarder *DepositForwarderFilterer) FilterNativeFlushed(opts *bind.FilterOpts) (*DepositForwarderNativeFlushedIterator, error) {

	logs, sub, err := _DepositForwarder.contract.FilterLogs(opts, "NativeFlushed")
	if err != nil {
		return nil, err
	}
	return &DepositForwarderNativeFlushedIterator{contract: _DepositForwarder.contract, event: "NativeFlushed", logs: logs, sub: sub}, nil
}

// WatchNativeFlushed is a free log subscription operation binding the contract event 0x3cd0523e0d411de0c4111f5d158aa332ab47187a3974bf6c6ddff5040590e44f.
//
// Solidity: event NativeFlushed(uint256 amount)
func (_DepositForwarder *DepositForwarderFilterer) WatchNativeFlushed(opts *bind.WatchOpts, sink chan<- *DepositForwarderNativeFlushed) (event.Subscription, error) {

	logs, sub, err := _DepositForwarder.contract.WatchLogs(opts, "NativeFlushed")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(DepositForwarderNativeFlushed)
				if err := _DepositForwarder.contract.UnpackLog(event, "NativeFlushed", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseNativeFlushed is a log parse operation binding the contract event 0x3cd0523e0d411de0c4111f5d158aa332ab47187a3974bf6c6ddff5040590e44f.
//
// Solidity: event NativeFlushed(uint256 amount)
func (_DepositForwarder *DepositForwarderFilterer) ParseNativeFlushed(log types.Log) (*DepositForwarderNativeFlushed, error) {
	event := new(DepositForwarderNativeFlushed)
	if err := _DepositForwarder.contract.UnpackLog(event, "NativeFlushed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
