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

// ForwarderFactorySweep is an auto generated low-level Go binding around an user-defined struct.
type ForwarderFactorySweep struct {
	Destination common.Address
	Nonce       [32]byte
	Tokens      []common.Address
}

// ForwarderFactoryMetaData contains all meta data concerning the ForwarderFactory contract.
var ForwarderFactoryMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"CloneArgumentsTooLong\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"Create2EmptyBytecode\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"FailedDeployment\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"destination\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"nonce\",\"type\":\"bytes32\"}],\"name\":\"addressOf\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"addresspayable\",\"name\":\"destination\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"nonce\",\"type\":\"bytes32\"}],\"name\":\"deploy\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"forwarder\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"implementation\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"destination\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"nonce\",\"type\":\"bytes32\"}],\"name\":\"saltOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"addresspayable\",\"name\":\"destination\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"nonce\",\"type\":\"bytes32\"},{\"internalType\":\"contractIERC20[]\",\"name\":\"tokens\",\"type\":\"address[]\"}],\"internalType\":\"structForwarderFactory.Sweep[]\",\"name\":\"sweeps\",\"type\":\"tuple[]\"}],\"name\":\"sweep\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x60a0604052348015600e575f5ffd5b506040516019906042565b604051809103905ff0801580156031573d5f5f3e3d5ffd5b506001600160a01b0316608052604f565b6104bb806107fe83390190565b60805161078a6100745f395f8181608e015281816101340152610390015261078a5ff3fe608060405234801561000f575f5ffd5b5060043610610055575f3560e01c806332c02a14146100595780635c60da1b1461008957806366e7d741146100b057806394c1c2e2146100c5578063e99718d8146100e6575b5f5ffd5b61006c610067366004610580565b6100f9565b6040516001600160a01b0390911681526020015b60405180910390f35b61006c7f000000000000000000000000000000000000000000000000000000000000000081565b6100c36100be3660046105aa565b61017d565b005b6100d86100d3366004610580565b610335565b604051908152602001610080565b61006c6100f4366004610580565b610371565b5f6101048383610371565b9050806001600160a01b03163b5f03610177576040516001600160601b0319606085901b166020820152610175907f0000000000000000000000000000000000000000000000000000000000000000906034016040516020818303038152906040526101708686610335565b6103d8565b505b92915050565b5f5b81811015610330575f6101ea84848481811061019d5761019d61061b565b90506020028101906101af919061062f565b6101bd90602081019061064d565b8585858181106101cf576101cf61061b565b90506020028101906101e1919061062f565b602001356100f9565b9050365f8585858181106102005761020061061b565b9050602002810190610212919061062f565b610220906040810190610668565b90925090505f5b818110156102c557836001600160a01b0316639cee789f8484848181106102505761025061061b565b9050602002016020810190610265919061064d565b6040516001600160e01b031960e084901b1681526001600160a01b0390911660048201526024015f604051808303815f87803b1580156102a3575f5ffd5b505af11580156102b5573d5f5f3e3d5ffd5b5050600190920191506102279050565b506001600160a01b038316311561032557826001600160a01b0316636b9f96ea6040518163ffffffff1660e01b81526004015f604051808303815f87803b15801561030e575f5ffd5b505af1158015610320573d5f5f3e3d5ffd5b505050505b50505060010161017f565b505050565b604080516001600160a01b03841660208201529081018290525f9060600160405160208183030381529060405280519060200120905092915050565b6040516001600160601b0319606084901b1660208201525f906103d1907f0000000000000000000000000000000000000000000000000000000000000000906034016040516020818303038152906040526103cc8686610335565b6103ed565b9392505050565b5f6103e58484845f6103fa565b949350505050565b5f6103e58484843061041d565b5f5f610406868661043d565b905061041383858361049b565b9695505050505050565b5f5f610429868661043d565b90506104138482805190602001208561052c565b6060615fd3825111156104635760405163250a241560e21b815260040160405180910390fd5b815161047090602d6106b5565b8383604051602001610484939291906106d4565b604051602081830303815290604052905092915050565b5f834710156104ca5760405163cf47918160e01b81524760048201526024810185905260440160405180910390fd5b81515f036104eb57604051631328927760e21b815260040160405180910390fd5b8282516020840186f590506001600160a01b0381166103d1573d5f036105245760405163b06ebf3d60e01b815260040160405180910390fd5b6103d161055e565b5f604051836040820152846020820152828152600b8101905060ff8153605590206001600160a01b0316949350505050565b6040513d5f823e3d81fd5b6001600160a01b038116811461057d575f5ffd5b50565b5f5f60408385031215610591575f5ffd5b823561059c81610569565b946020939093013593505050565b5f5f602083850312156105bb575f5ffd5b823567ffffffffffffffff8111156105d1575f5ffd5b8301601f810185136105e1575f5ffd5b803567ffffffffffffffff8111156105f7575f5ffd5b8560208260051b840101111561060b575f5ffd5b6020919091019590945092505050565b634e487b7160e01b5f52603260045260245ffd5b5f8235605e19833603018112610643575f5ffd5b9190910192915050565b5f6020828403121561065d575f5ffd5b81356103d181610569565b5f5f8335601e1984360301811261067d575f5ffd5b83018035915067ffffffffffffffff821115610697575f5ffd5b6020019150600581901b36038213156106ae575f5ffd5b9250929050565b8082018082111561017757634e487b7160e01b5f52601160045260245ffd5b606160f81b815260f084901b6001600160f01b0319166001820152703d81600a3d39f3363d3d373d3d3d363d7360781b6003820152606083901b6001600160601b03191660148201526e5af43d82803e903d91602b57fd5bf360881b602882015281515f908060208501603785015e5f920160370191825250939250505056fea2646970667358221220cba51d154cf6d6b1d10a0e460309947c16d18076d333f6086d65c08ff6dd9ba064736f6c6343000825003360a0604052306080523480156012575f5ffd5b5060805161049061002b5f395f61019001526104905ff3fe608060405260043610610036575f3560e01c80636b9f96ea146100415780639cee789f14610057578063b269681d14610076575f5ffd5b3661003d57005b5f5ffd5b34801561004c575f5ffd5b506100556100a6565b005b348015610062575f5ffd5b5061005561007136600461038a565b6100f5565b348015610081575f5ffd5b5061008a610185565b6040516001600160a01b03909116815260200160405180910390f35b4780156100f2576100be6100b8610185565b826101e9565b6040518181527f3cd0523e0d411de0c4111f5d158aa332ab47187a3974bf6c6ddff5040590e44f9060200160405180910390a15b50565b6040516370a0823160e01b81523060048201525f906001600160a01b038316906370a0823190602401602060405180830381865afa158015610139573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061015d91906103b7565b9050801561018157610181610170610185565b6001600160a01b0384169083610261565b5050565b5f6001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001630036101cf57604051630f3a453960e21b815260040160405180910390fd5b6101d83061029b565b6101e1906103ce565b60601c905090565b804710156102185760405163cf47918160e01b8152476004820152602481018290526044015b60405180910390fd5b610231828260405180602001604052805f815250610308565b1561023a575050565b3d156102485761018161031d565b60405163d6bda27560e01b815260040160405180910390fd5b61026e8383836001610328565b61029657604051635274afe760e01b81526001600160a01b038416600482015260240161020f565b505050565b60605f6102b3602d6001600160a01b0385163b610421565b67ffffffffffffffff8111156102cb576102cb610446565b6040519080825280601f01601f1916602001820160405280156102f5576020820181803683370190505b5090508051602d60208301853c92915050565b5f5f5f83516020850186885af1949350505050565b6040513d5f823e3d81fd5b60405163a9059cbb60e01b5f8181526001600160a01b038616600452602485905291602083604481808b5af1925060015f5114831661037e578383151615610372573d5f823e3d81fd5b5f873b113d1516831692505b60405250949350505050565b5f6020828403121561039a575f5ffd5b81356001600160a01b03811681146103b0575f5ffd5b9392505050565b5f602082840312156103c7575f5ffd5b5051919050565b805160208201516bffffffffffffffffffffffff1981169190601482101561041a576bffffffffffffffffffffffff196bffffffffffffffffffffffff198360140360031b1b82161692505b5050919050565b8181038181111561044057634e487b7160e01b5f52601160045260245ffd5b92915050565b634e487b7160e01b5f52604160045260245ffdfea264697066735822122047a8eece084907a997e801219f6d01fdf7fe1fff80497abd1ad27d509759a42b64736f6c63430008250033",
}

// ForwarderFactoryABI is the input ABI used to generate the binding from.
// Deprecated: Use ForwarderFactoryMetaData.ABI instead.
var ForwarderFactoryABI = ForwarderFactoryMetaData.ABI

// ForwarderFactoryBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use ForwarderFactoryMetaData.Bin instead.
var ForwarderFactoryBin = ForwarderFactoryMetaData.Bin

// DeployForwarderFactory deploys a new Ethereum contract, binding an instance of ForwarderFactory to it.
func DeployForwarderFactory(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *ForwarderFactory, error) {
	parsed, err := ForwarderFactoryMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(ForwarderFactoryBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &ForwarderFactory{ForwarderFactoryCaller: ForwarderFactoryCaller{contract: contract}, ForwarderFactoryTransactor: ForwarderFactoryTransactor{contract: contract}, ForwarderFactoryFilterer: ForwarderFactoryFilterer{contract: contract}}, nil
}

// ForwarderFactory is an auto generated Go binding around an Ethereum contract.
type ForwarderFactory struct {
	ForwarderFactoryCaller     // Read-only binding to the contract
	ForwarderFactoryTransactor // Write-only binding to the contract
	ForwarderFactoryFilterer   // Log filterer for contract events
}

// ForwarderFactoryCaller is an auto generated read-only Go binding around an Ethereum contract.
type ForwarderFactoryCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ForwarderFactoryTransactor is an auto generated write-only Go binding around an Ethereum contract.
type ForwarderFactoryTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ForwarderFactoryFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type ForwarderFactoryFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// ForwarderFactorySession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type ForwarderFactorySession struct {
	Contract     *ForwarderFactory // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// ForwarderFactoryCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type ForwarderFactoryCallerSession struct {
	Contract *ForwarderFactoryCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts           // Call options to use throughout this session
}

// ForwarderFactoryTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type ForwarderFactoryTransactorSession struct {
	Contract     *ForwarderFactoryTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts           // Transaction auth options to use throughout this session
}

// ForwarderFactoryRaw is an auto generated low-level Go binding around an Ethereum contract.
type ForwarderFactoryRaw struct {
	Contract *ForwarderFactory // Generic contract binding to access the raw methods on
}

// ForwarderFactoryCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type ForwarderFactoryCallerRaw struct {
	Contract *ForwarderFactoryCaller // Generic read-only contract binding to access the raw methods on
}

// ForwarderFactoryTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type ForwarderFactoryTransactorRaw struct {
	Contract *ForwarderFactoryTransactor // Generic write-only contract binding to access the raw methods on
}

// NewForwarderFactory creates a new instance of ForwarderFactory, bound to a specific deployed contract.
func NewForwarderFactory(address common.Address, backend bind.ContractBackend) (*ForwarderFactory, error) {
	contract, err := bindForwarderFactory(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &ForwarderFactory{ForwarderFactoryCaller: ForwarderFactoryCaller{contract: contract}, ForwarderFactoryTransactor: ForwarderFactoryTransactor{contract: contract}, ForwarderFactoryFilterer: ForwarderFactoryFilterer{contract: contract}}, nil
}

// NewForwarderFactoryCaller creates a new read-only instance of ForwarderFactory, bound to a specific deployed contract.
func NewForwarderFactoryCaller(address common.Address, caller bind.ContractCaller) (*ForwarderFactoryCaller, error) {
	contract, err := bindForwarderFactory(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &ForwarderFactoryCaller{contract: contract}, nil
}

// NewForwarderFactoryTransactor creates a new write-only instance of ForwarderFactory, bound to a specific deployed contract.
func NewForwarderFactoryTransactor(address common.Address, transactor bind.ContractTransactor) (*ForwarderFactoryTransactor, error) {
	contract, err := bindForwarderFactory(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &ForwarderFactoryTransactor{contract: contract}, nil
}

// NewForwarderFactoryFilterer creates a new log filterer instance of ForwarderFactory, bound to a specific deployed contract.
func NewForwarderFactoryFilterer(address common.Address, filterer bind.ContractFilterer) (*ForwarderFactoryFilterer, error) {
	contract, err := bindForwarderFactory(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &ForwarderFactoryFilterer{contract: contract}, nil
}

// bindForwarderFactory binds a generic wrapper to an already deployed contract.
func bindForwarderFactory(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := ForwarderFactoryMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ForwarderFactory *ForwarderFactoryRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ForwarderFactory.Contract.ForwarderFactoryCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ForwarderFactory *ForwarderFactoryRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.ForwarderFactoryTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ForwarderFactory *ForwarderFactoryRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.ForwarderFactoryTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_ForwarderFactory *ForwarderFactoryCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _ForwarderFactory.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_ForwarderFactory *ForwarderFactoryTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_ForwarderFactory *ForwarderFactoryTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.contract.Transact(opts, method, params...)
}

// AddressOf is a free data retrieval call binding the contract method 0xe99718d8.
//
// Solidity: function addressOf(address destination, bytes32 nonce) view returns(address)
func (_ForwarderFactory *ForwarderFactoryCaller) AddressOf(opts *bind.CallOpts, destination common.Address, nonce [32]byte) (common.Address, error) {
	var out []interface{}
	err := _ForwarderFactory.contract.Call(opts, &out, "addressOf", destination, nonce)

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// AddressOf is a free data retrieval call binding the contract method 0xe99718d8.
//
// Solidity: function addressOf(address destination, bytes32 nonce) view returns(address)
func (_ForwarderFactory *ForwarderFactorySession) AddressOf(destination common.Address, nonce [32]byte) (common.Address, error) {
	return _ForwarderFactory.Contract.AddressOf(&_ForwarderFactory.CallOpts, destination, nonce)
}

// AddressOf is a free data retrieval call binding the contract method 0xe99718d8.
//
// Solidity: function addressOf(address destination, bytes32 nonce) view returns(address)
func (_ForwarderFactory *ForwarderFactoryCallerSession) AddressOf(destination common.Address, nonce [32]byte) (common.Address, error) {
	return _ForwarderFactory.Contract.AddressOf(&_ForwarderFactory.CallOpts, destination, nonce)
}

// Implementation is a free data retrieval call binding the contract method 0x5c60da1b.
//
// Solidity: function implementation() view returns(address)
func (_ForwarderFactory *ForwarderFactoryCaller) Implementation(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _ForwarderFactory.contract.Call(opts, &out, "implementation")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Implementation is a free data retrieval call binding the contract method 0x5c60da1b.
//
// Solidity: function implementation() view returns(address)
func (_ForwarderFactory *ForwarderFactorySession) Implementation() (common.Address, error) {
	return _ForwarderFactory.Contract.Implementation(&_ForwarderFactory.CallOpts)
}

// Implementation is a free data retrieval call binding the contract method 0x5c60da1b.
//
// Solidity: function implementation() view returns(address)
func (_ForwarderFactory *ForwarderFactoryCallerSession) Implementation() (common.Address, error) {
	return _ForwarderFactory.Contract.Implementation(&_ForwarderFactory.CallOpts)
}

// SaltOf is a free data retrieval call binding the contract method 0x94c1c2e2.
//
// Solidity: function saltOf(address destination, bytes32 nonce) pure returns(bytes32)
func (_ForwarderFactory *ForwarderFactoryCaller) SaltOf(opts *bind.CallOpts, destination common.Address, nonce [32]byte) ([32]byte, error) {
	var out []interface{}
	err := _ForwarderFactory.contract.Call(opts, &out, "saltOf", destination, nonce)

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// SaltOf is a free data retrieval call binding the contract method 0x94c1c2e2.
//
// Solidity: function saltOf(address destination, bytes32 nonce) pure returns(bytes32)
func (_ForwarderFactory *ForwarderFactorySession) SaltOf(destination common.Address, nonce [32]byte) ([32]byte, error) {
	return _ForwarderFactory.Contract.SaltOf(&_ForwarderFactory.CallOpts, destination, nonce)
}

// SaltOf is a free data retrieval call binding the contract method 0x94c1c2e2.
//
// Solidity: function saltOf(address destination, bytes32 nonce) pure returns(bytes32)
func (_ForwarderFactory *ForwarderFactoryCallerSession) SaltOf(destination common.Address, nonce [32]byte) ([32]byte, error) {
	return _ForwarderFactory.Contract.SaltOf(&_ForwarderFactory.CallOpts, destination, nonce)
}

// Deploy is a paid mutator transaction binding the contract method 0x32c02a14.
//
// Solidity: function deploy(address destination, bytes32 nonce) returns(address forwarder)
func (_ForwarderFactory *ForwarderFactoryTransactor) Deploy(opts *bind.TransactOpts, destination common.Address, nonce [32]byte) (*types.Transaction, error) {
	return _ForwarderFactory.contract.Transact(opts, "deploy", destination, nonce)
}

// Deploy is a paid mutator transaction binding the contract method 0x32c02a14.
//
// Solidity: function deploy(address destination, bytes32 nonce) returns(address forwarder)
func (_ForwarderFactory *ForwarderFactorySession) Deploy(destination common.Address, nonce [32]byte) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.Deploy(&_ForwarderFactory.TransactOpts, destination, nonce)
}

// Deploy is a paid mutator transaction binding the contract method 0x32c02a14.
//
// Solidity: function deploy(address destination, bytes32 nonce) returns(address forwarder)
func (_ForwarderFactory *ForwarderFactoryTransactorSession) Deploy(destination common.Address, nonce [32]byte) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.Deploy(&_ForwarderFactory.TransactOpts, destination, nonce)
}

// Sweep is a paid mutator transaction binding the contract method 0x66e7d741.
//
// Solidity: function sweep((address,bytes32,address[])[] sweeps) returns()
func (_ForwarderFactory *ForwarderFactoryTransactor) Sweep(opts *bind.TransactOpts, sweeps []ForwarderFactorySweep) (*types.Transaction, error) {
	return _ForwarderFactory.contract.Transact(opts, "sweep", sweeps)
}

// Sweep is a paid mutator transaction binding the contract method 0x66e7d741.
//
// Solidity: function sweep((address,bytes32,address[])[] sweeps) returns()
func (_ForwarderFactory *ForwarderFactorySession) Sweep(sweeps []ForwarderFactorySweep) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.Sweep(&_ForwarderFactory.TransactOpts, sweeps)
}

// Sweep is a paid mutator transaction binding the contract method 0x66e7d741.
//
// Solidity: function sweep((address,bytes32,address[])[] sweeps) returns()
func (_ForwarderFactory *ForwarderFactoryTransactorSession) Sweep(sweeps []ForwarderFactorySweep) (*types.Transaction, error) {
	return _ForwarderFactory.Contract.Sweep(&_ForwarderFactory.TransactOpts, sweeps)
}
