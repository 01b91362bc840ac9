// tsc does not copy non-TypeScript files (the guest probe, the fix scripts) nor set
// file modes; this does both after every build.
const fs = require('fs');
const path = require('path');
const assets = [
  ['src/azure/probe/guest-probe.ps1', 'dist/azure/probe/guest-probe.ps1'],
  ['src/fixes/scripts/start-termservice.ps1', 'dist/fixes/scripts/start-termservice.ps1'],
  ['src/fixes/scripts/enable-rdp-firewall-rules.ps1', 'dist/fixes/scripts/enable-rdp-firewall-rules.ps1'],
  ['src/fixes/scripts/enable-rdp-connections.ps1', 'dist/fixes/scripts/enable-rdp-connections.ps1'],
  ['src/fixes/scripts/reset-rdp-port.ps1', 'dist/fixes/scripts/reset-rdp-port.ps1'],
  ['src/fixes/scripts/reset-listener-certificate.ps1', 'dist/fixes/scripts/reset-listener-certificate.ps1'],
  ['src/fixes/scripts/unlock-account.ps1', 'dist/fixes/scripts/unlock-account.ps1'],
  ['src/fixes/scripts/stop-process.ps1', 'dist/fixes/scripts/stop-process.ps1'],
  ['src/fixes/scripts/logoff-session.ps1', 'dist/fixes/scripts/logoff-session.ps1'],
];
for (const [from, to] of assets) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}
// The CLI is the package's `bin`: runnable as ./dist/cli/main.js too, not only through npm.
fs.chmodSync('dist/cli/main.js', 0o755);
