# rdp-doctor-fix: enable-rdp-firewall-rules
# Enables the built-in Remote Desktop firewall rule group. The group is named by its resource id, because
# its display name ('Remote Desktop') is localized. Runs through Run Command as SYSTEM, takes no
# parameters, and prints ONE compact JSON line: { "ok": bool, "message": "..." }.

$ErrorActionPreference = 'Stop'
$rdpGroup = '@FirewallAPI.dll,-28752'

function Write-Result([bool]$ok, [string]$message) {
  Write-Output (ConvertTo-Json -InputObject ([ordered]@{ ok = $ok; message = $message }) -Compress)
}

try {
  Enable-NetFirewallRule -Group $rdpGroup
  $inbound = @(Get-NetFirewallRule -Group $rdpGroup | Where-Object { [string]$_.Direction -eq 'Inbound' })
  $enabled = @($inbound | Where-Object { [string]$_.Enabled -eq 'True' })
  if ($enabled.Count -eq 0) {
    Write-Result $false 'The Remote Desktop firewall group has no inbound rule to enable; restore it with VMAccess.'
  } else {
    Write-Result $true ('Enabled the Remote Desktop firewall rules (' + $enabled.Count + ' inbound).')
  }
} catch {
  Write-Result $false ('Enabling the Remote Desktop firewall rules failed: ' + $_.Exception.Message)
}
