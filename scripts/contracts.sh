#!/usr/bin/env bash
# Regenerates the development contracts: Solidity → ABI/bytecode (npm solc, pinned in
# package.json/package-lock.json) → Go bindings (go-ethereum's abigen, pinned below).
# The outputs are committed; run this only after changing a .sol file.
set -euo pipefail
cd "$(dirname "$0")/../adapters/ethereum/contracts"
ABIGEN="github.com/ethereum/go-ethereum/cmd/abigen@v1.17.8"

npm ci --no-audit --no-fund
rm -rf build && mkdir -p build
for name in TestToken MockPriceFeed Forwarder; do
  # The source must come before --include-path, which takes every argument after it.
  npx solcjs "$name.sol" --bin --abi --optimize --base-path . --include-path node_modules/ -o build
  cp "build/${name}_sol_${name}.abi" "$name.abi"
  cp "build/${name}_sol_${name}.bin" "$name.bin"
  lower=$(tr '[:upper:]' '[:lower:]' <<<"$name")
  go run "$ABIGEN" --abi "$name.abi" --bin "$name.bin" --pkg contracts --type "$name" --out "$lower.go"
done
rm -rf build
echo "regenerated: $(ls ./*.abi ./*.bin ./*.go | tr '\n' ' ')"
