// tsc does not copy non-TypeScript files; the guest probe script ships beside the compiled gatherer.
const fs = require('fs');
const path = require('path');
const assets = [['src/azure/probe/guest-probe.ps1', 'dist/azure/probe/guest-probe.ps1']];
for (const [from, to] of assets) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}
