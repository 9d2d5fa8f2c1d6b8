#!/usr/bin/env bash
# Regenerates the contract bindings: Solidity → ABI/bytecode (npm solc and OpenZeppelin,
# pinned in package.json/package-lock.json) → Go bindings (go-ethereum's abigen, built by the
# Makefile into bin/ from the go-ethereum version in go.mod). Run it as `make contracts`.
# The outputs are committed; run this only after changing a .sol file or a pin.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/adapters/ethereum/contracts"
ABIGEN="${ABIGEN:-$root/bin/abigen}"

# The settlement contracts (ForwarderFactory and its DepositForwarder clones), the
# subscriptions' SubscriptionCollector and the development and test contracts, bound in
# adapters/ethereum/contracts.
npm ci --no-audit --no-fund
rm -rf build && mkdir -p build
for name in ForwarderFactory DepositForwarder SubscriptionCollector TestToken NoReturnToken MockPriceFeed InternalPayer; do
  # The source must come before --include-path, which takes every argument after it.
  npx solcjs "$name.sol" --bin --abi --optimize --base-path . --include-path node_modules/ -o build
  cp "build/${name}_sol_${name}.abi" "$name.abi"
  cp "build/${name}_sol_${name}.bin" "$name.bin"
  lower=$(tr '[:upper:]' '[:lower:]' <<<"$name")
  "$ABIGEN" --abi "$name.abi" --bin "$name.bin" --pkg contracts --type "$name" --out "$lower.go"
done

# The Chainlink reader in adapters/rates binds the real AggregatorV3Interface of
# @chainlink/contracts, pinned by version and tarball integrity. `npm pack` fetches that
# package alone: installing it would also fetch its dependencies (one from GitHub), which
# one interface does not need.
CHAINLINK="@chainlink/contracts@1.5.0"
CHAINLINK_INTEGRITY="sha512-1fGJwjvivqAxvVOTqZUEXGR54CATtg0vjcXgSIk4Cfoad2nUhSG/qaWHXjLg1CkNTeOoteoxGQcpP/HiA5HsUA=="
mkdir -p build/chainlink
tarball=$(cd build/chainlink && npm pack "$CHAINLINK" --silent)
got="sha512-$(openssl dgst -sha512 -binary "build/chainlink/$tarball" | base64 -w0)"
if [[ "$got" != "$CHAINLINK_INTEGRITY" ]]; then
  echo "$CHAINLINK: integrity $got, want $CHAINLINK_INTEGRITY" >&2
  exit 1
fi
tar -xzf "build/chainlink/$tarball" -C build/chainlink
(cd build/chainlink/package/src/v0.8/shared/interfaces &&
  "$root/adapters/ethereum/contracts/node_modules/.bin/solcjs" AggregatorV3Interface.sol --abi -o "$root/adapters/ethereum/contracts/build")
rates="$root/adapters/rates"
cp build/AggregatorV3Interface_sol_AggregatorV3Interface.abi "$rates/AggregatorV3Interface.abi"
"$ABIGEN" --abi "$rates/AggregatorV3Interface.abi" --pkg rates --type aggregatorV3 --out "$rates/aggregatorv3.go"

rm -rf build
echo "regenerated: $(ls ./*.abi ./*.bin ./*.go "$rates"/*.abi "$rates/aggregatorv3.go" | tr '\n' ' ')"
