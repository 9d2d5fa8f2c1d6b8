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

// SubscriptionCollectorMandate is an auto generated low-level Go binding around an user-defined struct.
type SubscriptionCollectorMandate struct {
	Payer            common.Address
	MinInterval      uint64
	Revoked          bool
	Token            common.Address
	LastCollectedAt  uint64
	Count            uint32
	Payee            common.Address
	MaxPerCollection *big.Int
}

// SubscriptionCollectorMetaData contains all meta data concerning the SubscriptionCollector contract.
var SubscriptionCollectorMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"maxPerCollection\",\"type\":\"uint256\"}],\"name\":\"InvalidAmount\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidMandate\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"MandateExists\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"MandateIsRevoked\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"NoMandate\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotPayer\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"nextAt\",\"type\":\"uint256\"}],\"name\":\"TooEarly\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"}],\"name\":\"Collected\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"maxPerCollection\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"minInterval\",\"type\":\"uint64\"}],\"name\":\"MandateAuthorized\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"MandateRevoked\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"REASON_ALLOWANCE\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REASON_AMOUNT\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REASON_BALANCE\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REASON_NO_MANDATE\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REASON_OK\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REASON_REVOKED\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REASON_TOO_EARLY\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"maxPerCollection\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"minInterval\",\"type\":\"uint64\"}],\"name\":\"authorize\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"collect\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"collectable\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"ok\",\"type\":\"bool\"},{\"internalType\":\"uint8\",\"name\":\"reason\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"mandate\",\"outputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"payer\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"minInterval\",\"type\":\"uint64\"},{\"internalType\":\"bool\",\"name\":\"revoked\",\"type\":\"bool\"},{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"lastCollectedAt\",\"type\":\"uint64\"},{\"internalType\":\"uint32\",\"name\":\"count\",\"type\":\"uint32\"},{\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"maxPerCollection\",\"type\":\"uint256\"}],\"internalType\":\"structSubscriptionCollector.Mandate\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"revoke\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x6080604052348015600e575f5ffd5b50610cbc8061001c5f395ff3fe608060405234801561000f575f5ffd5b50600436106100b1575f3560e01c8063815732881161006e57806381573288146101f157806384bd9c1d1461020457806397d911aa146102305780639e21a0f514610238578063b75c7dc614610240578063c4c1419214610253575f5ffd5b80631fa235d4146100b557806328715a99146100d4578063292a37c6146100dc57806350727c41146100e357806358ba4f0d146101d45780636230031a146101e9575b5f5ffd5b6100bd600181565b60405160ff90911681526020015b60405180910390f35b6100bd600681565b6100bd5f81565b6101c76100f1366004610ab3565b60408051610100810182525f80825260208201819052918101829052606081018290526080810182905260a0810182905260c0810182905260e0810191909152505f908152602081815260409182902082516101008101845281546001600160a01b038082168352600160a01b8083046001600160401b0390811696850196909652600160e01b9283900460ff1615159684019690965260018401548082166060850152958604909416608083015290930463ffffffff1660a0840152600281015490911660c08301526003015460e082015290565b6040516100cb9190610aca565b6101e76101e2366004610b8e565b61025b565b005b6100bd600381565b6101e76101ff366004610bf0565b610505565b610217610212366004610bf0565b6106bf565b60408051921515835260ff9091166020830152016100cb565b6100bd600281565b6100bd600481565b6101e761024e366004610ab3565b610892565b6100bd600581565b5f858152602081905260409020546001600160a01b03161561029857604051634c04353d60e11b8152600481018690526024015b60405180910390fd5b6001600160a01b03841615806102b557506001600160a01b038316155b806102be575081155b156102dc57604051632a2656bf60e11b815260040160405180910390fd5b604051806101000160405280336001600160a01b03168152602001826001600160401b031681526020015f15158152602001856001600160a01b031681526020015f6001600160401b031681526020015f63ffffffff168152602001846001600160a01b03168152602001838152505f5f8781526020019081526020015f205f820151815f015f6101000a8154816001600160a01b0302191690836001600160a01b031602179055506020820151815f0160146101000a8154816001600160401b0302191690836001600160401b031602179055506040820151815f01601c6101000a81548160ff0219169083151502179055506060820151816001015f6101000a8154816001600160a01b0302191690836001600160a01b0316021790555060808201518160010160146101000a8154816001600160401b0302191690836001600160401b0316021790555060a082015181600101601c6101000a81548163ffffffff021916908363ffffffff16021790555060c0820151816002015f6101000a8154816001600160a01b0302191690836001600160a01b0316021790555060e08201518160030155905050826001600160a01b0316336001600160a01b0316867f0103b01dbd2be9562a635376132e74a9a0e7f58e6bb266ccbf2fc428fbd4fa768786866040516104f6939291906001600160a01b0393909316835260208301919091526001600160401b0316604082015260600190565b60405180910390a45050505050565b5f82815260208190526040902080546001600160a01b03168061053e576040516343306bcb60e01b81526004810185905260240161028f565b8154600160e01b900460ff161561056b5760405163f08a7ebf60e01b81526004810185905260240161028f565b82158061057b5750816003015483115b156105a95760038201546040516307c83fcf60e41b815261028f918591600401918252602082015260400190565b6001820154600160e01b900463ffffffff16801561061357825460018401545f916105eb916001600160401b03600160a01b9283900481169290910416610c24565b90508042101561061157604051630a8d68c960e21b81526004810182905260240161028f565b505b61061e600182610c3d565b60018401805463ffffffff808416600160e01b026001600160e01b036001600160401b034216600160a01b02166001600160a01b039384161717928390556002870154939450610678939282169286921690889061096916565b6040805185815263ffffffff8316602082015286917ffd0f90f8e87f1592442f710f0a1a76f8044be6b2d44410a222c7b3508fb66b0f910160405180910390a25050505050565b5f82815260208190526040812080548291906001600160a01b0316806106ed575f600193509350505061088b565b8154600160e01b900460ff161561070c575f600293509350505061088b565b84158061071c5750816003015485115b1561072f575f600393509350505061088b565b6001820154600160e01b900463ffffffff1615801590610776575081546001830154610773916001600160401b03600160a01b918290048116929190910416610c24565b42105b15610789575f600493509350505061088b565b60018201546040516001600160a01b038381166024830152306044830152909116905f9081906107e790849060640160408051601f198184030181529190526020810180516001600160e01b0316636eb1769f60e11b1790526109a5565b915091508115806107f757508781105b1561080d575f600596509650505050505061088b565b6040516001600160a01b038516602482015261085790849060440160408051601f198184030181529190526020810180516001600160e01b03166370a0823160e01b1790526109a5565b909250905081158061086857508781105b1561087e575f600696509650505050505061088b565b60015f9650965050505050505b9250929050565b5f81815260208190526040902080546001600160a01b03166108ca576040516343306bcb60e01b81526004810183905260240161028f565b80546001600160a01b031633146108fd57604051636db1be2960e11b81526004810183905233602482015260440161028f565b8054600160e01b900460ff161561092a5760405163f08a7ebf60e01b81526004810183905260240161028f565b805460ff60e01b1916600160e01b17815560405182907f31c289dd93001fcacb63a0874240a9d06870135458e9be63e0463f46edf663fa905f90a25050565b610977848484846001610a46565b61099f57604051635274afe760e01b81526001600160a01b038516600482015260240161028f565b50505050565b5f5f5f5f856001600160a01b0316856040516109c19190610c59565b5f60405180830381855afa9150503d805f81146109f9576040519150601f19603f3d011682016040523d82523d5f602084013e6109fe565b606091505b5091509150811580610a11575060208151105b15610a23575f5f93509350505061088b565b600181806020019051810190610a399190610c6f565b9350935050509250929050565b6040516323b872dd60e01b5f8181526001600160a01b038781166004528616602452604485905291602083606481808c5af1925060015f51148316610aa2578383151615610a96573d5f823e3d81fd5b5f883b113d1516831692505b604052505f60605295945050505050565b5f60208284031215610ac3575f5ffd5b5035919050565b81516001600160a01b031681526020808301516001600160401b031690820152604080830151151590820152606080830151610100830191610b16908401826001600160a01b03169052565b506080830151610b3160808401826001600160401b03169052565b5060a0830151610b4960a084018263ffffffff169052565b5060c0830151610b6460c08401826001600160a01b03169052565b5060e092830151919092015290565b80356001600160a01b0381168114610b89575f5ffd5b919050565b5f5f5f5f5f60a08688031215610ba2575f5ffd5b85359450610bb260208701610b73565b9350610bc060408701610b73565b92506060860135915060808601356001600160401b0381168114610be2575f5ffd5b809150509295509295909350565b5f5f60408385031215610c01575f5ffd5b50508035926020909101359150565b634e487b7160e01b5f52601160045260245ffd5b80820180821115610c3757610c37610c10565b92915050565b63ffffffff8181168382160190811115610c3757610c37610c10565b5f82518060208501845e5f920191825250919050565b5f60208284031215610c7f575f5ffd5b505191905056fea264697066735822122066d76ec85f97907056060bd1e775baa060b73c2acf833e50b4540b019f2d417164736f6c63430008250033",
}

// SubscriptionCollectorABI is the input ABI used to generate the binding from.
// Deprecated: Use SubscriptionCollectorMetaData.ABI instead.
var SubscriptionCollectorABI = SubscriptionCollectorMetaData.ABI

// SubscriptionCollectorBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use SubscriptionCollectorMetaData.Bin instead.
var SubscriptionCollectorBin = SubscriptionCollectorMetaData.Bin

// DeploySubscriptionCollector deploys a new Ethereum contract, binding an instance of SubscriptionCollector to it.
func DeploySubscriptionCollector(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *SubscriptionCollector, error) {
	parsed, err := SubscriptionCollectorMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(SubscriptionCollectorBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &SubscriptionCollector{SubscriptionCollectorCaller: SubscriptionCollectorCaller{contract: contract}, SubscriptionCollectorTransactor: SubscriptionCollectorTransactor{contract: contract}, SubscriptionCollectorFilterer: SubscriptionCollectorFilterer{contract: contract}}, nil
}

// SubscriptionCollector is an auto generated Go binding around an Ethereum contract.
type SubscriptionCollector struct {
	SubscriptionCollectorCaller     // Read-only binding to the contract
	SubscriptionCollectorTransactor // Write-only binding to the contract
	SubscriptionCollectorFilterer   // Log filterer for contract events
}

// SubscriptionCollectorCaller is an auto generated read-only Go binding around an Ethereum contract.
type SubscriptionCollectorCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// SubscriptionCollectorTransactor is an auto generated write-only Go binding around an Ethereum contract.
type SubscriptionCollectorTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// SubscriptionCollectorFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type SubscriptionCollectorFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// SubscriptionCollectorSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type SubscriptionCollectorSession struct {
	Contract     *SubscriptionCollector // Generic contract binding to set the session for
	CallOpts     bind.CallOpts          // Call options to use throughout this session
	TransactOpts bind.TransactOpts      // Transaction auth options to use throughout this session
}

// SubscriptionCollectorCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type SubscriptionCollectorCallerSession struct {
	Contract *SubscriptionCollectorCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts                // Call options to use throughout this session
}

// SubscriptionCollectorTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type SubscriptionCollectorTransactorSession struct {
	Contract     *SubscriptionCollectorTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts                // Transaction auth options to use throughout this session
}

// SubscriptionCollectorRaw is an auto generated low-level Go binding around an Ethereum contract.
type SubscriptionCollectorRaw struct {
	Contract *SubscriptionCollector // Generic contract binding to access the raw methods on
}

// SubscriptionCollectorCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type SubscriptionCollectorCallerRaw struct {
	Contract *SubscriptionCollectorCaller // Generic read-only contract binding to access the raw methods on
}

// SubscriptionCollectorTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type SubscriptionCollectorTransactorRaw struct {
	Contract *SubscriptionCollectorTransactor // Generic write-only contract binding to access the raw methods on
}

// NewSubscriptionCollector creates a new instance of SubscriptionCollector, bound to a specific deployed contract.
func NewSubscriptionCollector(address common.Address, backend bind.ContractBackend) (*SubscriptionCollector, error) {
	contract, err := bindSubscriptionCollector(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &SubscriptionCollector{SubscriptionCollectorCaller: SubscriptionCollectorCaller{contract: contract}, SubscriptionCollectorTransactor: SubscriptionCollectorTransactor{contract: contract}, SubscriptionCollectorFilterer: SubscriptionCollectorFilterer{contract: contract}}, nil
}

// NewSubscriptionCollectorCaller creates a new read-only instance of SubscriptionCollector, bound to a specific deployed contract.
func NewSubscriptionCollectorCaller(address common.Address, caller bind.ContractCaller) (*SubscriptionCollectorCaller, error) {
	contract, err := bindSubscriptionCollector(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &SubscriptionCollectorCaller{contract: contract}, nil
}

// NewSubscriptionCollectorTransactor creates a new write-only instance of SubscriptionCollector, bound to a specific deployed contract.
func NewSubscriptionCollectorTransactor(address common.Address, transactor bind.ContractTransactor) (*SubscriptionCollectorTransactor, error) {
	contract, err := bindSubscriptionCollector(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &SubscriptionCollectorTransactor{contract: contract}, nil
}

// NewSubscriptionCollectorFilterer creates a new log filterer instance of SubscriptionCollector, bound to a specific deployed contract.
func NewSubscriptionCollectorFilterer(address common.Address, filterer bind.ContractFilterer) (*SubscriptionCollectorFilterer, error) {
	contract, err := bindSubscriptionCollector(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &SubscriptionCollectorFilterer{contract: contract}, nil
}

// bindSubscriptionCollector binds a generic wrapper to an already deployed contract.
func bindSubscriptionCollector(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := SubscriptionCollectorMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_SubscriptionCollector *SubscriptionCollectorRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _SubscriptionCollector.Contract.SubscriptionCollectorCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_SubscriptionCollector *SubscriptionCollectorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.SubscriptionCollectorTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_SubscriptionCollector *SubscriptionCollectorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.SubscriptionCollectorTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_SubscriptionCollector *SubscriptionCollectorCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _SubscriptionCollector.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_SubscriptionCollector *SubscriptionCollectorTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_SubscriptionCollector *SubscriptionCollectorTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.contract.Transact(opts, method, params...)
}

// REASONALLOWANCE is a free data retrieval call binding the contract method 0xc4c14192.
//
// Solidity: function REASON_ALLOWANCE() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCaller) REASONALLOWANCE(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _SubscriptionCollector.contract.Call(opts, &out, "REASON_ALLOWANCE")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// REASONALLOWANCE is a free data retrieval call binding the contract method 0xc4c14192.
//
// Solidity: function REASON_ALLOWANCE() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorSession) REASONALLOWANCE() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONALLOWANCE(&_SubscriptionCollector.CallOpts)
}

// REASONALLOWANCE is a free data retrieval call binding the contract method 0xc4c14192.
//
// Solidity: function REASON_ALLOWANCE() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCallerSession) REASONALLOWANCE() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONALLOWANCE(&_SubscriptionCollector.CallOpts)
}

// REASONAMOUNT is a free data retrieval call binding the contract method 0x6230031a.
//
// Solidity: function REASON_AMOUNT() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCaller) REASONAMOUNT(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _SubscriptionCollector.contract.Call(opts, &out, "REASON_AMOUNT")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// REASONAMOUNT is a free data retrieval call binding the contract method 0x6230031a.
//
// Solidity: function REASON_AMOUNT() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorSession) REASONAMOUNT() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONAMOUNT(&_SubscriptionCollector.CallOpts)
}

// REASONAMOUNT is a free data retrieval call binding the contract method 0x6230031a.
//
// Solidity: function REASON_AMOUNT() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCallerSession) REASONAMOUNT() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONAMOUNT(&_SubscriptionCollector.CallOpts)
}

// REASONBALANCE is a free data retrieval call binding the contract method 0x28715a99.
//
// Solidity: function REASON_BALANCE() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCaller) REASONBALANCE(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _SubscriptionCollector.contract.Call(opts, &out, "REASON_BALANCE")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// REASONBALANCE is a free data retrieval call binding the contract method 0x28715a99.
//
// Solidity: function REASON_BALANCE() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorSession) REASONBALANCE() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONBALANCE(&_SubscriptionCollector.CallOpts)
}

// REASONBALANCE is a free data retrieval call binding the contract method 0x28715a99.
//
// Solidity: function REASON_BALANCE() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCallerSession) REASONBALANCE() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONBALANCE(&_SubscriptionCollector.CallOpts)
}

// REASONNOMANDATE is a free data retrieval call binding the contract method 0x1fa235d4.
//
// Solidity: function REASON_NO_MANDATE() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCaller) REASONNOMANDATE(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _SubscriptionCollector.contract.Call(opts, &out, "REASON_NO_MANDATE")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// REASONNOMANDATE is a free data retrieval call binding the contract method 0x1fa235d4.
//
// Solidity: function REASON_NO_MANDATE() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorSession) REASONNOMANDATE() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONNOMANDATE(&_SubscriptionCollector.CallOpts)
}

// REASONNOMANDATE is a free data retrieval call binding the contract method 0x1fa235d4.
//
// Solidity: function REASON_NO_MANDATE() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCallerSession) REASONNOMANDATE() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONNOMANDATE(&_SubscriptionCollector.CallOpts)
}

// REASONOK is a free data retrieval call binding the contract method 0x292a37c6.
//
// Solidity: function REASON_OK() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCaller) REASONOK(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _SubscriptionCollector.contract.Call(opts, &out, "REASON_OK")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// REASONOK is a free data retrieval call binding the contract method 0x292a37c6.
//
// Solidity: function REASON_OK() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorSession) REASONOK() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONOK(&_SubscriptionCollector.CallOpts)
}

// REASONOK is a free data retrieval call binding the contract method 0x292a37c6.
//
// Solidity: function REASON_OK() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCallerSession) REASONOK() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONOK(&_SubscriptionCollector.CallOpts)
}

// REASONREVOKED is a free data retrieval call binding the contract method 0x97d911aa.
//
// Solidity: function REASON_REVOKED() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCaller) REASONREVOKED(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _SubscriptionCollector.contract.Call(opts, &out, "REASON_REVOKED")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// REASONREVOKED is a free data retrieval call binding the contract method 0x97d911aa.
//
// Solidity: function REASON_REVOKED() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorSession) REASONREVOKED() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONREVOKED(&_SubscriptionCollector.CallOpts)
}

// REASONREVOKED is a free data retrieval call binding the contract method 0x97d911aa.
//
// Solidity: function REASON_REVOKED() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCallerSession) REASONREVOKED() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONREVOKED(&_SubscriptionCollector.CallOpts)
}

// REASONTOOEARLY is a free data retrieval call binding the contract method 0x9e21a0f5.
//
// Solidity: function REASON_TOO_EARLY() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCaller) REASONTOOEARLY(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _SubscriptionCollector.contract.Call(opts, &out, "REASON_TOO_EARLY")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// REASONTOOEARLY is a free data retrieval call binding the contract method 0x9e21a0f5.
//
// Solidity: function REASON_TOO_EARLY() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorSession) REASONTOOEARLY() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONTOOEARLY(&_SubscriptionCollector.CallOpts)
}

// REASONTOOEARLY is a free data retrieval call binding the contract method 0x9e21a0f5.
//
// Solidity: function REASON_TOO_EARLY() view returns(uint8)
func (_SubscriptionCollector *SubscriptionCollectorCallerSession) REASONTOOEARLY() (uint8, error) {
	return _SubscriptionCollector.Contract.REASONTOOEARLY(&_SubscriptionCollector.CallOpts)
}

// Collectable is a free data retrieval call binding the contract method 0x84bd9c1d.
//
// Solidity: function collectable(bytes32 id, uint256 amount) view returns(bool ok, uint8 reason)
func (_SubscriptionCollector *SubscriptionCollectorCaller) Collectable(opts *bind.CallOpts, id [32]byte, amount *big.Int) (struct {
	Ok     bool
	Reason uint8
}, error) {
	var out []interface{}
	err := _SubscriptionCollector.contract.Call(opts, &out, "collectable", id, amount)

	outstruct := new(struct {
		Ok     bool
		Reason uint8
	})
	if err != nil {
		return *outstruct, err
	}

	outstruct.Ok = *abi.ConvertType(out[0], new(bool)).(*bool)
	outstruct.Reason = *abi.ConvertType(out[1], new(uint8)).(*uint8)

	return *outstruct, err

}

// Collectable is a free data retrieval call binding the contract method 0x84bd9c1d.
//
// Solidity: function collectable(bytes32 id, uint256 amount) view returns(bool ok, uint8 reason)
func (_SubscriptionCollector *SubscriptionCollectorSession) Collectable(id [32]byte, amount *big.Int) (struct {
	Ok     bool
	Reason uint8
}, error) {
	return _SubscriptionCollector.Contract.Collectable(&_SubscriptionCollector.CallOpts, id, amount)
}

// Collectable is a free data retrieval call binding the contract method 0x84bd9c1d.
//
// Solidity: function collectable(bytes32 id, uint256 amount) view returns(bool ok, uint8 reason)
func (_SubscriptionCollector *SubscriptionCollectorCallerSession) Collectable(id [32]byte, amount *big.Int) (struct {
	Ok     bool
	Reason uint8
}, error) {
	return _SubscriptionCollector.Contract.Collectable(&_SubscriptionCollector.CallOpts, id, amount)
}

// Mandate is a free data retrieval call binding the contract method 0x50727c41.
//
// Solidity: function mandate(bytes32 id) view returns((address,uint64,bool,address,uint64,uint32,address,uint256))
func (_SubscriptionCollector *SubscriptionCollectorCaller) Mandate(opts *bind.CallOpts, id [32]byte) (SubscriptionCollectorMandate, error) {
	var out []interface{}
	err := _SubscriptionCollector.contract.Call(opts, &out, "mandate", id)

	if err != nil {
		return *new(SubscriptionCollectorMandate), err
	}

	out0 := *abi.ConvertType(out[0], new(SubscriptionCollectorMandate)).(*SubscriptionCollectorMandate)

	return out0, err

}

// Mandate is a free data retrieval call binding the contract method 0x50727c41.
//
// Solidity: function mandate(bytes32 id) view returns((address,uint64,bool,address,uint64,uint32,address,uint256))
func (_SubscriptionCollector *SubscriptionCollectorSession) Mandate(id [32]byte) (SubscriptionCollectorMandate, error) {
	return _SubscriptionCollector.Contract.Mandate(&_SubscriptionCollector.CallOpts, id)
}

// Mandate is a free data retrieval call binding the contract method 0x50727c41.
//
// Solidity: function mandate(bytes32 id) view returns((address,uint64,bool,address,uint64,uint32,address,uint256))
func (_SubscriptionCollector *SubscriptionCollectorCallerSession) Mandate(id [32]byte) (SubscriptionCollectorMandate, error) {
	return _SubscriptionCollector.Contract.Mandate(&_SubscriptionCollector.CallOpts, id)
}

// Authorize is a paid mutator transaction binding the contract method 0x58ba4f0d.
//
// Solidity: function authorize(bytes32 id, address token, address payee, uint256 maxPerCollection, uint64 minInterval) returns()
func (_SubscriptionCollector *SubscriptionCollectorTransactor) Authorize(opts *bind.TransactOpts, id [32]byte, token common.Address, payee common.Address, maxPerCollection *big.Int, minInterval uint64) (*types.Transaction, error) {
	return _SubscriptionCollector.contract.Transact(opts, "authorize", id, token, payee, maxPerCollection, minInterval)
}

// Authorize is a paid mutator transaction binding the contract method 0x58ba4f0d.
//
// Solidity: function authorize(bytes32 id, address token, address payee, uint256 maxPerCollection, uint64 minInterval) returns()
func (_SubscriptionCollector *SubscriptionCollectorSession) Authorize(id [32]byte, token common.Address, payee common.Address, maxPerCollection *big.Int, minInterval uint64) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.Authorize(&_SubscriptionCollector.TransactOpts, id, token, payee, maxPerCollection, minInterval)
}

// Authorize is a paid mutator transaction binding the contract method 0x58ba4f0d.
//
// Solidity: function authorize(bytes32 id, address token, address payee, uint256 maxPerCollection, uint64 minInterval) returns()
func (_SubscriptionCollector *SubscriptionCollectorTransactorSession) Authorize(id [32]byte, token common.Address, payee common.Address, maxPerCollection *big.Int, minInterval uint64) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.Authorize(&_SubscriptionCollector.TransactOpts, id, token, payee, maxPerCollection, minInterval)
}

// Collect is a paid mutator transaction binding the contract method 0x81573288.
//
// Solidity: function collect(bytes32 id, uint256 amount) returns()
func (_SubscriptionCollector *SubscriptionCollectorTransactor) Collect(opts *bind.TransactOpts, id [32]byte, amount *big.Int) (*types.Transaction, error) {
	return _SubscriptionCollector.contract.Transact(opts, "collect", id, amount)
}

// Collect is a paid mutator transaction binding the contract method 0x81573288.
//
// Solidity: function collect(bytes32 id, uint256 amount) returns()
func (_SubscriptionCollector *SubscriptionCollectorSession) Collect(id [32]byte, amount *big.Int) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.Collect(&_SubscriptionCollector.TransactOpts, id, amount)
}

// Collect is a paid mutator transaction binding the contract method 0x81573288.
//
// Solidity: function collect(bytes32 id, uint256 amount) returns()
func (_SubscriptionCollector *SubscriptionCollectorTransactorSession) Collect(id [32]byte, amount *big.Int) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.Collect(&_SubscriptionCollector.TransactOpts, id, amount)
}

// Revoke is a paid mutator transaction binding the contract method 0xb75c7dc6.
//
// Solidity: function revoke(bytes32 id) returns()
func (_SubscriptionCollector *SubscriptionCollectorTransactor) Revoke(opts *bind.TransactOpts, id [32]byte) (*types.Transaction, error) {
	return _SubscriptionCollector.contract.Transact(opts, "revoke", id)
}

// Revoke is a paid mutator transaction binding the contract method 0xb75c7dc6.
//
// Solidity: function revoke(bytes32 id) returns()
func (_SubscriptionCollector *SubscriptionCollectorSession) Revoke(id [32]byte) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.Revoke(&_SubscriptionCollector.TransactOpts, id)
}

// Revoke is a paid mutator transaction binding the contract method 0xb75c7dc6.
//
// Solidity: function revoke(bytes32 id) returns()
func (_SubscriptionCollector *SubscriptionCollectorTransactorSession) Revoke(id [32]byte) (*types.Transaction, error) {
	return _SubscriptionCollector.Contract.Revoke(&_SubscriptionCollector.TransactOpts, id)
}

// SubscriptionCollectorCollectedIterator is returned from FilterCollected and is used to iterate over the raw logs and unpacked data for Collected events raised by the SubscriptionCollector contract.
type SubscriptionCollectorCollectedIterator struct {
	Event *SubscriptionCollectorCollected // Event containing the contract specifics and raw log

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
func (it *SubscriptionCollectorCollectedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(SubscriptionCollectorCollected)
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
		it.Event = new(SubscriptionCollectorCollected)
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
func (it *SubscriptionCollectorCollectedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *SubscriptionCollectorCollectedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// SubscriptionCollectorCollected represents a Collected event raised by the SubscriptionCollector contract.
type SubscriptionCollectorCollected struct {
	Id     [32]byte
	Amount *big.Int
	Count  uint32
	Raw    types.Log // Blockchain specific contextual infos
}

// FilterCollected is a free log retrieval operation binding the contract event 0xfd0f90f8e87f1592442f710f0a1a76f8044be6b2d44410a222c7b3508fb66b0f.
//
// Solidity: event Collected(bytes32 indexed id, uint256 amount, uint32 count)
func (_SubscriptionCollector *SubscriptionCollectorFilterer) FilterCollected(opts *bind.FilterOpts, id [][32]byte) (*SubscriptionCollectorCollectedIterator, error) {

	var idRule []interface{}
	for _, idItem := range id {
		idRule = append(idRule, idItem)
	}

	logs, sub, err := _SubscriptionCollector.contract.FilterLogs(opts, "Collected", idRule)
	if err != nil {
		return nil, err
	}
	return &SubscriptionCollectorCollectedIterator{contract: _SubscriptionCollector.contract, event: "Collected", logs: logs, sub: sub}, nil
}

// WatchCollected is a free log subscription operation binding the contract event 0xfd0f90f8e87f1592442f710f0a1a76f8044be6b2d44410a222c7b3508fb66b0f.
//
// Solidity: event Collected(bytes32 indexed id, uint256 amount, uint32 count)
func (_SubscriptionCollector *SubscriptionCollectorFilterer) WatchCollected(opts *bind.WatchOpts, sink chan<- *SubscriptionCollectorCollected, id [][32]byte) (event.Subscription, error) {

	var idRule []interface{}
	for _, idItem := range id {
		idRule = append(idRule, idItem)
	}

	logs, sub, err := _SubscriptionCollector.contract.WatchLogs(opts, "Collected", idRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(SubscriptionCollectorCollected)
				if err := _SubscriptionCollector.contract.UnpackLog(event, "Collected", log); err != nil {
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

// ParseCollected is a log parse operation binding the contract event 0xfd0f90f8e87f1592442f710f0a1a76f8044be6b2d44410a222c7b3508fb66b0f.
//
// Solidity: event Collected(bytes32 indexed id, uint256 amount, uint32 count)
func (_SubscriptionCollector *SubscriptionCollectorFilterer) ParseCollected(log types.Log) (*SubscriptionCollectorCollected, error) {
	event := new(SubscriptionCollectorCollected)
	if err := _SubscriptionCollector.contract.UnpackLog(event, "Collected", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// SubscriptionCollectorMandateAuthorizedIterator is returned from FilterMandateAuthorized and is used to iterate over the raw logs and unpacked data for MandateAuthorized events raised by the SubscriptionCollector contract.
type SubscriptionCollectorMandateAuthorizedIterator struct {
	Event *SubscriptionCollectorMandateAuthorized // Event containing the contract specifics and raw log

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
func (it *SubscriptionCollectorMandateAuthorizedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(SubscriptionCollectorMandateAuthorized)
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
		it.Event = new(SubscriptionCollectorMandateAuthorized)
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
func (it *SubscriptionCollectorMandateAuthorizedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *SubscriptionCollectorMandateAuthorizedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// SubscriptionCollectorMandateAuthorized represents a MandateAuthorized event raised by the SubscriptionCollector contract.
type SubscriptionCollectorMandateAuthorized struct {
	Id               [32]byte
	Payer            common.Address
	Token            common.Address
	Payee            common.Address
	MaxPerCollection *big.Int
	MinInterval      uint64
	Raw              types.Log // Blockchain specific contextual infos
}

// FilterMandateAuthorized is a free log retrieval operation binding the contract event 0x0103b01dbd2be9562a635376132e74a9a0e7f58e6bb266ccbf2fc428fbd4fa76.
//
// Solidity: event MandateAuthorized(bytes32 indexed id, address indexed payer, address token, address indexed payee, uint256 maxPerCollection, uint64 minInterval)
func (_SubscriptionCollector *SubscriptionCollectorFilterer) FilterMandateAuthorized(opts *bind.FilterOpts, id [][32]byte, payer []common.Address, payee []common.Address) (*SubscriptionCollectorMandateAuthorizedIterator, error) {

	var idRule []interface{}
	for _, idItem := range id {
		idRule = append(idRule, idItem)
	}
	var payerRule []interface{}
	for _, payerItem := range payer {
		payerRule = append(payerRule, payerItem)
	}

	var payeeRule []interface{}
	for _, payeeItem := range payee {
		payeeRule = append(payeeRule, payeeItem)
	}

	logs, sub, err := _SubscriptionCollector.contract.FilterLogs(opts, "MandateAuthorized", idRule, payerRule, payeeRule)
	if err != nil {
		return nil, err
	}
	return &SubscriptionCollectorMandateAuthorizedIterator{contract: _SubscriptionCollector.contract, event: "MandateAuthorized", logs: logs, sub: sub}, nil
}

// WatchMandateAuthorized is a free log subscription operation binding the contract event 0x0103b01dbd2be9562a635376132e74a9a0e7f58e6bb266ccbf2fc428fbd4fa76.
//
// Solidity: event MandateAuthorized(bytes32 indexed id, address indexed payer, address token, address indexed payee, uint256 maxPerCollection, uint64 minInterval)
func (_SubscriptionCollector *SubscriptionCollectorFilterer) WatchMandateAuthorized(opts *bind.WatchOpts, sink chan<- *SubscriptionCollectorMandateAuthorized, id [][32]byte, payer []common.Address, payee []common.Address) (event.Subscription, error) {

	var idRule []interface{}
	for _, idItem := range id {
		idRule = append(idRule, idItem)
	}
	var payerRule []interface{}
	for _, payerItem := range payer {
		payerRule = append(payerRule, payerItem)
	}

	var payeeRule []interface{}
	for _, payeeItem := range payee {
		payeeRule = append(payeeRule, payeeItem)
	}

	logs, sub, err := _SubscriptionCollector.contract.WatchLogs(opts, "MandateAuthorized", idRule, payerRule, payeeRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(SubscriptionCollectorMandateAuthorized)
				if err := _SubscriptionCollector.contract.UnpackLog(event, "MandateAuthorized", log); err != nil {
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

// ParseMandateAuthorized is a log parse operation binding the contract event 0x0103b01dbd2be9562a635376132e74a9a0e7f58e6bb266ccbf2fc428fbd4fa76.
//
// Solidity: event MandateAuthorized(bytes32 indexed id, address indexed payer, address token, address indexed payee, uint256 maxPerCollection, uint64 minInterval)
func (_SubscriptionCollector *SubscriptionCollectorFilterer) ParseMandateAuthorized(log types.Log) (*SubscriptionCollectorMandateAuthorized, error) {
	event := new(SubscriptionCollectorMandateAuthorized)
	if err := _SubscriptionCollector.contract.UnpackLog(event, "MandateAuthorized", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// SubscriptionCollectorMandateRevokedIterator is returned from FilterMandateRevoked and is used to iterate over the raw logs and unpacked data for MandateRevoked events raised by the SubscriptionCollector contract.
type SubscriptionCollectorMandateRevokedIterator struct {
	Event *SubscriptionCollectorMandateRevoked // Event containing the contract specifics and raw log

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
func (it *SubscriptionCollectorMandateRevokedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(SubscriptionCollectorMandateRevoked)
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
		it.Event = new(SubscriptionCollectorMandateRevoked)
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
func (it *SubscriptionCollectorMandateRevokedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *SubscriptionCollectorMandateRevokedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// SubscriptionCollectorMandateRevoked represents a MandateRevoked event raised by the SubscriptionCollector contract.
type SubscriptionCollectorMandateRevoked struct {
	Id  [32]byte
	Raw types.Log // Blockchain specific contextual infos
}

// FilterMandateRevoked is a free log retrieval operation binding the contract event 0x31c289dd93001fcacb63a0874240a9d06870135458e9be63e0463f46edf663fa.
//
// Solidity: event MandateRevoked(bytes32 indexed id)
func (_SubscriptionCollector *SubscriptionCollectorFilterer) FilterMandateRevoked(opts *bind.FilterOpts, id [][32]byte) (*SubscriptionCollectorMandateRevokedIterator, error) {

	var idRule []interface{}
	for _, idItem := range id {
		idRule = append(idRule, idItem)
	}

	logs, sub, err := _SubscriptionCollector.contract.FilterLogs(opts, "MandateRevoked", idRule)
	if err != nil {
		return nil, err
	}
	return &SubscriptionCollectorMandateRevokedIterator{contract: _SubscriptionCollector.contract, event: "MandateRevoked", logs: logs, sub: sub}, nil
}

// WatchMandateRevoked is a free log subscription operation binding the contract event 0x31c289dd93001fcacb63a0874240a9d06870135458e9be63e0463f46edf663fa.
//
// Solidity: event MandateRevoked(bytes32 indexed id)
func (_SubscriptionCollector *SubscriptionCollectorFilterer) WatchMandateRevoked(opts *bind.WatchOpts, sink chan<- *SubscriptionCollectorMandateRevoked, id [][32]byte) (event.Subscription, error) {

	var idRule []interface{}
	for _, idItem := range id {
		idRule = append(idRule, idItem)
	}

	logs, sub, err := _SubscriptionCollector.contract.WatchLogs(opts, "MandateRevoked", idRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(SubscriptionCollectorMandateRevoked)
				if err := _SubscriptionCollector.contract.UnpackLog(event, "MandateRevoked", log); err != nil {
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

// ParseMandateRevoked is a log parse operation binding the contract event 0x31c289dd93001fcacb63a0874240a9d06870135458e9be63e0463f46edf663fa.
//
// Solidity: event MandateRevoked(bytes32 indexed id)
func (_SubscriptionCollector *SubscriptionCollectorFilterer) ParseMandateRevoked(log types.Log) (*SubscriptionCollectorMandateRevoked, error) {
	event := new(SubscriptionCollectorMandateRevoked)
	if err := _SubscriptionCollector.contract.UnpackLog(event, "MandateRevoked", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
