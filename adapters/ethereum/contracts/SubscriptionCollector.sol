// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// Recurring ERC-20 payments without custody. A payer approves this contract on a token and
/// authorizes a mandate: which token, which payee, at most how much per collection, and how
/// often. Anyone may then collect (the operator's gas wallet does, so the payer need not be
/// online), and every collection moves tokens from the payer straight to the payee fixed in
/// the mandate: the contract never holds funds and nobody can redirect them. No owner, no
/// admin, no upgrade path. The payer stops it by revoking the mandate or the token allowance.
/// Because anyone may collect any amount up to the cap, a payer should set maxPerCollection to
/// the price of one period.
contract SubscriptionCollector {
    using SafeERC20 for IERC20;

    /// One authorization, packed so that a collection rewrites a single storage slot (the
    /// second: lastCollectedAt and count beside the token).
    struct Mandate {
        address payer;
        uint64 minInterval;
        bool revoked;
        address token;
        uint64 lastCollectedAt;
        uint32 count;
        address payee;
        uint256 maxPerCollection;
    }

    // Reason codes of `collectable`, in the order `collect` checks them, so the service can
    // tell why without sending a failing transaction.
    /// The collection would succeed now.
    uint8 public constant REASON_OK = 0;
    /// No mandate has this id.
    uint8 public constant REASON_NO_MANDATE = 1;
    /// The payer revoked the mandate: it will never collect again.
    uint8 public constant REASON_REVOKED = 2;
    /// The amount is zero or above maxPerCollection.
    uint8 public constant REASON_AMOUNT = 3;
    /// minInterval has not passed since the last collection: retry later.
    uint8 public constant REASON_TOO_EARLY = 4;
    /// The payer's allowance to this contract is below the amount (or unreadable).
    uint8 public constant REASON_ALLOWANCE = 5;
    /// The payer's token balance is below the amount (or unreadable).
    uint8 public constant REASON_BALANCE = 6;

    mapping(bytes32 => Mandate) private _mandates;

    /// An id names one mandate for ever, revoked or not, so a collector keyed by id can never
    /// be pointed at other terms.
    error MandateExists(bytes32 id);
    error NoMandate(bytes32 id);
    error MandateIsRevoked(bytes32 id);
    error NotPayer(bytes32 id, address caller);
    /// A zero token or payee, or a zero cap, could never be collected.
    error InvalidMandate();
    error InvalidAmount(uint256 amount, uint256 maxPerCollection);
    error TooEarly(uint256 nextAt);

    event MandateAuthorized(
        bytes32 indexed id,
        address indexed payer,
        address token,
        address indexed payee,
        uint256 maxPerCollection,
        uint64 minInterval
    );
    /// Count is the number of collections of this mandate so far, this one included; the
    /// token's own Transfer log in the same receipt shows payer and payee.
    event Collected(bytes32 indexed id, uint256 amount, uint32 count);
    event MandateRevoked(bytes32 indexed id);

    /// Authorizes a mandate paid by the caller. The id is the caller's choice (the service
    /// uses a hash of its subscription id, so it can find the mandate without reading logs).
    /// The allowance to this contract is given separately, on the token.
    function authorize(bytes32 id, address token, address payee, uint256 maxPerCollection, uint64 minInterval)
        external
    {
        if (_mandates[id].payer != address(0)) revert MandateExists(id);
        if (token == address(0) || payee == address(0) || maxPerCollection == 0) revert InvalidMandate();
        _mandates[id] = Mandate({
            payer: msg.sender,
            minInterval: minInterval,
            revoked: false,
            token: token,
            lastCollectedAt: 0,
            count: 0,
            payee: payee,
            maxPerCollection: maxPerCollection
        });
        emit MandateAuthorized(id, msg.sender, token, payee, maxPerCollection, minInterval);
    }

    /// Pulls amount from the payer to the payee. Open to anyone: the mandate alone decides
    /// where the money goes and how much and how often it may move, so the caller only pays
    /// gas. The first collection needs no wait. State is written before the token is called
    /// (a re-entering token meets the new lastCollectedAt). SafeERC20 copes with tokens that
    /// return nothing (USDT) and reverts on those that return false.
    function collect(bytes32 id, uint256 amount) external {
        Mandate storage m = _mandates[id];
        address payer = m.payer;
        if (payer == address(0)) revert NoMandate(id);
        if (m.revoked) revert MandateIsRevoked(id);
        if (amount == 0 || amount > m.maxPerCollection) revert InvalidAmount(amount, m.maxPerCollection);
        uint32 count = m.count;
        if (count != 0) {
            // In 256 bits: a huge minInterval must not wrap around.
            uint256 nextAt = uint256(m.lastCollectedAt) + m.minInterval;
            if (block.timestamp < nextAt) revert TooEarly(nextAt);
        }
        count += 1;
        m.lastCollectedAt = uint64(block.timestamp);
        m.count = count;
        IERC20(m.token).safeTransferFrom(payer, m.payee, amount);
        emit Collected(id, amount, count);
    }

    /// Ends the mandate for good; only its payer may. The record stays, so the id cannot be
    /// authorized again with other terms.
    function revoke(bytes32 id) external {
        Mandate storage m = _mandates[id];
        if (m.payer == address(0)) revert NoMandate(id);
        if (m.payer != msg.sender) revert NotPayer(id, msg.sender);
        if (m.revoked) revert MandateIsRevoked(id);
        m.revoked = true;
        emit MandateRevoked(id);
    }

    /// The mandate's terms and state; a zero payer means no mandate has this id.
    function mandate(bytes32 id) external view returns (Mandate memory) {
        return _mandates[id];
    }

    /// Whether collect(id, amount) would succeed now and, if not, the first reason (REASON_*)
    /// it would fail for; never reverts, even for a token that does. It reads the token's
    /// allowance and balance, so a token with other rules (pauses, blocklists, fees) may still
    /// refuse a collection it reports as OK.
    function collectable(bytes32 id, uint256 amount) external view returns (bool ok, uint8 reason) {
        Mandate storage m = _mandates[id];
        address payer = m.payer;
        if (payer == address(0)) return (false, REASON_NO_MANDATE);
        if (m.revoked) return (false, REASON_REVOKED);
        if (amount == 0 || amount > m.maxPerCollection) return (false, REASON_AMOUNT);
        if (m.count != 0 && block.timestamp < uint256(m.lastCollectedAt) + m.minInterval) {
            return (false, REASON_TOO_EARLY);
        }
        address token = m.token;
        (bool read, uint256 value) = _readUint(token, abi.encodeCall(IERC20.allowance, (payer, address(this))));
        if (!read || value < amount) return (false, REASON_ALLOWANCE);
        (read, value) = _readUint(token, abi.encodeCall(IERC20.balanceOf, (payer)));
        if (!read || value < amount) return (false, REASON_BALANCE);
        return (true, REASON_OK);
    }

    /// A static call that reports failure instead of reverting: a high-level call would revert
    /// on a token that reverts, has no code or returns too little data.
    function _readUint(address token, bytes memory data) private view returns (bool, uint256) {
        (bool success, bytes memory ret) = token.staticcall(data);
        if (!success || ret.length < 32) return (false, 0);
        return (true, abi.decode(ret, (uint256)));
    }
}
