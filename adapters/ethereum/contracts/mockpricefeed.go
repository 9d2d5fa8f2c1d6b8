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

// MockPriceFeedMetaData contains all meta data concerning the MockPriceFeed contract.
var MockPriceFeedMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"decimals_\",\"type\":\"uint8\"},{\"internalType\":\"string\",\"name\":\"description_\",\"type\":\"string\"},{\"internalType\":\"int256\",\"name\":\"answer_\",\"type\":\"int256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"description\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"latestRoundData\",\"outputs\":[{\"internalType\":\"uint80\",\"name\":\"roundId\",\"type\":\"uint80\"},{\"internalType\":\"int256\",\"name\":\"answer\",\"type\":\"int256\"},{\"internalType\":\"uint256\",\"name\":\"startedAt\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"updatedAt\",\"type\":\"uint256\"},{\"internalType\":\"uint80\",\"name\":\"answeredInRound\",\"type\":\"uint80\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"int256\",\"name\":\"answer_\",\"type\":\"int256\"},{\"internalType\":\"uint256\",\"name\":\"updatedAt_\",\"type\":\"uint256\"}],\"name\":\"setAnswer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"version\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	Bin: "0x60a060405234801561000f575f5ffd5b5060405161060e38038061060e83398101604081905261002e916100b1565b60ff83166080525f6100408382610214565b5061004b8142610053565b505050610303565b6001805481905f9061006f9083906001600160501b03166102d2565b82546001600160501b039182166101009390930a928302919092021990911617905550600291909155600355565b634e487b7160e01b5f52604160045260245ffd5b5f5f5f606084860312156100c3575f5ffd5b835160ff811681146100d3575f5ffd5b60208501519093506001600160401b038111156100ee575f5ffd5b8401601f810186136100fe575f5ffd5b80516001600160401b038111156101175761011761009d565b604051601f8201601f19908116603f011681016001600160401b03811182821017156101455761014561009d565b60405281815282820160200188101561015c575f5ffd5b8160208401602083015e5f91810160200191909152604095909501519396949550929392505050565b600181811c9082168061019957607f821691505b6020821081036101b757634e487b7160e01b5f52602260045260245ffd5b50919050565b601f82111561020f578282111561020f57805f5260205f20601f840160051c60208510156101e857505f5b90810190601f840160051c035f5b8181101561020b575f838201556001016101f6565b5050505b505050565b81516001600160401b0381111561022d5761022d61009d565b6102418161023b8454610185565b846101bd565b6020601f821160018114610273575f831561025c5750848201515b5f19600385901b1c1916600184901b1784556102cb565b5f84815260208120601f198516915b828110156102a25787850151825560209485019460019092019101610282565b50848210156102bf57868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b6001600160501b0381811683821601908111156102fd57634e487b7160e01b5f52601160045260245ffd5b92915050565b6080516102f461031a5f395f605e01526102f45ff3fe608060405234801561000f575f5ffd5b5060043610610055575f3560e01c8063313ce5671461005957806354fd4d50146100975780637284e416146100ad578063860f1383146100c2578063feaf968c146100d7575b5f5ffd5b6100807f000000000000000000000000000000000000000000000000000000000000000081565b60405160ff90911681526020015b60405180910390f35b61009f600481565b60405190815260200161008e565b6100b5610114565b60405161008e91906101fd565b6100d56100d0366004610232565b61019f565b005b6001546002546003546040805169ffffffffffffffffffff909416808552602085019390935283018190526060830152608082015260a00161008e565b5f805461012090610252565b80601f016020809104026020016040519081016040528092919081815260200182805461014c90610252565b80156101975780601f1061016e57610100808354040283529160200191610197565b820191905f5260205f20905b81548152906001019060200180831161017a57829003601f168201915b505050505081565b6101a982826101ad565b5050565b6001805481905f906101cc90839069ffffffffffffffffffff1661028a565b825469ffffffffffffffffffff9182166101009390930a928302919092021990911617905550600291909155600355565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b5f5f60408385031215610243575f5ffd5b50508035926020909101359150565b600181811c9082168061026657607f821691505b60208210810361028457634e487b7160e01b5f52602260045260245ffd5b50919050565b69ffffffffffffffffffff81811683821601908111156102b857634e487b7160e01b5f52601160045260245ffd5b9291505056fea264697066735822122084b003be29e332dc3c27f48995a359d5fc05e91c8c260deace427420900ef1e864736f6c63430008250033",
}

// MockPriceFeedABI is the input ABI used to generate the binding from.
// Deprecated: Use MockPriceFeedMetaData.ABI instead.
var MockPriceFeedABI = MockPriceFeedMetaData.ABI

// MockPriceFeedBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use MockPriceFeedMetaData.Bin instead.
var MockPriceFeedBin = MockPriceFeedMetaData.Bin

// DeployMockPriceFeed deploys a new Ethereum contract, binding an instance of MockPriceFeed to it.
func DeployMockPriceFeed(auth *bind.TransactOpts, backend bind.ContractBackend, decimals_ uint8, description_ string, answer_ *big.Int) (common.Address, *types.Transaction, *MockPriceFeed, error) {
	parsed, err := MockPriceFeedMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(MockPriceFeedBin), backend, decimals_, description_, answer_)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &MockPriceFeed{MockPriceFeedCaller: MockPriceFeedCaller{contract: contract}, MockPriceFeedTransactor: MockPriceFeedTransactor{contract: contract}, MockPriceFeedFilterer: MockPriceFeedFilterer{contract: contract}}, nil
}

// MockPriceFeed is an auto generated Go binding around an Ethereum contract.
type MockPriceFeed struct {
	MockPriceFeedCaller     // Read-only binding to the contract
	MockPriceFeedTransactor // Write-only binding to the contract
	MockPriceFeedFilterer   // Log filterer for contract events
}

// MockPriceFeedCaller is an auto generated read-only Go binding around an Ethereum contract.
type MockPriceFeedCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// MockPriceFeedTransactor is an auto generated write-only Go binding around an Ethereum contract.
type MockPriceFeedTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// MockPriceFeedFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type MockPriceFeedFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// MockPriceFeedSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type MockPriceFeedSession struct {
	Contract     *MockPriceFeed    // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// MockPriceFeedCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type MockPriceFeedCallerSession struct {
	Contract *MockPriceFeedCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts        // Call options to use throughout this session
}

// MockPriceFeedTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type MockPriceFeedTransactorSession struct {
	Contract     *MockPriceFeedTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts        // Transaction auth options to use throughout this session
}

// MockPriceFeedRaw is an auto generated low-level Go binding around an Ethereum contract.
type MockPriceFeedRaw struct {
	Contract *MockPriceFeed // Generic contract binding to access the raw methods on
}

// MockPriceFeedCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type MockPriceFeedCallerRaw struct {
	Contract *MockPriceFeedCaller // Generic read-only contract binding to access the raw methods on
}

// MockPriceFeedTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type MockPriceFeedTransactorRaw struct {
	Contract *MockPriceFeedTransactor // Generic write-only contract binding to access the raw methods on
}

// NewMockPriceFeed creates a new instance of MockPriceFeed, bound to a specific deployed contract.
func NewMockPriceFeed(address common.Address, backend bind.ContractBackend) (*MockPriceFeed, error) {
	contract, err := bindMockPriceFeed(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &MockPriceFeed{MockPriceFeedCaller: MockPriceFeedCaller{contract: contract}, MockPriceFeedTransactor: MockPriceFeedTransactor{contract: contract}, MockPriceFeedFilterer: MockPriceFeedFilterer{contract: contract}}, nil
}

// NewMockPriceFeedCaller creates a new read-only instance of MockPriceFeed, bound to a specific deployed contract.
func NewMockPriceFeedCaller(address common.Address, caller bind.ContractCaller) (*MockPriceFeedCaller, error) {
	contract, err := bindMockPriceFeed(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &MockPriceFeedCaller{contract: contract}, nil
}

// NewMockPriceFeedTransactor creates a new write-only instance of MockPriceFeed, bound to a specific deployed contract.
func NewMockPriceFeedTransactor(address common.Address, transactor bind.ContractTransactor) (*MockPriceFeedTransactor, error) {
	contract, err := bindMockPriceFeed(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &MockPriceFeedTransactor{contract: contract}, nil
}

// NewMockPriceFeedFilterer creates a new log filterer instance of MockPriceFeed, bound to a specific deployed contract.
func NewMockPriceFeedFilterer(address common.Address, filterer bind.ContractFilterer) (*MockPriceFeedFilterer, error) {
	contract, err := bindMockPriceFeed(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &MockPriceFeedFilterer{contract: contract}, nil
}

// bindMockPriceFeed binds a generic wrapper to an already deployed contract.
func bindMockPriceFeed(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := MockPriceFeedMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_MockPriceFeed *MockPriceFeedRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _MockPriceFeed.Contract.MockPriceFeedCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_MockPriceFeed *MockPriceFeedRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _MockPriceFeed.Contract.MockPriceFeedTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_MockPriceFeed *MockPriceFeedRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _MockPriceFeed.Contract.MockPriceFeedTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_MockPriceFeed *MockPriceFeedCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _MockPriceFeed.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_MockPriceFeed *MockPriceFeedTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _MockPriceFeed.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_MockPriceFeed *MockPriceFeedTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _MockPriceFeed.Contract.contract.Transact(opts, method, params...)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (_MockPriceFeed *MockPriceFeedCaller) Decimals(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _MockPriceFeed.contract.Call(opts, &out, "decimals")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (_MockPriceFeed *MockPriceFeedSession) Decimals() (uint8, error) {
	return _MockPriceFeed.Contract.Decimals(&_MockPriceFeed.CallOpts)
}

// Decimals is a free data retrieval call binding the contract method 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (_MockPriceFeed *MockPriceFeedCallerSession) Decimals() (uint8, error) {
	return _MockPriceFeed.Contract.Decimals(&_MockPriceFeed.CallOpts)
}

// Description is a free data retrieval call binding the contract method 0x7284e416.
//
// Solidity: function description() view returns(string)
func (_MockPriceFeed *MockPriceFeedCaller) Description(opts *bind.CallOpts) (string, error) {
	var out []interface{}
	err := _MockPriceFeed.contract.Call(opts, &out, "description")

	if err != nil {
		return *new(string), err
	}

	out0 := *abi.ConvertType(out[0], new(string)).(*string)

	return out0, err

}

// Description is a free data retrieval call binding the contract method 0x7284e416.
//
// Solidity: function description() view returns(string)
func (_MockPriceFeed *MockPriceFeedSession) Description() (string, error) {
	return _MockPriceFeed.Contract.Description(&_MockPriceFeed.CallOpts)
}

// Description is a free data retrieval call binding the contract method 0x7284e416.
//
// Solidity: function description() view returns(string)
func (_MockPriceFeed *MockPriceFeedCallerSession) Description() (string, error) {
	return _MockPriceFeed.Contract.Description(&_MockPriceFeed.CallOpts)
}

// LatestRoundData is a free data retrieval call binding the contract method 0xfeaf968c.
//
// Solidity: function latestRoundData() view returns(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
func (_MockPriceFeed *MockPriceFeedCaller) LatestRoundData(opts *bind.CallOpts) (struct {
	RoundId         *big.Int
	Answer          *big.Int
	StartedAt       *big.Int
	UpdatedAt       *big.Int
	AnsweredInRound *big.Int
}, error) {
	var out []interface{}
	err := _MockPriceFeed.contract.Call(opts, &out, "latestRoundData")

	outstruct := new(struct {
		RoundId         *big.Int
		Answer          *big.Int
		StartedAt       *big.Int
		UpdatedAt       *big.Int
		AnsweredInRound *big.Int
	})
	if err != nil {
		return *outstruct, err
	}

	outstruct.RoundId = *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)
	outstruct.Answer = *abi.ConvertType(out[1], new(*big.Int)).(**big.Int)
	outstruct.StartedAt = *abi.ConvertType(out[2], new(*big.Int)).(**big.Int)
	outstruct.UpdatedAt = *abi.ConvertType(out[3], new(*big.Int)).(**big.Int)
	outstruct.AnsweredInRound = *abi.ConvertType(out[4], new(*big.Int)).(**big.Int)

	return *outstruct, err

}

// LatestRoundData is a free data retrieval call binding the contract method 0xfeaf968c.
//
// Solidity: function latestRoundData() view returns(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
func (_MockPriceFeed *MockPriceFeedSession) LatestRoundData() (struct {
	RoundId         *big.Int
	Answer          *big.Int
	StartedAt       *big.Int
	UpdatedAt       *big.Int
	AnsweredInRound *big.Int
}, error) {
	return _MockPriceFeed.Contract.LatestRoundData(&_MockPriceFeed.CallOpts)
}

// LatestRoundData is a free data retrieval call binding the contract method 0xfeaf968c.
//
// Solidity: function latestRoundData() view returns(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
func (_MockPriceFeed *MockPriceFeedCallerSession) LatestRoundData() (struct {
	RoundId         *big.Int
	Answer          *big.Int
	StartedAt       *big.Int
	UpdatedAt       *big.Int
	AnsweredInRound *big.Int
}, error) {
	return _MockPriceFeed.Contract.LatestRoundData(&_MockPriceFeed.CallOpts)
}

// Version is a free data retrieval call binding the contract method 0x54fd4d50.
//
// Solidity: function version() view returns(uint256)
func (_MockPriceFeed *MockPriceFeedCaller) Version(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _MockPriceFeed.contract.Call(opts, &out, "version")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Version is a free data retrieval call binding the contract method 0x54fd4d50.
//
// Solidity: function version() view returns(uint256)
func (_MockPriceFeed *MockPriceFeedSession) Version() (*big.Int, error) {
	return _MockPriceFeed.Contract.Version(&_MockPriceFeed.CallOpts)
}

// Version is a free data retrieval call binding the contract method 0x54fd4d50.
//
// Solidity: function version() view returns(uint256)
func (_MockPriceFeed *MockPriceFeedCallerSession) Version() (*big.Int, error) {
	return _MockPriceFeed.Contract.Version(&_MockPriceFeed.CallOpts)
}

// SetAnswer is a paid mutator transaction binding the contract method 0x860f1383.
//
// Solidity: function setAnswer(int256 answer_, uint256 updatedAt_) returns()
func (_MockPriceFeed *MockPriceFeedTransactor) SetAnswer(opts *bind.TransactOpts, answer_ *big.Int, updatedAt_ *big.Int) (*types.Transaction, error) {
	return _MockPriceFeed.contract.Transact(opts, "setAnswer", answer_, updatedAt_)
}

// SetAnswer is a paid mutator transaction binding the contract method 0x860f1383.
//
// Solidity: function setAnswer(int256 answer_, uint256 updatedAt_) returns()
func (_MockPriceFeed *MockPriceFeedSession) SetAnswer(answer_ *big.Int, updatedAt_ *big.Int) (*types.Transaction, error) {
	return _MockPriceFeed.Contract.SetAnswer(&_MockPriceFeed.TransactOpts, answer_, updatedAt_)
}

// SetAnswer is a paid mutator transaction binding the contract method 0x860f1383.
//
// Solidity: function setAnswer(int256 answer_, uint256 updatedAt_) returns()
func (_MockPriceFeed *MockPriceFeedTransactorSession) SetAnswer(answer_ *big.Int, updatedAt_ *big.Int) (*types.Transaction, error) {
	return _MockPriceFeed.Contract.SetAnswer(&_MockPriceFeed.TransactOpts, answer_, updatedAt_)
}
