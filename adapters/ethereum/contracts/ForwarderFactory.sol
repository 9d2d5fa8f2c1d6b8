// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {DepositForwarder} from "./DepositForwarder.sol";

/// Deploys DepositForwarder clones (OpenZeppelin Clones, CREATE2) whose salt commits to their
/// destination, salt = keccak256(abi.encode(destination, nonce)), and whose code carries it
/// as an immutable argument. Whoever deploys the forwarder of (destination, nonce), it pays
/// that destination; no other destination can take the address. No owner, holds nothing.
contract ForwarderFactory {
    /// The clones' code; made by the constructor (the factory's first CREATE, nonce 1).
    address public immutable implementation;

    /// One batch entry: the forwarder of (destination, nonce) and the tokens to flush from
    /// it; its native coin is flushed too when it holds any.
    struct Sweep {
        address payable destination;
        bytes32 nonce;
        IERC20[] tokens;
    }

    constructor() {
        implementation = address(new DepositForwarder());
    }

    function saltOf(address destination, bytes32 nonce) public pure returns (bytes32) {
        return keccak256(abi.encode(destination, nonce));
    }

    function addressOf(address destination, bytes32 nonce) public view returns (address) {
        return Clones.predictDeterministicAddressWithImmutableArgs(
            implementation, abi.encodePacked(destination), saltOf(destination, nonce));
    }

    /// Deploys the forwarder of (destination, nonce) unless it exists; returns it either way.
    function deploy(address payable destination, bytes32 nonce) public returns (address forwarder) {
        forwarder = addressOf(destination, nonce);
        if (forwarder.code.length == 0) {
            Clones.cloneDeterministicWithImmutableArgs(
                implementation, abi.encodePacked(destination), saltOf(destination, nonce));
        }
    }

    /// Deploy-if-needed and flush for many forwarders in one transaction.
    function sweep(Sweep[] calldata sweeps) external {
        for (uint256 i = 0; i < sweeps.length; i++) {
            address forwarder = deploy(sweeps[i].destination, sweeps[i].nonce);
            IERC20[] calldata tokens = sweeps[i].tokens;
            for (uint256 j = 0; j < tokens.length; j++) {
                DepositForwarder(payable(forwarder)).flushToken(tokens[j]);
            }
            if (forwarder.balance > 0) DepositForwarder(payable(forwarder)).flush();
        }
    }
}
