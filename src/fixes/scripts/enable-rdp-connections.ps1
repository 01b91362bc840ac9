# rdp-doctor-fix: enable-rdp-connections
# Allows Remote Desktop connections (fDenyTSConnections = 0) and enables the Remote Desktop firewall rule
# group (named by its resource id: the display name is localized). A Group Policy value overrides the
# local one, and a firewall GPO can block what the local rules allow, so the script says so instead of
# claiming success. Runs through Run Command as SYSTEM, takes no parameters, and prints ONE compact JSON
# line: { "ok": bool, "message": "..." }.

$ErrorActionPreference = 'Stop'
$tsKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
$tsPolicyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

# What the firewall applies is the active store, where Group Policy rules and settings win over the local
# ones this script changes: a GPO that ignores local rules, or blocks the RDP port, undoes the fix.
function Get-PolicyOverride([int]$port) {
  $ignoring = @(Get-NetFirewallProfile -PolicyStore ActiveStore | Where-Object { [string]$_.AllowLocalFirewallRules -eq 'False' })
  if ($ignoring.Count -gt 0) {
    return 'Group Policy does not apply local firewall rules on the ' + (($ignoring | ForEach-Object { [string]$_.Name }) -join ', ') +
      ' profile: add an inbound allow rule for TCP ' + $port + ' to the firewall GPO.'
  }
  $blocks = @(Get-NetFirewallRule -PolicyStore ActiveStore -Direction Inbound -Action Block -Enabled True |
      Where-Object { [string]$_.PolicyStoreSourceType -eq 'GroupPolicy' })
  foreach ($rule in $blocks) {
    $filter = Get-NetFirewallPortFilter -AssociatedNetFirewallRule $rule
    $protocolMatches = [string]$filter.Protocol -eq 'TCP' -or [string]$filter.Protocol -eq 'Any'
    $portMatches = @($filter.LocalPort | Where-Object { [string]$_ -eq 'Any' -or [string]$_ -eq [string]$port }).Count -gt 0
    if ($protocolMatches -and $portMatches) {
      return "Group Policy blocks TCP $port with the rule '" + [string]$rule.DisplayName + "' (" + [string]$rule.PolicyStoreSource + '): remove it from the firewall GPO.'
    }
  }
  return $null
}

try {
  Set-ItemProperty -Path $tsKey -Name fDenyTSConnections -Value 0 -Type DWord
  Enable-NetFirewallRule -Group '@FirewallAPI.dll,-28752'
  $policy = Get-ItemProperty -Path $tsPolicyKey -Name fDenyTSConnections -ErrorAction SilentlyContinue
  $port = Get-ItemProperty -Path ($tsKey + '\WinStations\RDP-Tcp') -Name PortNumber -ErrorAction SilentlyContinue
  $override = $null
  if ($port) { $override = Get-PolicyOverride ([int]$port.PortNumber) } else { $override = Get-PolicyOverride 3389 }
  if ($policy -and [int]$policy.fDenyTSConnections -eq 1) {
    Write-Result $false ('Set fDenyTSConnections to 0, but Group Policy still denies Remote Desktop (' + $tsPolicyKey + '): ' +
      "enable 'Allow users to connect remotely by using Remote Desktop Services' in the policy.")
  } elseif ($null -ne $override) {
    Write-Result $false ('Set fDenyTSConnections to 0 and enabled the local firewall rules, but ' + $override)
  } else {
    Write-Result $true 'Remote Desktop connections are allowed (fDenyTSConnections = 0) and its firewall rules are enabled.'
  }
} catch {
  Write-Result $false ('Enabling Remote Desktop connections failed: ' + $_.Exception.Message)
}
