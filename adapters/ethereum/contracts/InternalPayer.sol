// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Pays on the ETH it receives inside the call: the recipient is paid by an internal
/// transfer that no transaction's "to" shows, as smart wallets and exchanges often pay.
/// (Not a deposit forwarder: those are DepositForwarder clones, see ForwarderFactory.)
contract InternalPayer {
    function pay(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        require(ok, "pay failed");
    }
}
