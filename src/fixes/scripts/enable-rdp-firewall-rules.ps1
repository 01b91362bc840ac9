# rdp-doctor-fix: enable-rdp-firewall-rules
# Enables the built-in Remote Desktop firewall rule group. The group is named by its resource id, because
# its display name ('Remote Desktop') is localized. It checks the rules as the firewall applies them, Group
# Policy included. Runs through Run Command as SYSTEM, takes no parameters, and prints ONE compact JSON line: { "ok": bool, "message": "..." }.

$ErrorActionPreference = 'Stop'
$rdpGroup = '@FirewallAPI.dll,-28752'

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
  Enable-NetFirewallRule -Group $rdpGroup
  $inbound = @(Get-NetFirewallRule -Group $rdpGroup -PolicyStore ActiveStore | Where-Object { [string]$_.Direction -eq 'Inbound' })
  $enabled = @($inbound | Where-Object { [string]$_.Enabled -eq 'True' })
  $override = Get-PolicyOverride 3389
  if ($null -ne $override) {
    Write-Result $false ('Enabled the local Remote Desktop firewall rules, but ' + $override)
  } elseif ($enabled.Count -eq 0 -and @($inbound | Where-Object { [string]$_.PolicyStoreSourceType -eq 'GroupPolicy' }).Count -gt 0) {
    Write-Result $false 'Group Policy keeps the Remote Desktop firewall rules disabled: enable the Remote Desktop group in the firewall GPO.'
  } elseif ($enabled.Count -eq 0) {
    Write-Result $false 'The Remote Desktop firewall group has no inbound rule to enable; restore it with VMAccess.'
  } else {
    Write-Result $true ('Enabled the Remote Desktop firewall rules (' + $enabled.Count + ' inbound).')
  }
} catch {
  Write-Result $false ('Enabling the Remote Desktop firewall rules failed: ' + $_.Exception.Message)
}
