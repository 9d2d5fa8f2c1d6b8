// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

/// A deposit address that can only pay one destination. ForwarderFactory deploys clones of
/// it whose destination is an immutable argument in the clone's own code (fixed when it is
/// created; no storage, no initialiser to front-run). There is no owner and no upgrade path,
/// and anyone may flush: the funds can only go to `destination`.
contract DepositForwarder {
    using SafeERC20 for IERC20;

    /// The implementation's own address: called directly, it has no destination.
    address private immutable _self = address(this);

    error NotAClone();

    /// A flush paid amount of native coin to the destination; a sweep's receipt reads what each
    /// forwarder paid from it (token flushes already log the token's own Transfer).
    event NativeFlushed(uint256 amount);

    /// Where every flush pays: the 20 bytes appended to the clone's code by the factory.
    function destination() public view returns (address payable) {
        if (address(this) == _self) revert NotAClone();
        return payable(address(bytes20(Clones.fetchCloneArgs(address(this)))));
    }

    /// Native coin sent after deployment waits here for the next flush.
    receive() external payable {}

    /// Pays the whole native balance to the destination.
    function flush() external {
        uint256 amount = address(this).balance;
        if (amount > 0) {
            Address.sendValue(destination(), amount);
            emit NativeFlushed(amount);
        }
    }

    /// Pays the whole balance of token to the destination; works with tokens that return
    /// nothing from transfer (USDT) through SafeERC20.
    function flushToken(IERC20 token) external {
        uint256 amount = token.balanceOf(address(this));
        if (amount > 0) token.safeTransfer(destination(), amount);
    }
}
